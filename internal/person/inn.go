package person

import "github.com/portalid/portalid/internal/fault"

// ErrINNInvalid is the fault for a taxpayer number that ParseINN or
// ParseOrgINN refuses.
var ErrINNInvalid = fault.New(fault.Invalid, "inn-invalid")

// The weights of the tax service's check digits (ИНН, the algorithm every
// FNS and 1C implementation uses; python-stdnum's stdnum/ru/inn.py has the
// same): a check digit is the weighted sum of the digits before it, mod 11,
// mod 10.
var (
	innPersonWeights1 = []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
	innPersonWeights2 = []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
	innOrgWeights     = []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
)

// INN is a validated taxpayer number of a person (ИНН физического лица):
// 12 digits, the last two check digits. It is personal data.
type INN struct {
	redaction
	digits string
}

// ParseINN accepts a person's INN: 12 digits (outer white space and inner
// spaces are ignored) whose 11th and 12th digits are the tax service's
// check digits (SPEC §2.3).
func ParseINN(s string) (INN, error) {
	d, ok := digits(s, 12)
	if !ok || !innCheckOK(d, innPersonWeights1) || !innCheckOK(d, innPersonWeights2) {
		return INN{}, invalid(ErrINNInvalid)
	}
	return INN{digits: d}, nil
}

// innCheckOK reports whether the digit of d after the len(weights) digits
// the weights apply to is their check digit.
func innCheckOK(d string, weights []int) bool {
	sum := 0
	for i, w := range weights {
		sum += w * int(d[i]-'0')
	}
	return sum%11%10 == int(d[len(weights)]-'0')
}

// Value returns the 12 digits.
func (n INN) Value() string { return n.digits }

// IsZero reports whether n holds no number.
func (n INN) IsZero() bool { return n.digits == "" }

// OrgINN is a validated taxpayer number of a legal entity (ИНН
// юридического лица): 10 digits, the last a check digit. Organisations'
// numbers are public, but an account's link to one is not, so it prints
// as "[redacted]" like the rest of the package.
type OrgINN struct {
	redaction
	digits string
}

// ParseOrgINN accepts a legal entity's INN: 10 digits (outer white space
// and inner spaces are ignored) whose 10th digit is the tax service's check
// digit (SPEC §2.5).
func ParseOrgINN(s string) (OrgINN, error) {
	d, ok := digits(s, 10)
	if !ok || !innCheckOK(d, innOrgWeights) {
		return OrgINN{}, invalid(ErrINNInvalid)
	}
	return OrgINN{digits: d}, nil
}

// Value returns the 10 digits.
func (n OrgINN) Value() string { return n.digits }

// IsZero reports whether n holds no number.
func (n OrgINN) IsZero() bool { return n.digits == "" }
