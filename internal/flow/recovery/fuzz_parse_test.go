package recovery

import (
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/fault/faulttest"
	"github.com/portalid/portalid/internal/secret"
)

// FuzzParseConfirm: the code is required, the SNILS and the answer are
// checked only when given; a refusal points at the fields at fault and
// echoes none of them; an accepted proof holds the code as ParseCode
// reads it and marks an answer exactly when one was given.
func FuzzParseConfirm(f *testing.F) {
	for _, s := range [][3]string{
		{"123456", "", ""}, {"123456", "112-233-445 95", "Фёдорова"}, {" 123456 ", "11223344596", ""},
		{"12345", "", "  "}, {"", "", ""}, {"１２３４５６", "11223344595", strings.Repeat("я", 200)},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, code, snils, answer string) {
		p, err := parseConfirm(ConfirmInput{Code: code, SNILS: snils, Answer: answer})
		if err != nil {
			faulttest.Invalid(t, err, []string{"/code", "/snils", "/answer"}, code, snils, answer)
			return
		}
		if c, err := secret.ParseCode(code); err != nil || c != p.code {
			t.Fatalf("parseConfirm(code %q) = %q; ParseCode gives %q, %v", code, p.code, c, err)
		}
		if p.hasAnswer != (answer != "") || (snils == "") != p.snils.IsZero() {
			t.Fatalf("parseConfirm(%q, %q, %q): answer %v, SNILS zero %v", code, snils, answer, p.hasAnswer, p.snils.IsZero())
		}
	})
}

// FuzzParseLogin: a login with "@" is an e-mail address, any other a
// phone number; a refusal points at /login and echoes nothing.
func FuzzParseLogin(f *testing.F) {
	for _, s := range []string{"+7 912 345 67 89", " Ivan@Example.RU ", "112-233-445 95", "@", "", "ivan@", "8 (912) 345-67-89"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, login string) {
		a, err := parseLogin(login)
		if err != nil {
			faulttest.Invalid(t, err, []string{"/login"}, login)
			return
		}
		want := contact.Phone
		if strings.Contains(login, "@") {
			want = contact.Email
		}
		if a.Kind() != want {
			t.Fatalf("parseLogin(%q) kind %q, want %q", login, a.Kind(), want)
		}
		if again, err := parseLogin(a.Value()); err != nil || again != a {
			t.Fatalf("parseLogin(%q) read again = %v", login, err)
		}
	})
}
