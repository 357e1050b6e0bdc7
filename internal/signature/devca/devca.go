// Package devca is a development certification authority: it issues
// certificates in the Russian qualified-certificate profile (surname,
// given name and patronymic, SNILS) and makes detached CMS signatures
// with them, so that make run can confirm an identity by signature on one
// machine and tests can build every kind of certificate the verifier must
// refuse. It uses ECDSA P-256 and SHA-256, which internal/signature
// verifies (real qualified certificates use GOST). No deployed function
// uses it.
package devca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/portalid/portalid/internal/signature"
)

// Authority is a CA: its certificate and key, and the chain above it
// (its issuers up to and including the root; none for a root).
type Authority struct {
	Cert  *x509.Certificate
	Key   crypto.Signer
	Chain []*x509.Certificate
}

// Options shape one certificate. Zero times mean from an hour ago for a
// year; a nil Key is a fresh P-256 key; Edit, when set, changes the
// template before it is signed (tests drop a key usage, add an extended
// one, …).
type Options struct {
	NotBefore, NotAfter time.Time
	Key                 crypto.Signer
	Edit                func(*x509.Certificate)
}

// Person is whom a personal certificate names. SNILS and INN are digits
// ("" leaves the attribute out). An organisation head's certificate also
// names the legal entity he signs for: its name (O), OGRN and INNLE
// (digits; "" leaves each out).
type Person struct {
	Surname   string
	GivenName string // given name and patronymic, as the G attribute holds them
	SNILS     string
	INN       string

	Organisation string
	OGRN         string
	OrgINN       string
}

// Credential is a signer's certificate, key and chain (the issuing CAs
// below the root), everything a CMS signature carries.
type Credential struct {
	Cert  *x509.Certificate
	Key   crypto.Signer
	Chain []*x509.Certificate
}

// NewRoot makes a self-signed root CA.
func NewRoot(name string, o Options) (*Authority, error) {
	tmpl := caTemplate(name, 1)
	cert, key, err := create(tmpl, nil, nil, o)
	if err != nil {
		return nil, fmt.Errorf("new root %s: %w", name, err)
	}
	return &Authority{Cert: cert, Key: key}, nil
}

// Intermediate issues a CA certificate under a, which may issue personal
// certificates only.
func (a *Authority) Intermediate(name string, o Options) (*Authority, error) {
	tmpl := caTemplate(name, 0)
	cert, key, err := create(tmpl, a.Cert, a.Key, o)
	if err != nil {
		return nil, fmt.Errorf("issue intermediate %s: %w", name, err)
	}
	return &Authority{Cert: cert, Key: key, Chain: append([]*x509.Certificate{a.Cert}, a.Chain...)}, nil
}

// Issue issues a personal certificate for p in the qualified profile:
// CN "surname given", SN, G, C=RU and the SNILS and INN attributes as
// NumericStrings, and for an organisation head O, OGRN and INNLE; for digital signatures and non-repudiation, for client
// authentication and e-mail protection.
func (a *Authority) Issue(p Person, o Options) (Credential, error) {
	names := []pkix.AttributeTypeAndValue{
		{Type: asn1.ObjectIdentifier{2, 5, 4, 4}, Value: p.Surname},
		{Type: asn1.ObjectIdentifier{2, 5, 4, 42}, Value: p.GivenName},
	}
	if p.SNILS != "" {
		names = append(names, pkix.AttributeTypeAndValue{Type: signature.OIDSNILS, Value: numeric(p.SNILS)})
	}
	if p.INN != "" {
		names = append(names, pkix.AttributeTypeAndValue{Type: signature.OIDINN, Value: numeric(p.INN)})
	}
	if p.OGRN != "" {
		names = append(names, pkix.AttributeTypeAndValue{Type: signature.OIDOGRN, Value: numeric(p.OGRN)})
	}
	if p.OrgINN != "" {
		names = append(names, pkix.AttributeTypeAndValue{Type: signature.OIDINNLE, Value: numeric(p.OrgINN)})
	}
	subject := pkix.Name{CommonName: p.Surname + " " + p.GivenName, Country: []string{"RU"}, ExtraNames: names}
	if p.Organisation != "" {
		subject.Organization = []string{p.Organisation}
	}
	tmpl := &x509.Certificate{
		Subject:               subject,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection},
		BasicConstraintsValid: true,
	}
	cert, key, err := create(tmpl, a.Cert, a.Key, o)
	if err != nil {
		return Credential{}, fmt.Errorf("issue personal certificate: %w", err)
	}
	chain := a.Chain
	if len(a.Chain) > 0 {
		// An intermediate: the CMS carries it, the trust list the root.
		chain = append([]*x509.Certificate{a.Cert}, a.Chain[:len(a.Chain)-1]...)
	}
	return Credential{Cert: cert, Key: key, Chain: chain}, nil
}

// numeric encodes digits as an ASN.1 NumericString, as the profile
// writes SNILS and INN.
func numeric(digits string) asn1.RawValue {
	return asn1.RawValue{Tag: asn1.TagNumericString, Bytes: []byte(digits)}
}

func caTemplate(name string, maxPath int) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{CommonName: name, Organization: []string{"portalid development"}, Country: []string{"RU"}},
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            maxPath,
		MaxPathLenZero:        maxPath == 0,
	}
}

// create signs tmpl with parent's key (itself when parent is nil).
func create(tmpl, parent *x509.Certificate, parentKey crypto.Signer, o Options) (*x509.Certificate, crypto.Signer, error) {
	key := o.Key
	if key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		key = k
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore, tmpl.NotAfter = o.NotBefore, o.NotAfter
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = time.Now().Add(-time.Hour)
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = tmpl.NotBefore.Add(365 * 24 * time.Hour)
	}
	if o.Edit != nil {
		o.Edit(tmpl)
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

// Sign returns a detached CMS SignedData (DER) over content, SHA-256 with
// the signed attributes (content type, message digest, signing time), the
// certificate and its chain included: what a signing plug-in sends.
func (c Credential) Sign(content []byte) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSignerChain(c.Cert, c.Key, c.Chain, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	sd.Detach()
	der, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return der, nil
}

// The files of a development CA in a directory: the root (the trust
// list make run configures) and the issuing CA under it, with their keys.
const (
	RootFile       = "root-ca.pem"
	rootKeyFile    = "root-ca-key.pem"
	issuingFile    = "issuing-ca.pem"
	issuingKeyFile = "issuing-ca-key.pem"
)

// Generate makes a development root and issuing CA in dir, valid ten
// years, unless dir already has them (their certificates are kept, like
// make run's other keys, so signatures stay valid across runs).
func Generate(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, issuingKeyFile)); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("generate development CA: %w", err)
	}
	o := Options{NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(10 * 365 * 24 * time.Hour)}
	root, err := NewRoot("portalid development root CA", o)
	if err != nil {
		return err
	}
	issuing, err := root.Intermediate("portalid development issuing CA", o)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("generate development CA: %w", err)
	}
	// The issuing key is written last: its presence means complete.
	for _, f := range []struct {
		name string
		a    *Authority
		key  bool
	}{{RootFile, root, false}, {rootKeyFile, root, true}, {issuingFile, issuing, false}, {issuingKeyFile, issuing, true}} {
		if err := write(filepath.Join(dir, f.name), f.a, f.key); err != nil {
			return fmt.Errorf("generate development CA: %w", err)
		}
	}
	return nil
}

func write(path string, a *Authority, key bool) error {
	block := &pem.Block{Type: "CERTIFICATE", Bytes: a.Cert.Raw}
	if key {
		der, err := x509.MarshalPKCS8PrivateKey(a.Key)
		if err != nil {
			return err
		}
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	}
	return os.WriteFile(path, pem.EncodeToMemory(block), 0o600)
}

// Load reads the issuing CA that Generate wrote in dir, with the root
// above it as its chain.
func Load(dir string) (*Authority, error) {
	root, err := readCert(filepath.Join(dir, RootFile))
	if err != nil {
		return nil, err
	}
	cert, err := readCert(filepath.Join(dir, issuingFile))
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, issuingKeyFile))
	if err != nil {
		return nil, fmt.Errorf("load development CA: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("load development CA: %s has no PRIVATE KEY block", issuingKeyFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("load development CA: %w", err)
	}
	key, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("load development CA: %s is not a signing key", issuingKeyFile)
	}
	return &Authority{Cert: cert, Key: key, Chain: []*x509.Certificate{root}}, nil
}

func readCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load development CA: %w", err)
	}
	list, err := signature.ParseTrustList(b)
	if err != nil || len(list) != 1 {
		return nil, fmt.Errorf("load development CA: %s holds no single CA certificate", filepath.Base(path))
	}
	return list[0], nil
}
