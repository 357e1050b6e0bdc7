package profile

import (
	"time"

	"github.com/portalid/portalid/internal/person"
)

// Missing lists, as JSON pointers, what a profile still lacks for the
// registry check of SPEC §2.3 and §2.5: names aside (the account has
// them), a patronymic or its explicit absence, gender, date and place of
// birth, citizenship, and the identity document the citizenship calls
// for: an RF citizen's RF passport and SNILS, a foreign citizen's foreign
// document (their SNILS is optional). The passport's issue date is
// checked against the date of birth here, as both are known only now.
// A document that disagrees with the citizenship is not missing but in
// Conflicts.
func Missing(p Profile, now time.Time) []string {
	var out []string
	need := func(ok bool, ptr string) {
		if !ok {
			out = append(out, ptr)
		}
	}
	need(p.Patronymic != "" || p.NoPatronymic, "/patronymic")
	need(p.Gender != "", "/gender")
	need(p.BirthDate != "", "/birthDate")
	need(p.BirthPlace != "", "/birthPlace")
	need(p.Citizenship != "", pointerCitizenship)
	switch {
	case p.Citizenship == RF:
		need(p.Passport != nil, pointerPassport)
		need(p.SNILS != "", "/snils")
	case p.Foreign():
		need(p.ForeignDocument != nil, pointerForeignDocument)
	}
	if p.Passport != nil && p.BirthDate != "" {
		birth, err1 := person.ParseDate(p.BirthDate)
		issued, err2 := person.ParseDate(p.Passport.IssueDate)
		if err1 != nil || err2 != nil || person.ValidIssueDate(issued, birth, now) != nil {
			out = append(out, "/passport/issueDate")
		}
	}
	return out
}
