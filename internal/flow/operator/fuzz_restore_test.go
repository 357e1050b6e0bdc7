package operator

import (
	"testing"

	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/fault/faulttest"
)

// FuzzParseRestore: the contacts an operator restores, phone first, at
// least one; each given one must parse as its kind; a refusal points at
// /phone or /email and echoes neither.
func FuzzParseRestore(f *testing.F) {
	for _, s := range [][2]string{{"+7 912 345 67 89", ""}, {"", "Ivan@Example.RU"}, {"+79123456789", "ivan@example.ru"}, {"", ""}, {"ivan@example.ru", "+79123456789"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, phone, email string) {
		out, err := parseRestore(RestoreInput{Phone: phone, Email: email})
		if err != nil {
			faulttest.Invalid(t, err, []string{"/phone", "/email"}, phone, email)
			return
		}
		var want []contact.Kind
		if phone != "" {
			want = append(want, contact.Phone)
		}
		if email != "" {
			want = append(want, contact.Email)
		}
		if len(out) != len(want) || len(out) == 0 {
			t.Fatalf("parseRestore(%q, %q) = %d contacts, want %d", phone, email, len(out), len(want))
		}
		for i, a := range out {
			if a.Kind() != want[i] {
				t.Fatalf("parseRestore(%q, %q) contact %d is a %q, want %q", phone, email, i, a.Kind(), want[i])
			}
		}
	})
}
