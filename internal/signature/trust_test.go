package signature_test

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

func TestLoadTrustList(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := mustRoot(t, "root", devca.Options{})
	leaf := mustIssue(t, root, anna, devca.Options{})
	certPEM := func(der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		path    string
		want    int
		wantErr string
	}{
		{name: "the bundled list", path: "accredited-cas.pem", want: 0},
		{name: "a file with comments", path: write("ok.pem", "our CAs\n"+certPEM(root.Cert.Raw)+"that is all\n"), want: 1},
		{name: "an end-entity certificate", path: write("leaf.pem", certPEM(leaf.Cert.Raw)), wantErr: "not a CA"},
		{name: "a key", path: write("key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}))), wantErr: "want CERTIFICATE"},
		{name: "garbage in a block", path: write("bad.pem", certPEM([]byte("junk"))), wantErr: "certificate 1"},
		{name: "no such bundle", path: "missing.pem", wantErr: "missing.pem"},
		{name: "no such file", path: filepath.Join(dir, "missing.pem"), wantErr: "missing.pem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			list, err := signature.LoadTrustList(tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadTrustList(%s) error = %v, want one naming %q", tt.name, err, tt.wantErr)
				}
				return
			}
			if err != nil || len(list) != tt.want {
				t.Fatalf("LoadTrustList(%s) = %d certificates, %v; want %d", tt.name, len(list), err, tt.want)
			}
		})
	}
}
