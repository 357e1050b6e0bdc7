package person

import "github.com/portalid/portalid/internal/fault"

// ErrOMSInvalid is the fault for a policy number that ParseOMS refuses.
var ErrOMSInvalid = fault.New(fault.Invalid, "oms-invalid")

// OMS is the number of a compulsory medical insurance policy of the
// unified format (единый номер полиса ОМС): 16 digits. It is personal data.
type OMS struct {
	redaction
	digits string
}

// ParseOMS accepts 16 digits (outer white space and inner spaces are
// ignored, as in the printed "1234 5678 9012 3456").
//
// The last digit is a check digit by a rule of the Federal OMS Fund, but
// the rule's text could not be checked against a published source when
// this was written, so it is not enforced: refusing a real policy over a
// misremembered rule costs more than accepting a mistyped one, which the
// registry check catches anyway.
func ParseOMS(s string) (OMS, error) {
	d, ok := digits(s, 16)
	if !ok {
		return OMS{}, invalid(ErrOMSInvalid)
	}
	return OMS{digits: d}, nil
}

// Value returns the 16 digits.
func (o OMS) Value() string { return o.digits }

// IsZero reports whether o holds no number.
func (o OMS) IsZero() bool { return o.digits == "" }
