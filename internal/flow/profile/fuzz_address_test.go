package profile

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/fault/faulttest"
)

// FuzzParseAddress: a refusal points at /postcode or /text and echoes
// neither; an accepted address is a 6-digit postcode and 1 to 500
// characters of text, stored as it reads again.
func FuzzParseAddress(f *testing.F) {
	for _, s := range [][2]string{
		{"101000", "г. Москва, ул. Мясницкая, д. 26"}, {" 101 000 ", "  Москва  "}, {"10100", "x"}, {"101000", ""},
		{"101000", strings.Repeat("я", 501)}, {"１０１０００", "\x00"}, {"101000", "a\u202eb"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, postcode, text string) {
		a, err := ParseAddress(Address{Postcode: postcode, Text: text})
		if err != nil {
			faulttest.Invalid(t, err, []string{"/postcode", "/text"}, postcode, text)
			return
		}
		if len(a.Postcode) != 6 || strings.Trim(a.Postcode, "0123456789") != "" {
			t.Fatalf("ParseAddress(%q) postcode = %q", postcode, a.Postcode)
		}
		if n := utf8.RuneCountInString(a.Text); n < 1 || n > 500 || !utf8.ValidString(a.Text) {
			t.Fatalf("ParseAddress(%q) text of %d characters", text, n)
		}
		if again, err := ParseAddress(a); err != nil || again != a {
			t.Fatalf("ParseAddress(%+v) again = %+v, %v", a, again, err)
		}
	})
}
