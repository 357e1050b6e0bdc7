package token

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

var _ Signer = (*KeySigner)(nil)

// KeySigner signs with an in-process key: for make run and tests. Deployed
// functions use KMSSigner.
type KeySigner struct {
	priv *ecdsa.PrivateKey
	kid  string
	err  error
}

// NewKeySigner returns a signer for priv. If priv is not a P-256 key, the
// signer has an empty KeyID, Issue refuses it and Sign fails.
func NewKeySigner(priv *ecdsa.PrivateKey) *KeySigner {
	if priv == nil {
		return &KeySigner{err: errKeyNotP256}
	}
	kid, err := KeyID(&priv.PublicKey)
	return &KeySigner{priv: priv, kid: kid, err: err}
}

// KeyID returns the key's RFC 7638 thumbprint.
func (s *KeySigner) KeyID() string { return s.kid }

// Public returns the key's public half, or nil for a nil key.
func (s *KeySigner) Public() *ecdsa.PublicKey {
	if s.priv == nil {
		return nil
	}
	return &s.priv.PublicKey
}

// Sign signs the SHA-256 digest and returns raw r||s.
func (s *KeySigner) Sign(_ context.Context, digest []byte) ([]byte, error) {
	if s.err != nil {
		return nil, fmt.Errorf("key sign: %w", s.err)
	}
	if len(digest) != sha256.Size {
		return nil, fmt.Errorf("key sign %s: digest of %d bytes, want %d", s.kid, len(digest), sha256.Size)
	}
	der, err := ecdsa.SignASN1(rand.Reader, s.priv, digest)
	if err != nil {
		return nil, fmt.Errorf("key sign %s: %w", s.kid, err)
	}
	return rawSignature(der)
}

// pemType is the PEM block type of a PKCS#8 private key.
const pemType = "PRIVATE KEY"

// LoadKeyFile reads a P-256 private key from a PKCS#8 PEM file.
func LoadKeyFile(path string) (*KeySigner, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load key file: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != pemType {
		return nil, fmt.Errorf("load key file %s: no %q PEM block", path, pemType)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("load key file %s: %w", path, err)
	}
	priv, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || priv.Curve != elliptic.P256() {
		return nil, fmt.Errorf("load key file %s: %w", path, errors.New("not an ECDSA P-256 private key"))
	}
	return NewKeySigner(priv), nil
}

// GenerateKeyFile creates path holding a new P-256 private key as PKCS#8
// PEM, mode 0600, creating its directory (0700) if needed. If path exists
// it does nothing. The key is written to a temporary file (created
// O_EXCL, 0600) and hard-linked into place, which fails if path exists:
// so concurrent callers agree on one key and no reader sees a half-written
// file.
func GenerateKeyFile(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("generate key file: %w", err)
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key file %s: %w", path, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("generate key file %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, ".key-*.tmp")
	if err != nil {
		return fmt.Errorf("generate key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = errors.Join(pem.Encode(tmp, &pem.Block{Type: pemType, Bytes: der}), tmp.Sync(), tmp.Close())
	if err != nil {
		return fmt.Errorf("generate key file %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("generate key file: %w", err)
	}
	return nil
}
