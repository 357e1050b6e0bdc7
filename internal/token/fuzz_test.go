package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"
)

// fuzzKey is a fixed key, so that seeds in testdata/fuzz stay meaningful.
func fuzzKey(t testing.TB) *ecdsa.PrivateKey {
	d := sha256.Sum256([]byte("portalid token fuzz key"))
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d[:])
	if err != nil {
		t.Fatalf("ParseRawPrivateKey = %v", err)
	}
	return k
}

// FuzzVerify checks that Verify never panics, accepts only the tokens Issue
// made, and fails with one of its two faults and no detail. Signatures are
// randomised, and each fuzz worker runs this setup again, so a token is
// recognised by its signing input (header.payload), which is deterministic.
func FuzzVerify(f *testing.F) {
	key := fuzzKey(f)
	kid := mustKeyID(f, &key.PublicKey)
	i := newIssuer(NewKeySigner(key))
	valid := map[string]bool{}
	for _, c := range []Claims{baseClaims(), {Subject: "a", Level: "confirmed", SessionID: "s", ID: "j"}} {
		tok := mustIssue(f, i, c)
		valid[signingInput(tok)] = true
		f.Add(tok)
	}
	old := newIssuer(NewKeySigner(key))
	old.Now = at(t0.Add(-time.Hour))
	expiredTok := mustIssue(f, old, baseClaims())
	parts := strings.Split(expiredTok, ".")
	for _, seed := range []string{
		expiredTok,
		craft(f, with(goodHeader(kid), "alg", "none"), goodClaims(), nil),
		craft(f, with(goodHeader(kid), "alg", "HS256"), goodClaims(), func(in []byte) []byte { return make([]byte, 32) }),
		parts[0] + "." + segment(f, with(goodClaims(), "lvl", "confirmed")) + "." + parts[2],
		parts[0] + "." + parts[1] + "." + respell(parts[2]),
		"", ".", "..", "a.b.c", "eyJ.eyJ.", strings.Repeat("A", MaxSize+1),
	} {
		f.Add(seed)
	}
	v := newVerifierAt(t0, &key.PublicKey)

	f.Fuzz(func(t *testing.T, in string) {
		got, err := v.Verify(in)
		if err == nil {
			if !valid[signingInput(in)] {
				t.Fatalf("Verify(%q) = %+v, nil, want an error for a token Issue did not make", in, got)
			}
			return
		}
		if !errors.Is(err, ErrTokenInvalid) && !errors.Is(err, ErrTokenExpired) {
			t.Fatalf("Verify(%q) = %v, want ErrTokenInvalid or ErrTokenExpired", in, err)
		}
		if s := err.Error(); s != ErrTokenInvalid.Slug && s != ErrTokenExpired.Slug {
			t.Fatalf("Verify(%q) error text = %q, want the slug alone", in, s)
		}
		if got != (Claims{}) {
			t.Fatalf("Verify(%q) claims = %+v with an error, want none", in, got)
		}
	})
}

// signingInput is the token without its signature.
func signingInput(tok string) string {
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return ""
	}
	return tok[:i]
}
