package person

import "github.com/portalid/portalid/internal/fault"

// ErrPostcodeInvalid is the fault for a postcode that ParsePostcode
// refuses.
var ErrPostcodeInvalid = fault.New(fault.Invalid, "postcode-invalid")

// Postcode is a Russian Post index: 6 digits. With an address it locates
// a person, so it is personal data.
type Postcode struct {
	redaction
	digits string
}

// ParsePostcode accepts 6 digits (outer white space is ignored) whose first
// digit is 1 to 6.
//
// The first three digits of a Russian index name the federal subject, and
// the prefixes of every subject lie between 101 (Moscow) and 694
// (Sakhalin), Crimea and Sevastopol's 295–299 included (Wikipedia, "Postal
// codes in Russia", the table by federal subject). No Russian index starts
// with 0 or 7–9; indexes of other countries that kept the Soviet system do
// (Kyrgyzstan's 72xxxx, for one), and a Russian address cannot have them.
func ParsePostcode(s string) (Postcode, error) {
	d, ok := digits(s, 6)
	if !ok || d[0] < '1' || d[0] > '6' {
		return Postcode{}, invalid(ErrPostcodeInvalid)
	}
	return Postcode{digits: d}, nil
}

// Value returns the 6 digits.
func (p Postcode) Value() string { return p.digits }

// IsZero reports whether p holds no postcode.
func (p Postcode) IsZero() bool { return p.digits == "" }
