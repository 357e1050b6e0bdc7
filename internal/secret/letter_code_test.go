package secret

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/redacttest"
)

func TestNewLetterCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		random []byte
		want   string
	}{
		{"zeros", make([]byte, 10), "0000000000"},
		{"low five bits pick", []byte{0, 1, 9, 10, 17, 18, 20, 21, 27, 31}, "019AHJMNVZ"},
		{"high bits ignored", []byte{0xE0, 0xE1, 0xFF, 0x20, 0x3F, 0x40, 0x5F, 0x80, 0x9F, 0xC0}, "01Z0Z0Z0Z0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NewLetterCode(bytes.NewReader(tt.random))
			if err != nil {
				t.Fatalf("NewLetterCode(% x) error = %v", tt.random, err)
			}
			if got.Reveal() != tt.want {
				t.Errorf("NewLetterCode(% x) = %q, want %q", tt.random, got.Reveal(), tt.want)
			}
		})
	}
	if _, err := NewLetterCode(bytes.NewReader(make([]byte, 9))); err == nil {
		t.Errorf("NewLetterCode(9 bytes) error = nil, want a short read")
	}
	if _, err := NewLetterCode(failingReader{}); !errors.Is(err, errBroken) {
		t.Errorf("NewLetterCode(failing) error = %v, want %v", err, errBroken)
	}
}

// TestNewLetterCodeDistribution draws 3 200 codes: all parse back to
// themselves, all differ (50 bits), and each symbol appears at each
// position about 100 times (σ ≈ 10).
func TestNewLetterCodeDistribution(t *testing.T) {
	t.Parallel()
	const n = 3200
	seen := map[string]bool{}
	var counts [LetterCodeLength][32]int
	for range n {
		c, err := NewLetterCode(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		s := c.Reveal()
		if got, err := ParseLetterCode(c.Grouped()); err != nil || got != s {
			t.Fatalf("ParseLetterCode(%q) = %q, %v; want %q", c.Grouped(), got, err, s)
		}
		seen[s] = true
		for i := range LetterCodeLength {
			counts[i][strings.IndexByte(crockford, s[i])]++
		}
	}
	if len(seen) != n {
		t.Errorf("NewLetterCode() gave %d distinct codes of %d", len(seen), n)
	}
	for i := range counts {
		for sym, c := range counts[i] {
			if c < 50 || c > 160 {
				t.Errorf("symbol %c at position %d appeared %d times of %d, want about 100", crockford[sym], i, c, n)
			}
		}
	}
}

func TestLetterCodeGrouped(t *testing.T) {
	t.Parallel()
	if got := (LetterCode{v: "7K3QM9ZP2D"}).Grouped(); got != "7K3QM-9ZP2D" {
		t.Errorf("Grouped() = %q, want 7K3QM-9ZP2D", got)
	}
	if got := (LetterCode{}).Grouped(); got != "" {
		t.Errorf("zero Grouped() = %q, want empty", got)
	}
	c := LetterCode{v: "7K3QM9ZP2D"}
	for _, out := range redacttest.Printed(c) {
		if strings.Contains(out, "7K3QM") {
			t.Errorf("a LetterCode printed its value: %q", out)
		}
	}
}

func TestParseLetterCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{"canonical", "7K3QM9ZP2D", "7K3QM9ZP2D", false},
		{"grouped as printed", "7K3QM-9ZP2D", "7K3QM9ZP2D", false},
		{"lower case", "7k3qm-9zp2d", "7K3QM9ZP2D", false},
		{"spaces anywhere", " 7K3 QM9 ZP2D ", "7K3QM9ZP2D", false},
		{"several hyphens", "7K-3Q-M9-ZP-2D", "7K3QM9ZP2D", false},
		{"I and L read as 1", "IL1iLABCDE", "11111ABCDE", false},
		{"O read as 0", "Oo0OoABCDE", "00000ABCDE", false},
		{"U is not a symbol", "UK3QM9ZP2D", "", true},
		{"nine symbols", "7K3QM9ZP2", "", true},
		{"eleven symbols", "7K3QM9ZP2DA", "", true},
		{"empty", "", "", true},
		{"only separators", "- - -", "", true},
		{"underscore", "7K3QM_9ZP2D", "", true},
		{"tab", "7K3QM\t9ZP2D", "", true},
		{"cyrillic look-alike", "7К3QM9ZP2D", "", true},
		{"fullwidth", "７K3QM9ZP2D", "", true},
		{"nul", "7K3QM9ZP2\x00", "", true},
		{"too long with separators", strings.Repeat(" ", 35) + "7K3QM9ZP2D", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseLetterCode(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrLetterCodeInvalid) || got != "" {
					t.Fatalf("ParseLetterCode(%q) = %q, %v; want \"\", %v", tt.in, got, err, ErrLetterCodeInvalid)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseLetterCode(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
		})
	}
}
