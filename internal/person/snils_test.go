package person

import (
	"errors"
	"fmt"
	"testing"
)

func TestParseSNILS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"112-233-445 95", "11223344595", true}, // the fund's published example
		{"11223344595", "11223344595", true},
		{"112-233-445 96", "", false}, // wrong checksum
		{"087-654-303 00", "08765430300", true},
		{"001-001-998 77", "00100199877", true}, // below the checksum range
		{"1122334459", "", false},
		{"112233445950", "", false},
		{"112.233.445 95", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := ParseSNILS(tt.in)
		if (err == nil) != tt.ok || got.Value() != tt.want {
			t.Errorf("ParseSNILS(%q) = %q, %v; want %q, ok %v", tt.in, got.Value(), err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrSNILSInvalid) {
			t.Errorf("ParseSNILS(%q) error = %v, want %v", tt.in, err, ErrSNILSInvalid)
		}
	}
	s, _ := ParseSNILS("11223344595")
	if out := fmt.Sprintf("%v %s %+v %#v", s, s, s, s); out != "[redacted] [redacted] [redacted] [redacted]" {
		t.Errorf("SNILS printed as %q", out)
	}
}

func FuzzParseSNILS(f *testing.F) {
	f.Add("112-233-445 95")
	f.Add("00000000000")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSNILS(in)
		if err != nil {
			return
		}
		again, err := ParseSNILS(s.Value())
		if err != nil || again != s {
			t.Errorf("ParseSNILS(%q) accepted, but its value does not parse back", in)
		}
	})
}
