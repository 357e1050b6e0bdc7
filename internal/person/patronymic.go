package person

import (
	"strings"

	"github.com/portalid/portalid/internal/fault"
)

// ErrPatronymicInvalid is the fault for a patronymic that ParsePatronymic
// refuses.
var ErrPatronymicInvalid = fault.New(fault.Invalid, "patronymic-invalid")

// Patronymic is a person's patronymic, or the explicit statement that the
// person has none (SPEC §2.3). The zero Patronymic is neither: nothing was
// said yet. It is personal data.
type Patronymic struct {
	redaction
	name Name
	none bool
}

// ParsePatronymic accepts either a patronymic s (validated and normalised
// as ParseName does) with none false, or none true with s empty (or only
// white space): the person has no patronymic. Both, or neither, are
// invalid.
func ParsePatronymic(s string, none bool) (Patronymic, error) {
	if len(s) > maxNameInput {
		return Patronymic{}, invalid(ErrPatronymicInvalid)
	}
	if none {
		if strings.TrimSpace(s) != "" {
			return Patronymic{}, invalid(ErrPatronymicInvalid)
		}
		return Patronymic{none: true}, nil
	}
	n, err := ParseName(s)
	if err != nil {
		return Patronymic{}, invalid(ErrPatronymicInvalid)
	}
	return Patronymic{name: n}, nil
}

// Name returns the patronymic; it is the zero Name when None.
func (p Patronymic) Name() Name { return p.name }

// None reports whether the person stated they have no patronymic.
func (p Patronymic) None() bool { return p.none }

// Value returns the normalised patronymic, or "" when None.
func (p Patronymic) Value() string { return p.name.Value() }

// IsZero reports whether p is the zero Patronymic: neither a name nor None.
func (p Patronymic) IsZero() bool { return p == Patronymic{} }
