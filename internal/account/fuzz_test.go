package account

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParseAnswer: whatever the input, ParseAnswer never panics, and what
// it accepts is normalised for good: parsing it again changes nothing, and
// it has no upper case, no ё, no outer or doubled space.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{"Фёдорова", " a  b ", "Е\u0308", "ё\u0308\u0308", "и\u0306", "\x00", "\xff", "ǅ", "İstanbul", strings.Repeat("я", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := ParseAnswer(in)
		if err != nil {
			return
		}
		v := a.Value()
		if n := utf8.RuneCountInString(v); n < minAnswer || n > maxAnswer {
			t.Fatalf("ParseAnswer(%q) = %q with %d characters", in, v, n)
		}
		if v != strings.TrimSpace(v) || strings.Contains(v, "  ") || strings.ContainsRune(v, 'ё') {
			t.Fatalf("ParseAnswer(%q) = %q, not normalised", in, v)
		}
		if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' || unicode.IsControl(r) }) {
			t.Fatalf("ParseAnswer(%q) = %q keeps control or non-blank space characters", in, v)
		}
		again, err := ParseAnswer(v)
		if err != nil || again.Value() != v {
			t.Fatalf("ParseAnswer(ParseAnswer(%q)) = %q, %v; want it unchanged", in, again.Value(), err)
		}
	})
}

// FuzzParseQuestion: never panics; what it accepts parses again unchanged.
func FuzzParseQuestion(f *testing.F) {
	for _, s := range []string{"Кличка собаки?", "  a  b  c ", "\x00", "ab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q, err := ParseQuestion(in)
		if err != nil {
			return
		}
		if again, err := ParseQuestion(q); err != nil || again != q {
			t.Fatalf("ParseQuestion(ParseQuestion(%q)) = %q, %v; want it unchanged", in, again, err)
		}
	})
}
