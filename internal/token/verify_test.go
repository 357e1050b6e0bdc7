package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/fault"
)

// assertFault checks that err is the fault want, of kind Unauthenticated,
// whose text is the slug alone (so no token or claim leaks into logs).
func assertFault(t *testing.T, in string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("Verify(%.40q) = %v, want %v", in, err, want)
	}
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.Unauthenticated {
		t.Errorf("Verify(%.40q) = %#v, want an Unauthenticated fault", in, err)
	}
	if got, wantText := err.Error(), want.Error(); got != wantText {
		t.Errorf("Verify(%.40q) error text = %q, want %q", in, got, wantText)
	}
	if f == ErrTokenInvalid || f == ErrTokenExpired {
		t.Errorf("Verify(%.40q) returned the sentinel itself, want a fresh fault", in)
	}
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	key, other := newKey(t), newKey(t)
	kid, otherKid := mustKeyID(t, &key.PublicKey), mustKeyID(t, &other.PublicKey)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkix, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	point, err := key.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})
	jwks, err := JWKS(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}

	good := es256With(t, key)
	hs256 := func(secret []byte) func([]byte) []byte {
		return func(in []byte) []byte { m := hmac.New(sha256.New, secret); m.Write(in); return m.Sum(nil) }
	}
	rs256 := func(in []byte) []byte {
		d := sha256.Sum256(in)
		sig, err := rsa.SignPKCS1v15(rand.Reader, rsaKey, crypto.SHA256, d[:])
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	es384 := func(in []byte) []byte {
		d := sha512.Sum384(in)
		r, s, err := ecdsa.Sign(rand.Reader, p384, d[:])
		if err != nil {
			t.Fatal(err)
		}
		raw := make([]byte, 96)
		r.FillBytes(raw[:48])
		s.FillBytes(raw[48:])
		return raw
	}

	issued := mustIssue(t, newIssuer(NewKeySigner(key)), baseClaims())
	parts := strings.Split(issued, ".")
	exp := t0.Truncate(time.Second).Add(testTTL)
	iat := t0.Truncate(time.Second)

	tests := []struct {
		name  string
		token string
		now   time.Time // default t0
		want  error
	}{
		// Time.
		{name: "expired", token: issued, now: exp.Add(DefaultLeeway), want: ErrTokenExpired},
		{name: "expired long ago", token: issued, now: exp.Add(24 * time.Hour), want: ErrTokenExpired},
		{name: "expired and by another key", token: craft(t, goodHeader(kid), goodClaims(), es256With(t, other)), now: exp.Add(time.Hour), want: ErrTokenInvalid},
		{name: "expired and wrong issuer", token: craft(t, goodHeader(kid), with(goodClaims(), "iss", "https://evil.example"), good), now: exp.Add(time.Hour), want: ErrTokenInvalid},
		{name: "issued in the future", token: craft(t, goodHeader(kid), with(goodClaims(), "iat", iat.Add(time.Minute).Unix()), good), want: ErrTokenInvalid},
		{name: "not before in the future", token: craft(t, goodHeader(kid), with(goodClaims(), "nbf", iat.Add(time.Minute).Unix()), good), want: ErrTokenInvalid},
		{name: "exp as a string", token: craft(t, goodHeader(kid), with(goodClaims(), "exp", "2099-01-01"), good), want: ErrTokenInvalid},
		{name: "no exp", token: craft(t, goodHeader(kid), with(goodClaims(), "exp", nil), good), want: ErrTokenInvalid},
		{name: "no iat", token: craft(t, goodHeader(kid), with(goodClaims(), "iat", nil), good), want: ErrTokenInvalid},

		// Issuer and audience.
		{name: "wrong issuer", token: craft(t, goodHeader(kid), with(goodClaims(), "iss", "https://evil.example"), good), want: ErrTokenInvalid},
		{name: "no issuer", token: craft(t, goodHeader(kid), with(goodClaims(), "iss", nil), good), want: ErrTokenInvalid},
		{name: "wrong audience", token: craft(t, goodHeader(kid), with(goodClaims(), "aud", "other-api"), good), want: ErrTokenInvalid},
		{name: "audience list without ours", token: craft(t, goodHeader(kid), with(goodClaims(), "aud", []string{"a", "b"}), good), want: ErrTokenInvalid},
		{name: "no audience", token: craft(t, goodHeader(kid), with(goodClaims(), "aud", nil), good), want: ErrTokenInvalid},

		// Required claims.
		{name: "no sub", token: craft(t, goodHeader(kid), with(goodClaims(), "sub", nil), good), want: ErrTokenInvalid},
		{name: "empty sub", token: craft(t, goodHeader(kid), with(goodClaims(), "sub", ""), good), want: ErrTokenInvalid},
		{name: "no sid", token: craft(t, goodHeader(kid), with(goodClaims(), "sid", nil), good), want: ErrTokenInvalid},
		{name: "no jti", token: craft(t, goodHeader(kid), with(goodClaims(), "jti", nil), good), want: ErrTokenInvalid},
		{name: "unknown level", token: craft(t, goodHeader(kid), with(goodClaims(), "lvl", "admin"), good), want: ErrTokenInvalid},
		{name: "no level", token: craft(t, goodHeader(kid), with(goodClaims(), "lvl", nil), good), want: ErrTokenInvalid},
		{name: "claims not an object", token: segment(t, goodHeader(kid)) + "." + b64([]byte(`["sub"]`)) + "." + b64(good([]byte(segment(t, goodHeader(kid))+"."+b64([]byte(`["sub"]`))))), want: ErrTokenInvalid},

		// Algorithms.
		{name: "alg none", token: craft(t, with(goodHeader(kid), "alg", "none"), goodClaims(), nil), want: ErrTokenInvalid},
		{name: "alg none with a signature", token: craft(t, with(goodHeader(kid), "alg", "none"), goodClaims(), good), want: ErrTokenInvalid},
		{name: "alg None", token: craft(t, with(goodHeader(kid), "alg", "None"), goodClaims(), nil), want: ErrTokenInvalid},
		{name: "no alg", token: craft(t, with(goodHeader(kid), "alg", nil), goodClaims(), good), want: ErrTokenInvalid},
		{name: "HS256 keyed with the PKIX public key", token: craft(t, with(goodHeader(kid), "alg", "HS256"), goodClaims(), hs256(pkix)), want: ErrTokenInvalid},
		{name: "HS256 keyed with the PEM public key", token: craft(t, with(goodHeader(kid), "alg", "HS256"), goodClaims(), hs256(pemKey)), want: ErrTokenInvalid},
		{name: "HS256 keyed with the public point", token: craft(t, with(goodHeader(kid), "alg", "HS256"), goodClaims(), hs256(point)), want: ErrTokenInvalid},
		{name: "HS256 keyed with the JWKS", token: craft(t, with(goodHeader(kid), "alg", "HS256"), goodClaims(), hs256(jwks)), want: ErrTokenInvalid},
		{name: "RS256", token: craft(t, with(goodHeader(kid), "alg", "RS256"), goodClaims(), rs256), want: ErrTokenInvalid},
		{name: "ES384", token: craft(t, with(goodHeader(kid), "alg", "ES384"), goodClaims(), es384), want: ErrTokenInvalid},
		{name: "PS256", token: craft(t, with(goodHeader(kid), "alg", "PS256"), goodClaims(), rs256), want: ErrTokenInvalid},

		// Keys.
		{name: "another key under our kid", token: craft(t, goodHeader(kid), goodClaims(), es256With(t, other)), want: ErrTokenInvalid},
		{name: "unknown kid", token: craft(t, goodHeader(otherKid), goodClaims(), es256With(t, other)), want: ErrTokenInvalid},
		{name: "no kid", token: craft(t, with(goodHeader(kid), "kid", nil), goodClaims(), good), want: ErrTokenInvalid},
		{name: "embedded jwk of another key", token: craft(t, with(goodHeader(otherKid), "jwk", map[string]any{"kty": "EC", "crv": "P-256"}), goodClaims(), es256With(t, other)), want: ErrTokenInvalid},
		{name: "jku to another key set", token: craft(t, with(goodHeader(otherKid), "jku", "https://evil.example/jwks"), goodClaims(), es256With(t, other)), want: ErrTokenInvalid},

		// Header.
		{name: "no typ", token: craft(t, with(goodHeader(kid), "typ", nil), goodClaims(), good), want: ErrTokenInvalid},
		{name: "typ at+jwt", token: craft(t, with(goodHeader(kid), "typ", "at+jwt"), goodClaims(), good), want: ErrTokenInvalid},
		{name: "unknown critical header", token: craft(t, with(goodHeader(kid), "crit", []string{"x"}, "x", 1), goodClaims(), good), want: ErrTokenInvalid},

		// Tampering.
		{name: "payload raised to confirmed", token: parts[0] + "." + segment(t, with(goodClaims(), "lvl", "confirmed")) + "." + parts[2], want: ErrTokenInvalid},
		{name: "payload with another subject", token: parts[0] + "." + segment(t, with(goodClaims(), "sub", "acc-2")) + "." + parts[2], want: ErrTokenInvalid},
		{name: "payload of another token", token: parts[0] + "." + strings.Split(craft(t, goodHeader(kid), goodClaims(), good), ".")[1] + "x." + parts[2], want: ErrTokenInvalid},
		{name: "header changed", token: segment(t, with(goodHeader(kid), "x", 1)) + "." + parts[1] + "." + parts[2], want: ErrTokenInvalid},
		{name: "signature bit flipped", token: parts[0] + "." + parts[1] + "." + flipFirst(parts[2]), want: ErrTokenInvalid},
		{name: "signature truncated", token: parts[0] + "." + parts[1] + "." + parts[2][:84], want: ErrTokenInvalid},
		{name: "signature dropped", token: parts[0] + "." + parts[1] + ".", want: ErrTokenInvalid},
		{name: "signature respelt", token: parts[0] + "." + parts[1] + "." + respell(parts[2]), want: ErrTokenInvalid},
		{name: "line break in payload", token: parts[0] + "." + parts[1][:10] + "\n" + parts[1][10:] + "." + parts[2], want: ErrTokenInvalid},
		{name: "line break in signature", token: parts[0] + "." + parts[1] + "." + parts[2][:40] + "\r\n" + parts[2][40:], want: ErrTokenInvalid},
		{name: "padding added", token: parts[0] + "." + parts[1] + "." + parts[2] + "==", want: ErrTokenInvalid},
		{name: "leading space", token: " " + issued, want: ErrTokenInvalid},
		{name: "trailing dot", token: issued + ".", want: ErrTokenInvalid},
		{name: "JWS JSON serialization", token: `{"protected":"` + parts[0] + `","payload":"` + parts[1] + `","signature":"` + parts[2] + `"}`, want: ErrTokenInvalid},
		{name: "over 4 KiB, validly signed", token: craft(t, goodHeader(kid), with(goodClaims(), "pad", strings.Repeat("a", MaxSize)), good), want: ErrTokenInvalid},

		// Garbage.
		{name: "empty", token: "", want: ErrTokenInvalid},
		{name: "dots", token: "..", want: ErrTokenInvalid},
		{name: "one segment", token: parts[0], want: ErrTokenInvalid},
		{name: "two segments", token: parts[0] + "." + parts[1], want: ErrTokenInvalid},
		{name: "four segments", token: issued + "." + parts[2], want: ErrTokenInvalid},
		{name: "words", token: "not a token", want: ErrTokenInvalid},
		{name: "Bearer prefix", token: "Bearer " + issued, want: ErrTokenInvalid},
		{name: "a.b.c", token: "a.b.c", want: ErrTokenInvalid},
		{name: "header not JSON", token: b64([]byte("{")) + "." + parts[1] + "." + parts[2], want: ErrTokenInvalid},
		{name: "huge", token: strings.Repeat("A", 1<<20), want: ErrTokenInvalid},
		{name: "invalid UTF-8", token: "\xff\xfe." + parts[1] + "." + parts[2], want: ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := tt.now
			if now.IsZero() {
				now = t0
			}
			got, err := newVerifierAt(now, &key.PublicKey, &p384.PublicKey).Verify(tt.token)
			if err == nil {
				t.Fatalf("Verify(%.40q) = %+v, nil, want %v", tt.token, got, tt.want)
			}
			assertFault(t, tt.token, err, tt.want)
			if got != (Claims{}) {
				t.Errorf("Verify(%.40q) claims = %+v, want none", tt.token, got)
			}
		})
	}
}

// flipFirst changes the first character of a segment, and so its bits.
func flipFirst(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

// respell changes the spare low bits of the last character of a 64-byte
// signature: the same bytes, spelled another way.
func respell(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, s[len(s)-1])
	return s[:len(s)-1] + string(alphabet[last|1])
}

// TestVerifyCraftedControl checks that the hand-crafted tokens of
// TestVerifyRejects fail for the reason named, not for being crafted.
func TestVerifyCraftedControl(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	kid := mustKeyID(t, &key.PublicKey)
	v := newVerifierAt(t0, &key.PublicKey)
	tests := []struct {
		name  string
		token string
	}{
		{"as Issue writes it", craft(t, goodHeader(kid), goodClaims(), es256With(t, key))},
		{"audience list with ours", craft(t, goodHeader(kid), with(goodClaims(), "aud", []string{"other", testAudience}), es256With(t, key))},
		{"unknown extra claim", craft(t, goodHeader(kid), with(goodClaims(), "x", 1), es256With(t, key))},
		{"no method", craft(t, goodHeader(kid), with(goodClaims(), "cm", nil), es256With(t, key))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := v.Verify(tt.token); err != nil {
				t.Errorf("Verify(%.40q) = %v, want nil", tt.token, err)
			}
		})
	}
}

func TestVerifyTime(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	tok := mustIssue(t, newIssuer(NewKeySigner(key)), baseClaims())
	iat := t0.Truncate(time.Second)
	exp := iat.Add(testTTL)
	tests := []struct {
		name   string
		now    time.Time
		leeway time.Duration
		want   error
	}{
		{"at issue", iat, 0, nil},
		{"a second before exp", exp.Add(-time.Second), 0, nil},
		{"at exp", exp, 0, ErrTokenExpired},
		{"within leeway after exp", exp.Add(4 * time.Second), 5 * time.Second, nil},
		{"at exp plus leeway", exp.Add(5 * time.Second), 5 * time.Second, ErrTokenExpired},
		{"leeway clamped to 30s", exp.Add(31 * time.Second), time.Hour, ErrTokenExpired},
		{"negative leeway is zero", exp.Add(-time.Second), -time.Hour, nil},
		{"iat just ahead, within leeway", iat.Add(-4 * time.Second), 5 * time.Second, nil},
		{"iat ahead beyond leeway", iat.Add(-6 * time.Second), 5 * time.Second, ErrTokenInvalid},
		{"iat ahead, no leeway", iat.Add(-time.Second), 0, ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := newVerifierAt(tt.now, &key.PublicKey)
			v.Leeway = tt.leeway
			_, err := v.Verify(tok)
			if tt.want == nil {
				if err != nil {
					t.Errorf("Verify(token) at %v = %v, want nil", tt.now, err)
				}
				return
			}
			assertFault(t, tok, err, tt.want)
		})
	}
}

func TestVerifierConfig(t *testing.T) {
	t.Parallel()
	key, old := newKey(t), newKey(t)
	tok := mustIssue(t, newIssuer(NewKeySigner(key)), baseClaims())
	oldTok := mustIssue(t, newIssuer(NewKeySigner(old)), baseClaims())
	past := newIssuer(NewKeySigner(key))
	past.Now = at(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	pastTok := mustIssue(t, past, baseClaims())
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	tests := []struct {
		name  string
		v     *Verifier
		token string
		want  error
	}{
		{"rotation: new key", newVerifierAt(t0, &old.PublicKey, &key.PublicKey), tok, nil},
		{"rotation: old key", newVerifierAt(t0, &old.PublicKey, &key.PublicKey), oldTok, nil},
		{"old key retired", newVerifierAt(t0, &key.PublicKey), oldTok, ErrTokenInvalid},
		{"no keys", newVerifierAt(t0), tok, ErrTokenInvalid},
		{"bad keys left out", newVerifierAt(t0, nil, &p384.PublicKey, &key.PublicKey), tok, nil},
		{"empty issuer", NewVerifier("", testAudience, at(t0), &key.PublicKey), tok, ErrTokenInvalid},
		{"empty audience", NewVerifier(testIssuer, "", at(t0), &key.PublicKey), tok, ErrTokenInvalid},
		{"zero Verifier", &Verifier{}, tok, ErrTokenInvalid},
		{"wrong issuer", NewVerifier("https://other.example", testAudience, at(t0), &key.PublicKey), tok, ErrTokenInvalid},
		{"wrong audience", NewVerifier(testIssuer, "other-api", at(t0), &key.PublicKey), tok, ErrTokenInvalid},
		{"nil Now is the wall clock", NewVerifier(testIssuer, testAudience, nil, &key.PublicKey), pastTok, ErrTokenExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.v.Verify(tt.token)
			if tt.want == nil {
				if err != nil {
					t.Errorf("Verify(token) = %v, want nil", err)
				}
				return
			}
			assertFault(t, tt.token, err, tt.want)
		})
	}
}
