package secret

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/config"
)

// TestPolicyASVS: under the configured defaults, long passphrases, spaces
// and any printable Unicode (emoji, kanji) are permitted, lengths count
// characters not bytes, and more than PASSWORD_MAX_LENGTH is denied (ASVS
// 2.1.2, 2.1.4).
func TestPolicyASVS(t *testing.T) {
	t.Parallel()
	c := config.Defaults().Password
	p := Policy{MinLength: c.MinLength, MaxLength: c.MaxLength}
	if c.MaxLength < 64 {
		t.Fatalf("PASSWORD_MAX_LENGTH default = %d, ASVS 2.1.2 needs at least 64", c.MaxLength)
	}
	tests := []struct {
		name, password string
		want           error
	}{
		{"79-character passphrase with spaces", "grey heron 7 stands " + strings.Repeat("still ", 7) + "by the river bank", nil},
		{"64 kanji and a digit", strings.Repeat("漢字鳥風", 16) + "7", nil},
		{"emoji", strings.Repeat("🦉🌲", 6) + "ночь 7", nil},
		{"only spaces between words", "ёж  и   уж 42 идут", nil},
		{"max length in 4-byte runes", strings.Repeat("🦉", c.MaxLength-2) + "q7", nil},
		{"one over max length", strings.Repeat("🦉", c.MaxLength-1) + "q7", ErrPasswordTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := p.Check(tt.password, nil); !errors.Is(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("Check(%d runes) = %v, want %v", utf8.RuneCountInString(tt.password), got, tt.want)
			}
		})
	}
}

// TestHashNoTruncation: every byte of the longest allowed password counts;
// a password differing only in its last character, or cut short by one,
// does not verify (ASVS 2.1.3).
func TestHashNoTruncation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("🦉 ", 63) + "q7" // 128 runes, 321 bytes
	h, err := fast.Hash(long, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, password string
		want           bool
	}{
		{"whole", long, true},
		{"last character changed", long[:len(long)-1] + "8", false},
		{"last character cut", long[:len(long)-1], false},
		{"first 72 bytes only", long[:72], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if ok, err := VerifyPassword(h, tt.password); ok != tt.want || err != nil {
				t.Errorf("VerifyPassword(hash, %s) = %v, %v; want %v, nil", tt.name, ok, err, tt.want)
			}
		})
	}
}
