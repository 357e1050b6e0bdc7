package person

import "github.com/portalid/portalid/internal/fault"

// ErrGenderInvalid is the fault for a gender that ParseGender refuses.
var ErrGenderInvalid = fault.New(fault.Invalid, "gender-invalid")

// Gender is a person's gender as a passport records it: "male" or
// "female". It is personal data.
type Gender struct {
	redaction
	v string
}

// ParseGender accepts exactly "male" or "female".
func ParseGender(s string) (Gender, error) {
	if s != "male" && s != "female" {
		return Gender{}, invalid(ErrGenderInvalid)
	}
	return Gender{v: s}, nil
}

// Value returns "male" or "female".
func (g Gender) Value() string { return g.v }

// IsZero reports whether g holds no gender.
func (g Gender) IsZero() bool { return g.v == "" }
