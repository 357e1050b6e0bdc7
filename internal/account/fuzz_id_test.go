package account

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzValidID: ValidID accepts exactly the shape NewID produces: every
// accepted id decodes to 16 bytes, and those bytes, written by NewID,
// give an id that ValidID accepts and that decodes to the same bytes.
func FuzzValidID(f *testing.F) {
	for _, s := range []string{
		"aaaaaaaaaaaaaaaaaaaaaaaaaa", "77777777777777777777777777", "abcdefghijklmnopqrstuvwxyz",
		"AAAAAAAAAAAAAAAAAAAAAAAAAA", "aaaaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaaaa", "", "аaaaaaaaaaaaaaaaaaaaaaaaa",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidID(s) {
			return
		}
		b, err := idEncoding.DecodeString(strings.ToUpper(s))
		if err != nil || len(b) != 16 {
			t.Fatalf("ValidID(%q) = true, but it decodes to %d bytes, %v", s, len(b), err)
		}
		id, err := NewID(bytes.NewReader(b))
		if err != nil || !ValidID(id) {
			t.Fatalf("NewID(%x) = %q, %v; want a valid id", b, id, err)
		}
		again, err := idEncoding.DecodeString(strings.ToUpper(id))
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("NewID(%x) = %q, which decodes to %x", b, id, again)
		}
	})
}
