package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
)

func TestJWKS(t *testing.T) {
	t.Parallel()
	a, b := newKey(t), newKey(t)
	raw, err := JWKS(&a.PublicKey, &b.PublicKey, &a.PublicKey)
	if err != nil {
		t.Fatalf("JWKS = %v", err)
	}

	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatalf("unmarshal JWKS with go-jose = %v", err)
	}
	if len(set.Keys) != 2 {
		t.Fatalf("JWKS(a, b, a) has %d keys, want 2", len(set.Keys))
	}
	for i, priv := range []*ecdsa.PrivateKey{a, b} {
		k := set.Keys[i]
		if !k.IsPublic() || !k.Valid() {
			t.Errorf("JWKS key %d: public %v valid %v, want a valid public key", i, k.IsPublic(), k.Valid())
		}
		pub, ok := k.Key.(*ecdsa.PublicKey)
		if !ok || !pub.Equal(&priv.PublicKey) {
			t.Errorf("JWKS key %d = %v, want the given key", i, k.Key)
		}
		thumb, err := k.Thumbprint(crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if want := base64.RawURLEncoding.EncodeToString(thumb); k.KeyID != want || k.KeyID != NewKeySigner(priv).KeyID() {
			t.Errorf("JWKS key %d kid = %q, want the RFC 7638 thumbprint %q, as the signer says", i, k.KeyID, want)
		}
		if k.Algorithm != "ES256" || k.Use != "sig" {
			t.Errorf("JWKS key %d alg, use = %q, %q, want ES256, sig", i, k.Algorithm, k.Use)
		}
		if got := set.Key(k.KeyID); len(got) != 1 {
			t.Errorf("JWKS Key(%q) = %d keys, want 1", k.KeyID, len(got))
		}
	}

	// The wire form: exactly these members, no private "d".
	var wire struct{ Keys []map[string]string }
	if err := json.Unmarshal(raw, &wire); err != nil {
		t.Fatal(err)
	}
	got := make([]string, 0)
	for k := range wire.Keys[0] {
		got = append(got, k)
	}
	want := []string{"alg", "crv", "kid", "kty", "use", "x", "y"}
	if diff := cmp.Diff(want, got, cmp.Transformer("sort", sorted)); diff != "" {
		t.Errorf("JWKS members mismatch (-want +got):\n%s", diff)
	}
	if wire.Keys[0]["kty"] != "EC" || wire.Keys[0]["crv"] != "P-256" {
		t.Errorf("JWKS kty, crv = %q, %q, want EC, P-256", wire.Keys[0]["kty"], wire.Keys[0]["crv"])
	}
}

// TestJWKSVerifies checks that a relying party holding only the JWKS can
// verify our tokens with go-jose.
func TestJWKSVerifies(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	raw, err := JWKS(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	tok := mustIssue(t, newIssuer(NewKeySigner(key)), baseClaims())
	jws, err := jose.ParseSigned(tok, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatalf("jose.ParseSigned = %v", err)
	}
	if _, err := jws.Verify(set); err != nil {
		t.Errorf("Verify(token, JWKS) = %v, want nil", err)
	}
	// And from the set back to a Verifier.
	pub := set.Keys[0].Key.(*ecdsa.PublicKey)
	if _, err := newVerifierAt(t0, pub).Verify(tok); err != nil {
		t.Errorf("Verify with the key from JWKS = %v, want nil", err)
	}
}

func TestJWKSRejects(t *testing.T) {
	t.Parallel()
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	offCurve := &ecdsa.PublicKey{Curve: elliptic.P256()}
	tests := []struct {
		name string
		keys []*ecdsa.PublicKey
	}{
		{"nil key", []*ecdsa.PublicKey{nil}},
		{"P-384", []*ecdsa.PublicKey{&p384.PublicKey}},
		{"no point", []*ecdsa.PublicKey{offCurve}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, err := JWKS(tt.keys...); err == nil {
				t.Errorf("JWKS(%s) = %s, want an error", tt.name, got)
			}
			if got, err := KeyID(tt.keys[0]); err == nil {
				t.Errorf("KeyID(%s) = %q, want an error", tt.name, got)
			}
		})
	}
}

func TestJWKSEmpty(t *testing.T) {
	t.Parallel()
	got, err := JWKS()
	if err != nil || string(got) != `{"keys":[]}` {
		t.Errorf(`JWKS() = %s, %v, want {"keys":[]}`, got, err)
	}
}

func TestKeyIDIsRFC7638(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	// RFC 7638 §3.2: the required members in lexicographic order, no spaces.
	jwk := jose.JSONWebKey{Key: &key.PublicKey}
	b, _ := jwk.MarshalJSON()
	var m map[string]string
	_ = json.Unmarshal(b, &m)
	input := `{"crv":"P-256","kty":"EC","x":"` + m["x"] + `","y":"` + m["y"] + `"}`
	sum := sha256.Sum256([]byte(input))
	if got, want := mustKeyID(t, &key.PublicKey), base64.RawURLEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("KeyID(key) = %q, want %q", got, want)
	}
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
