package token

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestGenerateKeyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys", "dev", "access-token.pem")
	if err := GenerateKeyFile(path); err != nil {
		t.Fatalf("GenerateKeyFile(%s) = %v", path, err)
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s = %v", path, err)
	}
	for _, p := range []struct {
		path string
		want os.FileMode
	}{{path, 0o600}, {filepath.Dir(path), 0o700}} {
		info, err := os.Stat(p.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != p.want {
			t.Errorf("GenerateKeyFile: %s mode = %v, want %v", p.path, got, p.want)
		}
	}

	if err := GenerateKeyFile(path); err != nil {
		t.Fatalf("GenerateKeyFile(existing) = %v, want nil", err)
	}
	again, _ := os.ReadFile(path)
	if string(again) != string(first) {
		t.Errorf("GenerateKeyFile(existing) replaced the key, want it left alone")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".key-*")); len(left) != 0 {
		t.Errorf("GenerateKeyFile left temporary files %v", left)
	}

	s, err := LoadKeyFile(path)
	if err != nil {
		t.Fatalf("LoadKeyFile(%s) = %v", path, err)
	}
	tok := mustIssue(t, newIssuer(s), baseClaims())
	if _, err := newVerifierAt(t0, s.Public()).Verify(tok); err != nil {
		t.Errorf("Verify(token by loaded key) = %v, want nil", err)
	}
}

// TestGenerateKeyFileConcurrent starts callers together: all succeed and
// every one then loads the same, complete key.
func TestGenerateKeyFileConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k", "key.pem")
	const n = 16
	gate := make(chan struct{})
	kids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-gate
			if errs[i] = GenerateKeyFile(path); errs[i] != nil {
				return
			}
			s, err := LoadKeyFile(path)
			if errs[i] = err; err == nil {
				kids[i] = s.KeyID()
			}
		})
	}
	close(gate)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if kids[i] != kids[0] {
			t.Errorf("caller %d loaded key %s, caller 0 %s, want one key", i, kids[i], kids[0])
		}
	}
}

func TestGenerateKeyFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := GenerateKeyFile(filepath.Join(file, "key.pem")); err == nil {
		t.Errorf("GenerateKeyFile(under a file) = nil, want an error")
	}
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadKeyFileRejects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384DER, _ := x509.MarshalPKCS8PrivateKey(p384)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	rsaDER, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	p256 := newKey(t)
	sec1, _ := x509.MarshalECPrivateKey(p256)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(p256)
	pub, _ := x509.MarshalPKIXPublicKey(&p256.PublicKey)
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
	}{
		{"missing", filepath.Join(dir, "missing.pem")},
		{"not PEM", garbage},
		{"P-384", writePEM(t, dir, "p384.pem", "PRIVATE KEY", p384DER)},
		{"RSA", writePEM(t, dir, "rsa.pem", "PRIVATE KEY", rsaDER)},
		{"SEC 1 instead of PKCS#8", writePEM(t, dir, "sec1.pem", "EC PRIVATE KEY", sec1)},
		{"PKCS#8 bytes under another type", writePEM(t, dir, "typ.pem", "EC PRIVATE KEY", pkcs8)},
		{"public key", writePEM(t, dir, "pub.pem", "PUBLIC KEY", pub)},
		{"corrupt DER", writePEM(t, dir, "corrupt.pem", "PRIVATE KEY", pkcs8[:40])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if s, err := LoadKeyFile(tt.path); err == nil {
				t.Errorf("LoadKeyFile(%s) = %v, nil, want an error", tt.name, s)
			}
		})
	}
}

func TestKeySignerBadKey(t *testing.T) {
	t.Parallel()
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for name, s := range map[string]*KeySigner{"nil": NewKeySigner(nil), "P-384": NewKeySigner(p384)} {
		if s.KeyID() != "" {
			t.Errorf("NewKeySigner(%s).KeyID() = %q, want empty", name, s.KeyID())
		}
		if sig, err := s.Sign(context.Background(), make([]byte, 32)); err == nil {
			t.Errorf("NewKeySigner(%s).Sign = %x, nil, want an error", name, sig)
		}
	}
	if sig, err := NewKeySigner(newKey(t)).Sign(context.Background(), make([]byte, 31)); err == nil {
		t.Errorf("Sign(31-byte digest) = %x, nil, want an error", sig)
	}
}
