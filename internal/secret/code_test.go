package secret

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"
)

func TestNewCode(t *testing.T) {
	t.Parallel()
	ff := []byte{0xFF, 0xFF, 0xFF, 0xFF}
	tests := []struct {
		name     string
		random   []byte
		want     string
		wantRead int
	}{
		{"zero", []byte{0, 0, 0, 0}, "000000", 4},
		{"leading zeros kept", []byte{0, 0, 0, 42}, "000042", 4},
		{"reduced modulo a million", []byte{0, 0x0F, 0x42, 0x40}, "000000", 4},   // 1 000 000
		{"largest accepted sample", []byte{0xFF, 0xF1, 0x3D, 0x7F}, "999999", 4}, // 4 293 999 999
		{"0xFF bytes rejected, next sample used", append(ff, 0, 0, 0, 7), "000007", 8},
		{"first rejected sample", append([]byte{0xFF, 0xF1, 0x3D, 0x80}, 0, 0, 0, 9), "000009", 8}, // 4 294 000 000
		{"several rejections", append(append(ff, ff...), 0, 1, 0xE2, 0x40), "123456", 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := bytes.NewReader(tt.random)
			got, err := NewCode(r)
			if err != nil {
				t.Fatalf("NewCode(% x) error = %v", tt.random, err)
			}
			if got.Reveal() != tt.want {
				t.Errorf("NewCode(% x) = %q, want %q", tt.random, got.Reveal(), tt.want)
			}
			if read := len(tt.random) - r.Len(); read != tt.wantRead {
				t.Errorf("NewCode(% x) read %d bytes, want %d", tt.random, read, tt.wantRead)
			}
		})
	}
}

func TestNewCodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		r       io.Reader
		wantErr error
	}{
		{"empty source", bytes.NewReader(nil), io.EOF},
		{"short source", bytes.NewReader([]byte{1, 2}), io.ErrUnexpectedEOF},
		{"failing source", failingReader{}, errBroken},
		{"source that only gives 0xFF", constReader(0xFF), errSourceRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NewCode(tt.r)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("NewCode() error = %v, want %v", err, tt.wantErr)
			}
			if got != (Code{}) {
				t.Errorf("NewCode() returned a code with its error")
			}
		})
	}
}

// TestNewCodeDistribution draws 10 000 codes from crypto/rand: all are six
// ASCII digits, nearly all distinct (about 50 collisions are expected), and
// each digit appears at each position about 1 000 times (σ ≈ 30).
func TestNewCodeDistribution(t *testing.T) {
	t.Parallel()
	const n = 10_000
	seen := make(map[string]bool, n)
	var counts [CodeLength][10]int
	for range n {
		c, err := NewCode(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		s := c.Reveal()
		if _, err := ParseCode(s); err != nil {
			t.Fatalf("NewCode() = %q, not six digits", s)
		}
		seen[s] = true
		for i := range CodeLength {
			counts[i][s[i]-'0']++
		}
	}
	if len(seen) < n-300 {
		t.Errorf("NewCode() gave %d distinct codes of %d, want nearly all distinct", len(seen), n)
	}
	for i := range counts {
		for d, c := range counts[i] {
			if c < 800 || c > 1200 {
				t.Errorf("digit %d at position %d appeared %d times of %d, want about 1000", d, i, c, n)
			}
		}
	}
}

func TestParseCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{"six digits", "123456", "123456", false},
		{"leading zeros", "000042", "000042", false},
		{"trimmed", " 123456\n", "123456", false},
		{"empty", "", "", true},
		{"five digits", "12345", "", true},
		{"seven digits", "1234567", "", true},
		{"inner space", "123 456", "", true},
		{"hyphen", "123-456", "", true},
		{"letter", "12345a", "", true},
		{"sign", "+12345", "", true},
		{"arabic-indic digits", "١٢٣٤٥٦", "", true},
		{"fullwidth digits", "１２３４５６", "", true},
		{"nul", "12345\x00", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCode(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrCodeInvalid) || got != "" {
					t.Fatalf("ParseCode(%q) = %q, %v; want \"\", %v", tt.in, got, err, ErrCodeInvalid)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseCode(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
		})
	}
}

var errBroken = errors.New("broken source")

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errBroken }

// constReader is an endless source of one byte value.
type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}
