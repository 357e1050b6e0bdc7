package profile

import (
	"time"

	"github.com/portalid/portalid/internal/person"
)

// Missing lists, as JSON pointers, what a profile still lacks for the
// registry check of SPEC §2.3: names aside (the account has them), a
// patronymic or its explicit absence, gender, date and place of birth,
// citizenship, and for RF citizens the passport and the SNILS. The
// passport's issue date is checked against the date of birth here, as
// both are known only now.
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
	need(p.Citizenship != "", "/citizenship")
	if p.Citizenship == "RUS" {
		need(p.Passport != nil, "/passport")
		need(p.SNILS != "", "/snils")
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
