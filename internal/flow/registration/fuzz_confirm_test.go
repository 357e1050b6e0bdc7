package registration

import (
	"testing"

	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/fault/faulttest"
	"github.com/portalid/portalid/internal/secret"
)

// FuzzParseConfirm: a registration is confirmed by an SMS code or an
// e-mail token, never both and never neither; a refusal points at /code
// or /token and echoes neither; an accepted one is the normalised code
// (phone) or token (e-mail) with its purpose.
func FuzzParseConfirm(f *testing.F) {
	tok := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"
	for _, s := range [][2]string{{"123456", ""}, {"", tok}, {"123456", tok}, {"", ""}, {" 123456\n", ""}, {"", tok[:42] + "B"}, {"12 34 56", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, code, token string) {
		kind, clear, purpose, err := parseConfirm(ConfirmInput{Code: code, Token: token})
		if err != nil {
			faulttest.Invalid(t, err, []string{"/code", "/token"}, code, token)
			return
		}
		switch {
		case code != "" && token == "":
			if c, err := secret.ParseCode(code); err != nil || kind != contact.Phone || clear != c || purpose != purposeSMSCode {
				t.Fatalf("parseConfirm(code %q) = %q, %q, %q", code, kind, clear, purpose)
			}
		case token != "" && code == "":
			if tk, err := secret.ParseToken(token); err != nil || kind != contact.Email || clear != tk || purpose != purposeEmailToken {
				t.Fatalf("parseConfirm(token %q) = %q, %q, %q", token, kind, clear, purpose)
			}
		default:
			t.Fatalf("parseConfirm(%q, %q) accepted", code, token)
		}
	})
}
