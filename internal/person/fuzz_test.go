package person

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"
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
		if got, zero := quickPrinted(n), quickPrinted(Name{}); got != zero {
			t.Fatalf("Name printed as %q, want %q as the zero Name", got, zero)
		}
	})
}

// quickPrinted is the cheap subset of printed that a fuzz target can run on
// every input: the common fmt verbs, JSON and a slog JSON line.
func quickPrinted(v any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v|%s|%+v|%#v|%q|", v, v, v, v, v)
	j, _ := json.Marshal(v)
	b.Write(j)
	slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})).Info("m", "v", v)
	return b.String()
}
