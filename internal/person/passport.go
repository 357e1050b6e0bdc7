package person

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/fault"
)

// The faults for the parts of an RF passport (SPEC §2.3).
var (
	ErrPassportSeriesInvalid  = fault.New(fault.Invalid, "passport-series-invalid")
	ErrPassportNumberInvalid  = fault.New(fault.Invalid, "passport-number-invalid")
	ErrSubdivisionCodeInvalid = fault.New(fault.Invalid, "subdivision-code-invalid")
	ErrIssuerInvalid          = fault.New(fault.Invalid, "issuer-invalid")
	ErrIssueDateInvalid       = fault.New(fault.Invalid, "issue-date-invalid")
)

// PassportSeries is the 4-digit series of an RF passport. It is personal
// data.
type PassportSeries struct {
	redaction
	digits string
}

// ParsePassportSeries accepts 4 digits; spaces are ignored, so the printed
// form "45 08" gives "4508".
func ParsePassportSeries(s string) (PassportSeries, error) {
	d, ok := digits(s, 4)
	if !ok {
		return PassportSeries{}, invalid(ErrPassportSeriesInvalid)
	}
	return PassportSeries{digits: d}, nil
}

// Value returns the 4 digits.
func (p PassportSeries) Value() string { return p.digits }

// IsZero reports whether p holds no series.
func (p PassportSeries) IsZero() bool { return p.digits == "" }

// PassportNumber is the 6-digit number of an RF passport. It is personal
// data.
type PassportNumber struct {
	redaction
	digits string
}

// ParsePassportNumber accepts 6 digits (outer white space and inner spaces
// are ignored).
func ParsePassportNumber(s string) (PassportNumber, error) {
	d, ok := digits(s, 6)
	if !ok {
		return PassportNumber{}, invalid(ErrPassportNumberInvalid)
	}
	return PassportNumber{digits: d}, nil
}

// Value returns the 6 digits.
func (p PassportNumber) Value() string { return p.digits }

// IsZero reports whether p holds no number.
func (p PassportNumber) IsZero() bool { return p.digits == "" }

// SubdivisionCode is the code of the subdivision that issued an RF
// passport, "NNN-NNN". It is personal data.
type SubdivisionCode struct {
	redaction
	code string
}

// ParseSubdivisionCode accepts "NNN-NNN" or 6 bare digits (outer white
// space is ignored) and returns the code as "NNN-NNN".
func ParseSubdivisionCode(s string) (SubdivisionCode, error) {
	s = strings.TrimSpace(s)
	if len(s) == 7 && s[3] == '-' {
		s = s[:3] + s[4:]
	}
	if len(s) != 6 {
		return SubdivisionCode{}, invalid(ErrSubdivisionCodeInvalid)
	}
	d, ok := digits(s, 6)
	if !ok || d != s {
		return SubdivisionCode{}, invalid(ErrSubdivisionCodeInvalid)
	}
	return SubdivisionCode{code: d[:3] + "-" + d[3:]}, nil
}

// Value returns the code as "NNN-NNN".
func (c SubdivisionCode) Value() string { return c.code }

// IsZero reports whether c holds no code.
func (c SubdivisionCode) IsZero() bool { return c.code == "" }

// MaxIssuerLength is the longest issuer text, in characters (runes).
const MaxIssuerLength = 200

// maxIssuerInput bounds the raw issuer input in bytes, as maxNameInput
// does for names.
const maxIssuerInput = 4 * 4 * MaxIssuerLength

// PassportIssuer is the authority that issued an RF passport, as written in
// it ("ОТДЕЛОМ УФМС РОССИИ ПО Г. МОСКВЕ ПО РАЙОНУ ..."). It is personal
// data.
type PassportIssuer struct {
	redaction
	text string
}

// ParsePassportIssuer accepts free text: outer white space is trimmed and
// every inner run of white space becomes one space; what remains is
// 1–200 characters of Cyrillic or Latin letters, digits, spaces and the
// punctuation . , - № " ( ) /, with at least one letter or digit. Case is
// kept as typed.
func ParsePassportIssuer(s string) (PassportIssuer, error) {
	if len(s) > maxIssuerInput || !utf8.ValidString(s) {
		return PassportIssuer{}, invalid(ErrIssuerInvalid)
	}
	var (
		b     strings.Builder
		n     int  // runes written
		alnum bool // a letter or digit seen
	)
	for i, word := range strings.Fields(s) {
		if i > 0 {
			b.WriteByte(' ')
			n++
		}
		for _, r := range word {
			switch {
			case isLetter(r) || (r >= '0' && r <= '9'):
				alnum = true
			case strings.ContainsRune(`.,-№"()/`, r):
			default:
				return PassportIssuer{}, invalid(ErrIssuerInvalid)
			}
			b.WriteRune(r)
			n++
		}
		if n > MaxIssuerLength {
			return PassportIssuer{}, invalid(ErrIssuerInvalid)
		}
	}
	if !alnum {
		return PassportIssuer{}, invalid(ErrIssuerInvalid)
	}
	return PassportIssuer{text: b.String()}, nil
}

// Value returns the normalised issuer text.
func (p PassportIssuer) Value() string { return p.text }

// IsZero reports whether p holds no text.
func (p PassportIssuer) IsZero() bool { return p.text == "" }

// passportIntroduced is the first day RF passports were issued: Government
// Decree of 08.07.1997 No. 828, which approved the passport and its form
// under Presidential Decree of 13.03.1997 No. 232, told the Ministry of
// Internal Affairs to start issuing it on 1 October 1997 (paragraph 2).
var passportIntroduced = Date{year: 1997, month: time.October, day: 1}

// PassportAge is the age, in years, from which an RF passport is issued
// (Regulation on the passport, Government Decree No. 828, paragraph 1).
const PassportAge = 14

// ValidIssueDate checks the issue date of an RF passport held by a person
// born on birth: not after today (the date of now in now's location), not
// before the person's 14th birthday, and not before 1 October 1997, when
// RF passports were first issued.
func ValidIssueDate(issued, birth Date, now time.Time) error {
	if issued.IsZero() || birth.IsZero() || issued.After(DateOf(now)) ||
		issued.Before(birth.AddYears(PassportAge)) || issued.Before(passportIntroduced) {
		return invalid(ErrIssueDateInvalid)
	}
	return nil
}
