package token

import (
	"context"
	"testing"
)

func BenchmarkIssue(b *testing.B) {
	i := newIssuer(NewKeySigner(newKey(b)))
	ctx, c := context.Background(), baseClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := i.Issue(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	key := newKey(b)
	tok := mustIssue(b, newIssuer(NewKeySigner(key)), baseClaims())
	v := newVerifierAt(t0, &key.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyReject measures the cheap path: a forged token refused
// at the algorithm check, before any signature arithmetic.
func BenchmarkVerifyReject(b *testing.B) {
	key := newKey(b)
	kid := mustKeyID(b, &key.PublicKey)
	tok := craft(b, with(goodHeader(kid), "alg", "none"), goodClaims(), nil)
	v := newVerifierAt(t0, &key.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(tok); err == nil {
			b.Fatal("Verify(alg none) = nil")
		}
	}
}
