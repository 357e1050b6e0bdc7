package signature

import (
	"crypto/x509"
	"embed"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
)

// TrustList is the root certificates of the accredited certification
// authorities a Verifier trusts.
type TrustList []*x509.Certificate

// bundled holds the trust lists compiled into every binary. Deployed
// functions read theirs from here, not from a parameter store: a trust
// anchor decides whose identity can be confirmed, so changing it is a
// reviewed commit and a deployment, it needs no IAM permission and no
// call at cold start, and nobody with write access to a parameter can
// slip in a CA of their own.
//
//go:embed trust/*.pem
var bundled embed.FS

// LoadTrustList reads the trust list that SIGNATURE_TRUST_LIST names: a
// bare file name ("accredited-cas.pem") is a bundle compiled in from
// internal/signature/trust/, what deployed functions use; a name with a
// path separator is a PEM file on disk (make run's development CA, tests).
func LoadTrustList(name string) (TrustList, error) {
	var (
		b   []byte
		err error
	)
	if strings.ContainsRune(name, os.PathSeparator) || strings.ContainsRune(name, '/') {
		b, err = os.ReadFile(name)
	} else {
		b, err = bundled.ReadFile("trust/" + name)
	}
	if err != nil {
		return nil, fmt.Errorf("load signature trust list %s: %w", name, err)
	}
	list, err := ParseTrustList(b)
	if err != nil {
		return nil, fmt.Errorf("load signature trust list %s: %w", name, err)
	}
	return list, nil
}

// ParseTrustList reads the PEM "CERTIFICATE" blocks of b; text between
// them is ignored, so the file can explain itself. Any other block, or a
// certificate that is not a CA, is an error: a trust list is read at cold
// start, and a broken one must stop the function rather than trust less
// (or more) than its operators think.
func ParseTrustList(b []byte) (TrustList, error) {
	var list TrustList
	for n := 1; ; n++ {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return list, nil
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("block %d is a %q, want CERTIFICATE", n, block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", n, err)
		}
		if !c.BasicConstraintsValid || !c.IsCA {
			return nil, fmt.Errorf("certificate %d: %w", n, errNotCA)
		}
		list = append(list, c)
	}
}

var errNotCA = errors.New("not a CA certificate")
