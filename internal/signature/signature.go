// Package signature verifies electronic signatures (SPEC §2.4): a detached
// CMS (PKCS#7) SignedData over given content, made with a certificate that
// chains to a trust list of accredited certification authorities and is
// valid at the verification time, and it reads the certificate's subject
// as the Russian qualified-certificate profile lays it out (surname, given
// name and patronymic, SNILS, INN, OGRN, the legal entity's INN). The
// identity confirmation by signature uses it, and so can any feature that
// must check a certificate naming a person or an organisation.
//
// # Algorithms, and where GOST plugs in
//
// Verifier checks ECDSA (P-256, P-384, P-521) and RSA signatures with
// SHA-2 digests, which Go's crypto verifies. Real Russian qualified
// certificates and UEC cards use GOST R 34.10-2012 with Streebog digests
// (OIDs under 1.2.643), which Go's crypto does not verify: Verify
// recognises them and refuses them with ErrAlgorithmUnsupported rather
// than calling them invalid. A GOST verifier plugs in at the port the
// consumer declares (flow/signature.Verifier: Verify(cms, content, at)
// returning a Signer): an adapter over a GOST library or a CryptoPro/
// OpenSSL-gost service that checks the signature and the chain, builds
// the Signer with ParseSubject and reports the same faults, wrapped around
// this Verifier so that both families are accepted (try GOST when this
// one answers ErrAlgorithmUnsupported).
//
// Revocation (CRL, OCSP) is not checked yet: validity dates and the chain
// are.
package signature

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"slices"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/portalid/portalid/internal/fault"
)

// The refusals Verify returns. They carry no personal data: a client sees
// the slug, never which name or number differed.
var (
	// ErrSignatureInvalid: not a CMS SignedData with one signer and its
	// certificate, or the signature is not over the content.
	ErrSignatureInvalid = fault.New(fault.Invalid, "signature-invalid")
	// ErrAlgorithmUnsupported: an algorithm this verifier cannot check
	// (GOST, SHA-1, DSA, …).
	ErrAlgorithmUnsupported = fault.New(fault.Invalid, "signature-algorithm-unsupported")
	// ErrUntrusted: the certificate does not chain to the trust list.
	ErrUntrusted = fault.New(fault.Forbidden, "certificate-untrusted")
	// ErrExpired: the certificate, or a CA certificate of its chain, has
	// expired (an expired UEC card included).
	ErrExpired = fault.New(fault.Forbidden, "certificate-expired")
	// ErrNotYetValid: the certificate's validity has not begun.
	ErrNotYetValid = fault.New(fault.Forbidden, "certificate-not-yet-valid")
	// ErrUsage: the certificate is not for digital signatures (key usage),
	// not for authenticating a person (extended key usage), or a CA's.
	ErrUsage = fault.New(fault.Forbidden, "certificate-usage-invalid")
	// ErrSubjectInvalid: a number in the subject (SNILS, INN, OGRN) fails
	// its checksum: the certificate was not issued by the profile.
	ErrSubjectInvalid = fault.New(fault.Forbidden, "certificate-subject-invalid")
)

// MaxSize bounds the CMS a verifier reads, in bytes: a signature with a
// chain of a few certificates is a few kilobytes.
const MaxSize = 64 << 10

// UsageEKUs are the extended key usages the chain must allow (any one):
// the challenge-response authenticates a person (clientAuth), and
// qualified certificates carry clientAuth and emailProtection. A chain
// without the extension allows any usage (RFC 5280).
var UsageEKUs = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection}

// Signer is the verified signer: the subject of the certificate, the
// SHA-256 fingerprint of its DER (a record of which certificate was used,
// no personal data in itself) and the end of its validity.
type Signer struct {
	Subject     Subject
	Fingerprint [sha256.Size]byte
	NotAfter    time.Time
}

// Verifier verifies signatures against a trust list; it is safe for
// concurrent use. The zero Verifier trusts nothing (never the system
// roots).
type Verifier struct {
	roots *x509.CertPool
}

// NewVerifier returns a verifier trusting the certificates of the list
// as roots.
func NewVerifier(trust TrustList) *Verifier {
	pool := x509.NewCertPool()
	for _, c := range trust {
		pool.AddCert(c)
	}
	return &Verifier{roots: pool}
}

// Verify checks cms, a DER (or BER) CMS SignedData, as a signature over
// exactly content at the time at: one signer, whose certificate is in the
// CMS; a SHA-2 digest and an ECDSA or RSA signature over the content (or
// over the signed attributes, whose message digest must be the content's
// and whose content type must be data); the signer certificate valid at
// at, for digital signatures, and chaining to the trust list through the
// other certificates of the CMS, every one valid at at. Content carried in
// the CMS must equal content. It returns the signer, or one of the Err…
// refusals; it never panics on any input.
func (v *Verifier) Verify(cms, content []byte, at time.Time) (Signer, error) {
	if len(cms) == 0 || len(cms) > MaxSize {
		return Signer{}, ErrSignatureInvalid
	}
	p7, err := parse(cms)
	if err != nil || len(p7.Signers) != 1 {
		return Signer{}, ErrSignatureInvalid
	}
	if len(p7.Content) > 0 && !bytes.Equal(p7.Content, content) {
		return Signer{}, ErrSignatureInvalid
	}
	p7.Content = content
	leaf := p7.GetOnlySigner()
	if leaf == nil {
		return Signer{}, ErrSignatureInvalid
	}
	if err := checkAlgorithms(p7, leaf); err != nil {
		return Signer{}, err
	}
	switch {
	case at.After(leaf.NotAfter):
		return Signer{}, ErrExpired
	case at.Before(leaf.NotBefore):
		return Signer{}, ErrNotYetValid
	case leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0, leaf.IsCA:
		// A CA's certificate signs certificates, not for a person.
		return Signer{}, ErrUsage
	}
	if err := checkContentType(p7); err != nil {
		return Signer{}, err
	}
	// With no trust store the library checks the digest and the signature
	// only; the chain is checked below, where its errors can be told apart.
	if err := p7.VerifyWithChainAtTime(nil, at); err != nil {
		return Signer{}, ErrSignatureInvalid
	}
	if err := v.chain(leaf, p7.Certificates, at); err != nil {
		return Signer{}, err
	}
	subject, err := ParseSubject(leaf)
	if err != nil {
		return Signer{}, err
	}
	return Signer{Subject: subject, Fingerprint: sha256.Sum256(leaf.Raw), NotAfter: leaf.NotAfter}, nil
}

// parse is pkcs7.Parse, with a panic in the library's ASN.1 handling of a
// hostile input turned into an error: the input comes from the internet.
func parse(cms []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			p7, err = nil, errors.New("pkcs7: malformed input")
		}
	}()
	return pkcs7.Parse(cms)
}

// chain verifies leaf up to a root of the trust list, the other
// certificates of the CMS serving as intermediates.
func (v *Verifier) chain(leaf *x509.Certificate, certs []*x509.Certificate, at time.Time) error {
	roots := v.roots
	if roots == nil {
		roots = x509.NewCertPool()
	}
	inter := x509.NewCertPool()
	for _, c := range certs {
		if c != leaf {
			inter.AddCert(c)
		}
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at, KeyUsages: UsageEKUs})
	if err == nil {
		return nil
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		switch invalid.Reason {
		case x509.Expired:
			return ErrExpired
		case x509.IncompatibleUsage:
			return ErrUsage
		}
	}
	return ErrUntrusted
}

// Object identifiers of the algorithms.
var (
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	// oidRussia is the arc of the Russian national algorithms and
	// attributes (GOST R 34.10/34.11 under 1.2.643.2.2 and 1.2.643.7.1).
	oidRussia = asn1.ObjectIdentifier{1, 2, 643}
	// oidData is the CMS content type id-data.
	oidData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	// signatureOIDs are the signer-info signature algorithms accepted:
	// ECDSA and RSA, never with SHA-1 or MD5 (the digest is SHA-2 too).
	signatureOIDs = []asn1.ObjectIdentifier{
		pkcs7.OIDDigestAlgorithmECDSASHA256, pkcs7.OIDDigestAlgorithmECDSASHA384, pkcs7.OIDDigestAlgorithmECDSASHA512,
		pkcs7.OIDEncryptionAlgorithmECDSAP256, pkcs7.OIDEncryptionAlgorithmECDSAP384, pkcs7.OIDEncryptionAlgorithmECDSAP521,
		pkcs7.OIDEncryptionAlgorithmRSA, pkcs7.OIDEncryptionAlgorithmRSASHA256,
		pkcs7.OIDEncryptionAlgorithmRSASHA384, pkcs7.OIDEncryptionAlgorithmRSASHA512,
	}
)

// checkAlgorithms refuses what this verifier must not or cannot check: a
// digest other than SHA-2 (SHA-1 and MD5 are broken), GOST, and keys
// other than ECDSA and RSA.
func checkAlgorithms(p7 *pkcs7.PKCS7, leaf *x509.Certificate) error {
	si := p7.Signers[0]
	digest, sig := si.DigestAlgorithm.Algorithm, si.DigestEncryptionAlgorithm.Algorithm
	switch {
	case hasPrefix(digest, oidRussia), hasPrefix(sig, oidRussia):
		return ErrAlgorithmUnsupported
	case !digest.Equal(oidSHA256) && !digest.Equal(oidSHA384) && !digest.Equal(oidSHA512):
		return ErrAlgorithmUnsupported
	case !slices.ContainsFunc(signatureOIDs, sig.Equal):
		return ErrAlgorithmUnsupported
	case leaf.PublicKeyAlgorithm != x509.ECDSA && leaf.PublicKeyAlgorithm != x509.RSA:
		return ErrAlgorithmUnsupported
	}
	return nil
}

// checkContentType requires signed attributes, when present, to name the
// content as id-data (the library leaves this check undone).
func checkContentType(p7 *pkcs7.PKCS7) error {
	if len(p7.Signers[0].AuthenticatedAttributes) == 0 {
		return nil
	}
	var ct asn1.ObjectIdentifier
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeContentType, &ct); err != nil || !ct.Equal(oidData) {
		return ErrSignatureInvalid
	}
	return nil
}

func hasPrefix(oid, arc asn1.ObjectIdentifier) bool {
	return len(oid) >= len(arc) && oid[:len(arc)].Equal(arc)
}
