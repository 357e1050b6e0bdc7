package cipher

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func master(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

// hkdfSHA256 is RFC 5869 written out for one output block, independent of
// the library, so the test pins the derived keys for good.
func hkdfSHA256(secret []byte, info string) []byte {
	extract := hmac.New(sha256.New, make([]byte, sha256.Size))
	extract.Write(secret)
	expand := hmac.New(sha256.New, extract.Sum(nil))
	expand.Write([]byte(info))
	expand.Write([]byte{1})
	return expand.Sum(nil)
}

func TestDeriveKeys(t *testing.T) {
	t.Parallel()
	a, err := DeriveKeys(master(1))
	if err != nil {
		t.Fatalf("DeriveKeys = %v", err)
	}
	again, _ := DeriveKeys(master(1))
	other, _ := DeriveKeys(master(2))

	if len(a.Index) != KeySize || len(a.Code) != KeySize {
		t.Fatalf("key lengths = %d, %d, want %d", len(a.Index), len(a.Code), KeySize)
	}
	if !bytes.Equal(a.Index, again.Index) || !bytes.Equal(a.Code, again.Code) {
		t.Error("DeriveKeys is not deterministic")
	}
	if bytes.Equal(a.Index, a.Code) {
		t.Error("index and code keys are equal, want purpose-separated keys")
	}
	if bytes.Equal(a.Index, other.Index) || bytes.Equal(a.Code, other.Code) {
		t.Error("different masters give the same keys")
	}
	if want := hkdfSHA256(master(1), "portalid/index/v1"); !bytes.Equal(a.Index, want) {
		t.Errorf("Index = %x, want HKDF-SHA256(master, portalid/index/v1) = %x", a.Index, want)
	}
	if want := hkdfSHA256(master(1), "portalid/code/v1"); !bytes.Equal(a.Code, want) {
		t.Errorf("Code = %x, want HKDF-SHA256(master, portalid/code/v1) = %x", a.Code, want)
	}
}

func TestDeriveKeysShortMaster(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		master []byte
	}{
		{"nil", nil},
		{"31 bytes", bytes.Repeat([]byte{7}, KeySize-1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := DeriveKeys(tt.master); !errors.Is(err, ErrMasterTooShort) {
				t.Errorf("DeriveKeys(%d bytes) = %v, want ErrMasterTooShort", len(tt.master), err)
			}
		})
	}
}

func TestKeysNeverPrinted(t *testing.T) {
	t.Parallel()
	k := Keys{Index: []byte("INDEX-CANARY-0123456789abcdefghi"), Code: []byte("CODE-CANARY-0123456789abcdefghij")}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("keys", "keys", k)
	js, _ := json.Marshal(struct{ K Keys }{k})
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", k),
		"%+v":  fmt.Sprintf("%+v", k),
		"%#v":  fmt.Sprintf("%#v", k),
		"%x":   fmt.Sprintf("%x", k),
		"%d":   fmt.Sprintf("%d", k),
		"%v &": fmt.Sprintf("%v", &k),
		"in struct": fmt.Sprintf("%+v", struct {
			K Keys
		}{k}),
		"slog": logged.String(),
		"json": string(js),
	}
	for name, out := range outputs {
		if strings.Contains(out, "CANARY") || strings.Contains(out, "434f4445") || strings.Contains(out, "67 79 68 69") {
			t.Errorf("%s shows key material: %s", name, out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("%s = %q, want [redacted]", name, out)
		}
	}
}
