package token

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	testIssuer   = "https://id.portal.example"
	testAudience = "portal-api"
	testTTL      = 15 * time.Minute
)

// t0 is the tests' issue time; its sub-second part checks the truncation.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 500_000_000, time.UTC)

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("ecdsa.GenerateKey = %v", err)
	}
	return k
}

func newIssuer(s Signer) *Issuer {
	return &Issuer{Signer: s, Issuer: testIssuer, Audience: testAudience, TTL: testTTL, Now: at(t0)}
}

func newVerifierAt(now time.Time, keys ...*ecdsa.PublicKey) *Verifier {
	return NewVerifier(testIssuer, testAudience, at(now), keys...)
}

func baseClaims() Claims {
	return Claims{Subject: "acc-1", Level: "standard", Method: "sms", SessionID: "fam-1", ID: "jti-1"}
}

func mustIssue(t testing.TB, i *Issuer, c Claims) string {
	t.Helper()
	tok, _, err := i.Issue(context.Background(), c)
	if err != nil {
		t.Fatalf("Issue(%+v) = %v", c, err)
	}
	return tok
}

// b64 encodes a token segment.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// segment encodes v as JSON, then base64url.
func segment(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal = %v", err)
	}
	return b64(b)
}

// craft builds a compact token from header and claims by hand and signs
// it with sign (nil gives an empty signature).
func craft(t testing.TB, header, claims map[string]any, sign func(input []byte) []byte) string {
	t.Helper()
	input := segment(t, header) + "." + segment(t, claims)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(input))
	}
	return input + "." + b64(sig)
}

// es256 signs a token's input with key, as a correct issuer would.
func es256With(t testing.TB, key *ecdsa.PrivateKey) func([]byte) []byte {
	return func(input []byte) []byte {
		d := sha256.Sum256(input)
		sig, err := NewKeySigner(key).Sign(context.Background(), d[:])
		if err != nil {
			t.Fatalf("Sign = %v", err)
		}
		return sig
	}
}

func mustKeyID(t testing.TB, pub *ecdsa.PublicKey) string {
	t.Helper()
	kid, err := KeyID(pub)
	if err != nil {
		t.Fatalf("KeyID = %v", err)
	}
	return kid
}

// goodHeader and goodClaims are what Issue would write at t0.
func goodHeader(kid string) map[string]any {
	return map[string]any{"alg": "ES256", "typ": "JWT", "kid": kid}
}

func goodClaims() map[string]any {
	iat := t0.Truncate(time.Second)
	return map[string]any{
		"iss": testIssuer, "aud": testAudience, "sub": "acc-1", "sid": "fam-1", "jti": "jti-1",
		"lvl": "standard", "cm": "sms", "iat": iat.Unix(), "exp": iat.Add(testTTL).Unix(),
	}
}

// with returns a copy of m with the given changes; a nil value deletes.
func with(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	iat := t0.Truncate(time.Second)
	tests := []struct {
		name string
		in   Claims
	}{
		{"simplified, no method", Claims{Subject: "acc-1", Level: "simplified", SessionID: "fam-1", ID: "jti-1"}},
		{"standard by sms", Claims{Subject: "acc-2", Level: "standard", Method: "sms", SessionID: "fam-2", ID: "jti-2"}},
		{"confirmed by letter", Claims{Subject: "acc-3", Level: "confirmed", Method: "letter", SessionID: "fam-3", ID: "jti-3"}},
		{"unicode and quotes", Claims{Subject: `acc-"ё"`, Level: "confirmed", Method: "</script>", SessionID: "fam-\u2028", ID: "jti-4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, exp, err := newIssuer(NewKeySigner(key)).Issue(context.Background(), tt.in)
			if err != nil {
				t.Fatalf("Issue(%+v) = %v", tt.in, err)
			}
			if want := iat.Add(testTTL); !exp.Equal(want) {
				t.Errorf("Issue(%+v) exp = %v, want %v", tt.in, exp, want)
			}
			got, err := newVerifierAt(t0, &key.PublicKey).Verify(tok)
			if err != nil {
				t.Fatalf("Verify(Issue(%+v)) = %v", tt.in, err)
			}
			want := tt.in
			want.IssuedAt, want.Expires = iat, iat.Add(testTTL)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Verify(Issue(%+v)) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestIssueHeader(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	tok := mustIssue(t, newIssuer(NewKeySigner(key)), baseClaims())
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if err != nil {
		t.Fatalf("decode header = %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("unmarshal header = %v", err)
	}
	want := map[string]any{"alg": "ES256", "typ": "JWT", "kid": mustKeyID(t, &key.PublicKey)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Issue header mismatch (-want +got):\n%s", diff)
	}
}

func TestIssueDrawsID(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	i, v := newIssuer(NewKeySigner(key)), newVerifierAt(t0, &key.PublicKey)
	c := baseClaims()
	c.ID = ""
	seen := map[string]bool{}
	for range 3 {
		got, err := v.Verify(mustIssue(t, i, c))
		if err != nil {
			t.Fatalf("Verify = %v", err)
		}
		if len(got.ID) != 22 || seen[got.ID] {
			t.Errorf("Issue(no ID) jti = %q, want 22 fresh base64url characters", got.ID)
		}
		seen[got.ID] = true
	}
}

// failSigner is a Signer whose Sign fails or returns a short signature.
type failSigner struct {
	*KeySigner
	err error
}

func (f failSigner) Sign(ctx context.Context, d []byte) ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	return make([]byte, 63), nil
}

func TestIssueRejects(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	errKMS := errors.New("kms down")
	tests := []struct {
		name    string
		issuer  func(*Issuer)
		claims  func(*Claims)
		wantErr error
	}{
		{name: "no subject", claims: func(c *Claims) { c.Subject = "" }},
		{name: "no session", claims: func(c *Claims) { c.SessionID = "" }},
		{name: "unknown level", claims: func(c *Claims) { c.Level = "admin" }},
		{name: "empty level", claims: func(c *Claims) { c.Level = "" }},
		{name: "no signer", issuer: func(i *Issuer) { i.Signer = nil }},
		{name: "nil key", issuer: func(i *Issuer) { i.Signer = NewKeySigner(nil) }},
		{name: "P-384 key", issuer: func(i *Issuer) { i.Signer = NewKeySigner(p384) }},
		{name: "no issuer", issuer: func(i *Issuer) { i.Issuer = "" }},
		{name: "no audience", issuer: func(i *Issuer) { i.Audience = "" }},
		{name: "zero ttl", issuer: func(i *Issuer) { i.TTL = 0 }},
		{name: "signer fails", issuer: func(i *Issuer) { i.Signer = failSigner{NewKeySigner(key), errKMS} }, wantErr: errKMS},
		{name: "short signature", issuer: func(i *Issuer) { i.Signer = failSigner{KeySigner: NewKeySigner(key)} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			i, c := newIssuer(NewKeySigner(key)), baseClaims()
			if tt.issuer != nil {
				tt.issuer(i)
			}
			if tt.claims != nil {
				tt.claims(&c)
			}
			tok, _, err := i.Issue(context.Background(), c)
			if err == nil || tok != "" {
				t.Fatalf("Issue(%+v) = %q, %v, want an error", c, tok, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Issue(%+v) = %v, want %v", c, err, tt.wantErr)
			}
		})
	}
}
