package flowtest

import (
	"bytes"
	"testing"

	"github.com/portalid/portalid/internal/cipher"
)

// Sealer is the envelope encryption of personal data under a fixed local
// test key, as make run seals with its generated one.
func Sealer(t testing.TB) *cipher.Envelope {
	t.Helper()
	keys, err := cipher.NewLocalDataKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &cipher.Envelope{Keys: keys}
}
