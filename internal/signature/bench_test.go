package signature_test

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/signature/devca"
)

// BenchmarkVerify measures one verification: parse the CMS, check the
// signature, build and verify the chain, read the subject.
func BenchmarkVerify(b *testing.B) {
	p := newPKI(b)
	content := challenge(b)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		cred devca.Credential
	}{
		{"ecdsa-p256-with-intermediate", mustIssue(b, p.issuing, anna, devca.Options{})},
		{"rsa-2048-under-root", mustIssue(b, p.root, anna, devca.Options{Key: rsaKey})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			der := mustSign(b, bc.cred, content)
			now := time.Now()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.verifier.Verify(der, content, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
