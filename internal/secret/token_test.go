package secret

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		random []byte
		want   string
	}{
		{"zeros", make([]byte, 32), strings.Repeat("A", 43)},
		{"url alphabet", bytes.Repeat([]byte{0xFB, 0xFF, 0xBF}, 11)[:32], strings.Repeat("-_-_", 10) + "-_8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NewToken(bytes.NewReader(tt.random))
			if err != nil {
				t.Fatalf("NewToken(% x) error = %v", tt.random, err)
			}
			if got.Reveal() != tt.want {
				t.Errorf("NewToken(% x) = %q, want %q", tt.random, got.Reveal(), tt.want)
			}
		})
	}
}

func TestNewTokenShortSource(t *testing.T) {
	t.Parallel()
	if _, err := NewToken(bytes.NewReader(make([]byte, 31))); err == nil {
		t.Errorf("NewToken(31 bytes) error = nil, want an error")
	}
}

func TestNewTokenParses(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for range 1000 {
		tok, err := NewToken(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseToken(tok.Reveal())
		if err != nil || got != tok.Reveal() {
			t.Fatalf("ParseToken(NewToken()) = %q, %v; want it unchanged", got, err)
		}
		seen[got] = true
	}
	if len(seen) != 1000 {
		t.Errorf("NewToken() repeated itself: %d distinct of 1000", len(seen))
	}
}

func TestParseToken(t *testing.T) {
	t.Parallel()
	valid := "q6ur" + strings.Repeat("A", 38) + "E" // last char carries 4 bits: A, E, I, …
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{"valid", valid, valid, false},
		{"url alphabet", strings.Repeat("-_-_", 10) + "-_8", strings.Repeat("-_-_", 10) + "-_8", false},
		{"trimmed", " " + valid + "\n", valid, false},
		{"empty", "", "", true},
		{"42 chars", valid[:42], "", true},
		{"44 chars", valid + "A", "", true},
		{"padded", valid[:42] + "=", "", true},
		{"standard alphabet plus", "+" + valid[1:], "", true},
		{"standard alphabet slash", "/" + valid[1:], "", true},
		{"non-zero trailing bits", valid[:42] + "B", "", true},
		{"inner space", valid[:20] + " " + valid[21:], "", true},
		{"inner newline", valid[:20] + "\n" + valid[21:], "", true},
		{"inner carriage return", valid[:20] + "\r" + valid[21:], "", true},
		{"non-ascii", "ж" + valid[2:], "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseToken(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrTokenInvalid) || got != "" {
					t.Fatalf("ParseToken(%q) = %q, %v; want \"\", %v", tt.in, got, err, ErrTokenInvalid)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseToken(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
		})
	}
}
