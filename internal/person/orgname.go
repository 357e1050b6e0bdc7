package person

import (
	"strings"
	"unicode"

	"github.com/portalid/portalid/internal/fault"
)

// ErrOrgNameInvalid is the fault for an organisation name ParseOrgName
// refuses.
var ErrOrgNameInvalid = fault.New(fault.Invalid, "organisation-name-invalid")

// MaxOrgNameLength is the longest organisation name, in characters: the
// register of legal entities keeps full names of a few hundred characters
// ("Публичное акционерное общество «…»"); 300 holds them.
const MaxOrgNameLength = 300

// maxOrgNameInput bounds the raw input in bytes, as maxNameInput does.
const maxOrgNameInput = 4 * 4 * MaxOrgNameLength

// OrgName is a validated name of a legal entity (SPEC §2.5). The names
// are public, but an account's link to one is not, so it prints as
// "[redacted]" like the rest of the package.
type OrgName struct {
	redaction
	v string
}

// ParseOrgName validates s as the name of a legal entity and returns it
// normalised: outer white space trimmed, every inner run of white space
// one space; 1–300 characters of Cyrillic or Latin letters, digits,
// spaces and the punctuation names use (quotes « » " ' ’ „ “ ”, hyphens
// and dashes, . , ( ) № & / + :), with at least one letter. Control
// characters, other scripts and other symbols are refused.
func ParseOrgName(s string) (OrgName, error) {
	if len(s) > maxOrgNameInput {
		return OrgName{}, invalid(ErrOrgNameInvalid)
	}
	var (
		b      strings.Builder
		n      int
		letter bool
		space  bool
	)
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteRune(' ')
			n++
			space = false
		}
		switch {
		case isLetter(r):
			letter = true
		case r >= '0' && r <= '9', strings.ContainsRune(orgNamePunctuation, r):
		default:
			return OrgName{}, invalid(ErrOrgNameInvalid)
		}
		b.WriteRune(r)
		if n++; n > MaxOrgNameLength {
			return OrgName{}, invalid(ErrOrgNameInvalid)
		}
	}
	if !letter {
		return OrgName{}, invalid(ErrOrgNameInvalid)
	}
	return OrgName{v: b.String()}, nil
}

// orgNamePunctuation is the punctuation an organisation name may hold.
const orgNamePunctuation = "«»\"'’„“”-‐–—.,()№&/+:"

// Value returns the name.
func (n OrgName) Value() string { return n.v }

// IsZero reports whether n holds no name.
func (n OrgName) IsZero() bool { return n.v == "" }
