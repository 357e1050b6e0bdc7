package person

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/redacttest"
)

func FuzzParseName(f *testing.F) {
	for _, s := range []string{
		"Иванов", "Семёнова", "Римский-Корсаков", "O'Neil", "D’Artagnan", "  Анна \t Мария ",
		"Müller", "Фе\u0308доров", "И\u0306", "\u0306", "Анна--Мария", "-", "Ив\xffан", "王", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseName(s)
		if err != nil {
			if !errors.Is(err, ErrNameInvalid) || !n.IsZero() {
				t.Fatalf("ParseName(%q) = %q, %v; want zero, %v", s, n.Value(), err, ErrNameInvalid)
			}
			return
		}
		v := n.Value()
		runes := []rune(v)
		if !utf8.ValidString(v) || len(runes) < 1 || len(runes) > MaxNameLength ||
			!isLetter(runes[0]) || !isLetter(runes[len(runes)-1]) || strings.Contains(v, "  ") {
			t.Fatalf("ParseName(%q) = %q, not a normalised name", s, v)
		}
		again, err := ParseName(v)
		if err != nil || again != n {
			t.Fatalf("ParseName(%q) = %q, %v; want it unchanged", v, again.Value(), err)
		}
		if got, zero := redacttest.Quick(n), redacttest.Quick(Name{}); got != zero {
			t.Fatalf("Name printed as %q, want %q as the zero Name", got, zero)
		}
	})
}
