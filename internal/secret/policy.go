package secret

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/fault"
)

// The faults of Policy.Check, in the order they are checked.
var (
	ErrPasswordTooShort     = fault.New(fault.Invalid, "password-too-short")
	ErrPasswordTooLong      = fault.New(fault.Invalid, "password-too-long")
	ErrPasswordNeedsLetter  = fault.New(fault.Invalid, "password-needs-letter")
	ErrPasswordNeedsDigit   = fault.New(fault.Invalid, "password-needs-digit")
	ErrPasswordPersonalData = fault.New(fault.Invalid, "password-contains-personal-data")
	ErrPasswordTooCommon    = fault.New(fault.Invalid, "password-too-common")
)

// minPersonal is the shortest personal string that is looked for in a
// password: shorter ones ("Ян", "Ли") would refuse too many passwords.
const minPersonal = 4

// Policy is the password policy of SPEC §2.1; the lengths come from
// configuration (8 and 128 by default) and count characters (runes).
type Policy struct {
	MinLength, MaxLength int
}

// Check returns nil when password meets the policy, or else an Invalid fault
// for the first rule it breaks, in this order: ErrPasswordTooShort,
// ErrPasswordTooLong, ErrPasswordNeedsLetter, ErrPasswordNeedsDigit (any
// Unicode letter or digit counts), ErrPasswordPersonalData,
// ErrPasswordTooCommon.
//
// personal lists what the password must not equal or contain. Matching
// ignores case, and each personal string is also tried with the separators
// space, hyphen, +, dot and parentheses removed; the password is tried both
// as typed and with the same separators removed, so "912-345-67-89" is found
// in "x912.345.67.89". Personal strings (in either form) shorter than 4
// characters are ignored. Check does not derive forms: the caller passes each
// form a person might reuse, that is the phone both as +7XXXXXXXXXX and as
// its 10-digit national number, the e-mail both whole and its local part,
// each name, and the birth date as digits in the usual orders (DDMMYYYY,
// YYYYMMDD).
//
// A password is common when, lower-cased, it is in the bundled list of
// common and breached passwords, or is a listed password of at least 4
// characters followed by one run of digits, punctuation or symbols.
func (p Policy) Check(password string, personal []string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < p.MinLength:
		return fault.New(fault.Invalid, ErrPasswordTooShort.Slug)
	case n > p.MaxLength:
		return fault.New(fault.Invalid, ErrPasswordTooLong.Slug)
	case strings.IndexFunc(password, unicode.IsLetter) < 0:
		return fault.New(fault.Invalid, ErrPasswordNeedsLetter.Slug)
	case strings.IndexFunc(password, unicode.IsDigit) < 0:
		return fault.New(fault.Invalid, ErrPasswordNeedsDigit.Slug)
	case containsPersonal(password, personal):
		return fault.New(fault.Invalid, ErrPasswordPersonalData.Slug)
	case isCommon(password):
		return fault.New(fault.Invalid, ErrPasswordTooCommon.Slug)
	}
	return nil
}

// containsPersonal reports whether password contains any personal string,
// as described on Check.
func containsPersonal(password string, personal []string) bool {
	lower := strings.ToLower(password)
	haystacks := [2]string{lower, stripSeparators(lower)}
	for _, s := range personal {
		s = strings.ToLower(s)
		for _, needle := range [2]string{s, stripSeparators(s)} {
			if utf8.RuneCountInString(needle) < minPersonal {
				continue
			}
			for _, h := range haystacks {
				if strings.Contains(h, needle) {
					return true
				}
			}
		}
	}
	return false
}

// stripSeparators removes the characters people put between the parts of
// phone numbers, dates and names.
func stripSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '+', '.', '(', ')':
			return -1
		}
		return r
	}, s)
}
