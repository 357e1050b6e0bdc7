package person

import (
	"errors"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/redacttest"
)

func TestParseName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"cyrillic", "Иванов", "Иванов"},
		{"yo", "Семёнова", "Семёнова"},
		{"capital yo", "Ёлкин", "Ёлкин"},
		{"latin", "Smith", "Smith"},
		{"latin diacritics", "Müller-Lüdenscheidt", "Müller-Lüdenscheidt"},
		{"sharp s", "Strauß", "Strauß"},
		{"one letter", "Я", "Я"},
		{"hyphenated", "Римский-Корсаков", "Римский-Корсаков"},
		{"apostrophe", "O'Neil", "O'Neil"},
		{"typographic apostrophe", "D’Artagnan", "D’Artagnan"},
		{"inner space", "Анна Мария", "Анна Мария"},
		{"trimmed", "  \tИван\n ", "Иван"},
		{"inner spaces collapsed", "Анна \t  Мария", "Анна Мария"},
		{"no-break space collapsed", "Анна\u00a0Мария", "Анна Мария"},
		{"lower case kept", "иванов", "иванов"},
		{"mixed scripts", "Ivanов", "Ivanов"},
		{"decomposed short i", "Йи\u0306", "Йй"},
		{"decomposed capital short i", "И\u0306ошкар", "Йошкар"},
		{"decomposed yo", "Фе\u0308доров", "Фёдоров"},
		{"decomposed capital yo", "Е\u0308лкин", "Ёлкин"},
		{"100 letters", strings.Repeat("я", 100), strings.Repeat("я", 100)},
		{"100 after collapsing", strings.Repeat("ab  ", 33) + "a", strings.Repeat("ab ", 33) + "a"},
		{"100 after composing", strings.Repeat("и\u0306", 100), strings.Repeat("й", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseName(tt.in)
			if err != nil {
				t.Fatalf("ParseName(%q) error = %v, want nil", tt.in, err)
			}
			if got.Value() != tt.want {
				t.Errorf("ParseName(%q) = %q, want %q", tt.in, got.Value(), tt.want)
			}
		})
	}
}

func TestParseNameInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"spaces only", "   "},
		{"101 letters", strings.Repeat("я", 101)},
		{"digit", "Иван2"},
		{"greek", "Σωκράτης"},
		{"armenian", "Արամ"},
		{"cjk", "王"},
		{"mixed with greek", "Ivanα"},
		{"dot", "Ив. Петров"},
		{"comma", "Иванов, Иван"},
		{"underscore", "Ivan_Petrov"},
		{"leading hyphen", "-Иван"},
		{"trailing hyphen", "Иван-"},
		{"leading apostrophe", "'Neil"},
		{"trailing apostrophe", "Smiths'"},
		{"double hyphen", "Анна--Мария"},
		{"hyphen then space", "Анна- Мария"},
		{"spaced hyphen", "Анна - Мария"},
		{"apostrophe then hyphen", "O'-Neil"},
		{"separator only", "-"},
		{"en dash", "Анна–Мария"},
		{"backtick", "O`Neil"},
		{"combining mark at start", "\u0306Иван"},
		{"combining acute", "Jose\u0301"},
		{"combining breve on a", "Ива\u0306н"},
		{"combining after space", "Иван \u0306"},
		{"cyrillic non-letter", "Иван\u0482"},
		{"superscript digit", "Иван¹"},
		{"invalid utf-8", "Ив\xffан"},
		{"replacement character", "Ив\ufffdан"},
		{"zero width joiner", "Ив\u200dан"},
		{"control", "Иван\x00"},
		{"very long white space", "Иван" + strings.Repeat(" ", 5000) + "Иванов"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseName(tt.in)
			if !errors.Is(err, ErrNameInvalid) {
				t.Fatalf("ParseName(%q) error = %v, want %v", tt.in, err, ErrNameInvalid)
			}
			if !got.IsZero() {
				t.Errorf("ParseName(%q) returned a non-zero Name with its error", tt.in)
			}
		})
	}
}

func TestNameRedacts(t *testing.T) {
	t.Parallel()
	n, err := ParseName("Канарейкина")
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range redacttest.Printed(n) {
		if strings.Contains(out, "Канарейкина") || !strings.Contains(out, "[redacted]") {
			t.Errorf("Name printed as %q, want [redacted]", out)
		}
	}
}
