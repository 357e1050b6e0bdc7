package signature_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/portalid/portalid/internal/redacttest"
	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

// anna is the person of the test certificates; her SNILS and INN pass
// their checksums.
var anna = devca.Person{Surname: "Петрова", GivenName: "Анна Сергеевна", SNILS: "11223344595", INN: "500100732259"}

// pki is a root, an issuing CA under it, and a second root nobody trusts.
type pki struct {
	root, issuing, stranger *devca.Authority
	verifier                *signature.Verifier
}

func newPKI(t testing.TB) *pki {
	t.Helper()
	p := &pki{root: mustRoot(t, "test root", devca.Options{}), stranger: mustRoot(t, "stranger root", devca.Options{})}
	var err error
	if p.issuing, err = p.root.Intermediate("test issuing CA", devca.Options{}); err != nil {
		t.Fatal(err)
	}
	p.verifier = signature.NewVerifier(signature.TrustList{p.root.Cert})
	return p
}

func mustRoot(t testing.TB, name string, o devca.Options) *devca.Authority {
	t.Helper()
	a, err := devca.NewRoot(name, o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustIssue(t testing.TB, a *devca.Authority, p devca.Person, o devca.Options) devca.Credential {
	t.Helper()
	c, err := a.Issue(p, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustSign(t testing.TB, c devca.Credential, content []byte) []byte {
	t.Helper()
	der, err := c.Sign(content)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func challenge(t testing.TB) []byte {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerify(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	now := time.Now()
	day := 24 * time.Hour
	content := challenge(t)
	other := challenge(t)

	valid := mustIssue(t, p.issuing, anna, devca.Options{})
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	expiredCA, err := p.root.Intermediate("expired CA", devca.Options{NotBefore: now.Add(-3 * day), NotAfter: now.Add(-day)})
	if err != nil {
		t.Fatal(err)
	}
	expiredRoot := mustRoot(t, "expired root", devca.Options{NotBefore: now.Add(-3 * day), NotAfter: now.Add(-day)})
	withoutChain := valid
	withoutChain.Chain = nil

	tests := []struct {
		name    string
		cms     func() []byte
		content []byte
		v       *signature.Verifier
		want    error
	}{
		{name: "valid, ECDSA through an intermediate", cms: func() []byte { return mustSign(t, valid, content) }},
		{name: "valid, RSA straight under the root", cms: func() []byte {
			return mustSign(t, mustIssue(t, p.root, anna, devca.Options{Key: rsaKey}), content)
		}},
		{name: "certificate expired", want: signature.ErrExpired, cms: func() []byte {
			return mustSign(t, mustIssue(t, p.issuing, anna, devca.Options{NotBefore: now.Add(-400 * day), NotAfter: now.Add(-day)}), content)
		}},
		{name: "certificate not yet valid", want: signature.ErrNotYetValid, cms: func() []byte {
			return mustSign(t, mustIssue(t, p.issuing, anna, devca.Options{NotBefore: now.Add(day), NotAfter: now.Add(400 * day)}), content)
		}},
		{name: "issuing CA expired", want: signature.ErrExpired, cms: func() []byte {
			return mustSign(t, mustIssue(t, expiredCA, anna, devca.Options{}), content)
		}},
		{name: "root CA expired", want: signature.ErrExpired, v: signature.NewVerifier(signature.TrustList{expiredRoot.Cert}), cms: func() []byte {
			return mustSign(t, mustIssue(t, expiredRoot, anna, devca.Options{}), content)
		}},
		{name: "another CA", want: signature.ErrUntrusted, cms: func() []byte {
			return mustSign(t, mustIssue(t, p.stranger, anna, devca.Options{}), content)
		}},
		{name: "intermediate left out of the CMS", want: signature.ErrUntrusted, cms: func() []byte {
			return mustSign(t, withoutChain, content)
		}},
		{name: "nothing trusted", want: signature.ErrUntrusted, v: &signature.Verifier{}, cms: func() []byte {
			return mustSign(t, valid, content)
		}},
		{name: "without digital-signature key usage", want: signature.ErrUsage, cms: func() []byte {
			return mustSign(t, mustIssue(t, p.issuing, anna, devca.Options{Edit: func(c *x509.Certificate) {
				c.KeyUsage = x509.KeyUsageContentCommitment
			}}), content)
		}},
		{name: "a CA's own certificate", want: signature.ErrUsage, cms: func() []byte {
			return mustSign(t, devca.Credential{Cert: p.issuing.Cert, Key: p.issuing.Key, Chain: nil}, content)
		}},
		{name: "only for TLS servers", want: signature.ErrUsage, cms: func() []byte {
			return mustSign(t, mustIssue(t, p.issuing, anna, devca.Options{Edit: func(c *x509.Certificate) {
				c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
			}}), content)
		}},
		{name: "content tampered with", want: signature.ErrSignatureInvalid, content: append(bytes.Clone(content[:31]), content[31]^1),
			cms: func() []byte { return mustSign(t, valid, content) }},
		{name: "signature over another challenge", want: signature.ErrSignatureInvalid, cms: func() []byte { return mustSign(t, valid, other) }},
		{name: "signature bytes flipped", want: signature.ErrSignatureInvalid, cms: func() []byte {
			der := mustSign(t, valid, content)
			der[len(der)-3] ^= 0x40
			return der
		}},
		{name: "other content attached", want: signature.ErrSignatureInvalid, cms: func() []byte { return cms(t, valid, other, pkcs7.OIDDigestAlgorithmSHA256, 1, true) }},
		{name: "the content attached", cms: func() []byte { return cms(t, valid, content, pkcs7.OIDDigestAlgorithmSHA256, 1, true) }},
		{name: "GOST signature algorithm", want: signature.ErrAlgorithmUnsupported, cms: func() []byte {
			return gost(t, mustSign(t, valid, content))
		}},
		{name: "SHA-1 digest", want: signature.ErrAlgorithmUnsupported, cms: func() []byte {
			return cms(t, valid, content, pkcs7.OIDDigestAlgorithmSHA1, 1, false)
		}},
		{name: "two signers", want: signature.ErrSignatureInvalid, cms: func() []byte { return cms(t, valid, content, pkcs7.OIDDigestAlgorithmSHA256, 2, false) }},
		{name: "SNILS with a wrong checksum", want: signature.ErrSubjectInvalid, cms: func() []byte {
			return mustSign(t, mustIssue(t, p.issuing, devca.Person{Surname: "Петрова", GivenName: "Анна", SNILS: "11223344596"}, devca.Options{}), content)
		}},
		{name: "not CMS", want: signature.ErrSignatureInvalid, cms: func() []byte { return []byte("not a signature") }},
		{name: "empty", want: signature.ErrSignatureInvalid, cms: func() []byte { return nil }},
		{name: "too large", want: signature.ErrSignatureInvalid, cms: func() []byte { return make([]byte, signature.MaxSize+1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, c := p.verifier, content
			if tt.v != nil {
				v = tt.v
			}
			if tt.content != nil {
				c = tt.content
			}
			s, err := v.Verify(tt.cms(), c, now)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify() error = %v, want %v", err, tt.want)
			}
			if err != nil {
				if s != (signature.Signer{}) {
					t.Errorf("Verify() = a signer with error %v, want none", err)
				}
				return
			}
			if s.Subject.Surname != anna.Surname || s.Subject.GivenName != anna.GivenName || s.Subject.SNILS.Value() != anna.SNILS || s.Subject.INN.Value() != anna.INN {
				t.Errorf("Verify() subject = %q %q %q %q, want Anna's", s.Subject.Surname, s.Subject.GivenName, s.Subject.SNILS.Value(), s.Subject.INN.Value())
			}
			if s.Fingerprint == [32]byte{} || !s.NotAfter.After(now) {
				t.Errorf("Verify() fingerprint %x, not after %v", s.Fingerprint, s.NotAfter)
			}
		})
	}
}

// TestVerifyAtTime checks dates against the time given, not the clock.
func TestVerifyAtTime(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	cred := mustIssue(t, p.issuing, anna, devca.Options{})
	content := challenge(t)
	der := mustSign(t, cred, content)
	for _, tt := range []struct {
		at   time.Time
		want error
	}{
		{time.Now(), nil},
		{cred.Cert.NotAfter.Add(time.Second), signature.ErrExpired},
		{cred.Cert.NotBefore.Add(-time.Second), signature.ErrNotYetValid},
	} {
		if _, err := p.verifier.Verify(der, content, tt.at); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("Verify(at %v) error = %v, want %v", tt.at, err, tt.want)
		}
	}
}

func TestSubjectIsRedacted(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	content := challenge(t)
	s, err := p.verifier.Verify(mustSign(t, mustIssue(t, p.issuing, anna, devca.Options{}), content), content, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range redacttest.Printed(s.Subject) {
		for _, canary := range []string{"Петрова", "Анна", anna.SNILS, anna.INN} {
			if strings.Contains(out, canary) {
				t.Fatalf("a printed subject shows %q: %s", canary, out)
			}
		}
	}
}

// cms builds a signature the way devca does not: with a digest of
// choice, n signers, the content attached or not.
func cms(t testing.TB, c devca.Credential, content []byte, digest asn1.ObjectIdentifier, n int, attach bool) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(digest)
	for range n {
		if err := sd.AddSignerChain(c.Cert, c.Key, c.Chain, pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
	}
	if !attach {
		sd.Detach()
	}
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// gost rewrites the signer's signature algorithm, ecdsa-with-SHA256
// (the last time its OID occurs: the certificates come first), as GOST
// R 34.10-2012 with Streebog-256, whose OID has the same length.
func gost(t testing.TB, der []byte) []byte {
	t.Helper()
	ecdsaSHA256 := []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}
	gost2012 := []byte{0x06, 0x08, 0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x03, 0x02}
	i := bytes.LastIndex(der, ecdsaSHA256)
	if i < 0 {
		t.Fatal("no ecdsa-with-SHA256 in the CMS")
	}
	out := bytes.Clone(der)
	copy(out[i:], gost2012)
	return out
}
