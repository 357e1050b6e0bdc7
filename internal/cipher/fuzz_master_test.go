package cipher

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// FuzzDecodeMaster: the master secret as Secrets Manager or the local key
// file holds it. Never a panic; a refusal is ErrMasterTooShort and says
// nothing of the secret; an accepted master is at least KeySize bytes,
// is the base64 it was written as, line breaks aside (or the trimmed
// text itself), and
// derives keys.
func FuzzDecodeMaster(f *testing.F) {
	for _, s := range []string{
		base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)), " " + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 48)) + "\n",
		strings.Repeat("a1", 32), strings.Repeat("x", 43), strings.Repeat("x", 42), base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 31)), "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := decodeMaster(s)
		if err != nil {
			if !errors.Is(err, ErrMasterTooShort) || b != nil {
				t.Fatalf("decodeMaster() = %d bytes, %v; want none, ErrMasterTooShort", len(b), err)
			}
			if trimmed := strings.TrimSpace(s); len(trimmed) >= 4 && strings.Contains(err.Error(), trimmed) {
				t.Fatalf("decodeMaster() error %q contains the secret", err)
			}
			return
		}
		trimmed := strings.TrimSpace(s)
		if len(b) < KeySize {
			t.Fatalf("decodeMaster() = %d bytes, want at least %d", len(b), KeySize)
		}
		// The base64 decoder skips line breaks, so wrapped base64 is base64.
		unwrapped := strings.NewReplacer("\r", "", "\n", "").Replace(trimmed)
		if string(b) != trimmed && base64.StdEncoding.EncodeToString(b) != unwrapped {
			t.Fatalf("decodeMaster() = bytes that are neither the text nor its base64")
		}
		if _, err := DeriveKeys(b); err != nil {
			t.Fatalf("DeriveKeys(accepted master) = %v", err)
		}
	})
}
