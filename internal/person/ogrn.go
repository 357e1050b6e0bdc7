package person

import "github.com/portalid/portalid/internal/fault"

// ErrOGRNInvalid is the fault for a registration number that ParseOGRN or
// ParseOGRNIP refuses.
var ErrOGRNInvalid = fault.New(fault.Invalid, "ogrn-invalid")

// OGRN is a validated primary state registration number of a legal entity
// (ОГРН): 13 digits, the last a check digit. It prints as "[redacted]"
// like the rest of the package.
type OGRN struct {
	redaction
	digits string
}

// ParseOGRN accepts an OGRN (SPEC §2.5): 13 digits (outer white space and
// inner spaces are ignored), the first 1 or 5, the last the check digit.
//
// The structure is that of the register of legal entities (Order of the
// Ministry of Finance of 30.10.2017 No. 165n, which kept the one of
// Government Decree of 19.06.2002 No. 438 as amended by No. 760 of
// 13.12.2005): the first digit is 1 or 5 for a primary number (2, 6–9 mark
// other register entries, which are not an OGRN), and the check digit is
// the last digit of the remainder of the first 12 digits, as a number,
// divided by 11.
func ParseOGRN(s string) (OGRN, error) {
	d, ok := digits(s, 13)
	if !ok || (d[0] != '1' && d[0] != '5') || !ogrnCheckOK(d, 11) {
		return OGRN{}, invalid(ErrOGRNInvalid)
	}
	return OGRN{digits: d}, nil
}

// ogrnCheckOK reports whether the last digit of d is the last digit of the
// remainder of the other digits, as a number, divided by m. The number has
// at most 14 digits, which an int64 holds.
func ogrnCheckOK(d string, m int64) bool {
	var n int64
	for i := 0; i < len(d)-1; i++ {
		n = n*10 + int64(d[i]-'0')
	}
	return n%m%10 == int64(d[len(d)-1]-'0')
}

// Value returns the 13 digits.
func (n OGRN) Value() string { return n.digits }

// IsZero reports whether n holds no number.
func (n OGRN) IsZero() bool { return n.digits == "" }

// OGRNIP is a validated primary state registration number of a sole
// proprietor (ОГРНИП): 15 digits, the last a check digit. It is personal
// data.
type OGRNIP struct {
	redaction
	digits string
}

// ParseOGRNIP accepts an OGRNIP: 15 digits (outer white space and inner
// spaces are ignored), the first 3, the last the check digit: the last
// digit of the remainder of the first 14 digits, as a number, divided by
// 13 (the structure of the register of sole proprietors, Order of the
// Ministry of Finance of 30.10.2017 No. 165n, as in Government Decree of
// 16.10.2003 No. 630 before it: 3 marks a primary number, 4 other entries).
func ParseOGRNIP(s string) (OGRNIP, error) {
	d, ok := digits(s, 15)
	if !ok || d[0] != '3' || !ogrnCheckOK(d, 13) {
		return OGRNIP{}, invalid(ErrOGRNInvalid)
	}
	return OGRNIP{digits: d}, nil
}

// Value returns the 15 digits.
func (n OGRNIP) Value() string { return n.digits }

// IsZero reports whether n holds no number.
func (n OGRNIP) IsZero() bool { return n.digits == "" }
