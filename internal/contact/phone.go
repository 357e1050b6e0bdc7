package contact

import (
	"github.com/portalid/portalid/internal/fault"
)

// ErrPhoneInvalid is the fault for a phone number ParsePhone refuses.
var ErrPhoneInvalid = fault.New(fault.Invalid, "phone-invalid")

func phoneInvalid() error { return fault.New(fault.Invalid, ErrPhoneInvalid.Slug) }

// maxPhoneInput bounds the raw input: 15 digits with generous formatting.
const maxPhoneInput = 64

// ParsePhone validates s as a mobile phone number and returns it in E.164
// form (+ and 8–15 digits, the first not 0).
//
// Spaces, hyphens, dots and balanced, unnested parentheses may separate the
// digits; a + may only come first. Without a +, only Russian forms are
// understood: 11 digits starting with 8 or 7 ("8 (912) 345-67-89",
// "7 912 3456789") or 10 digits starting with 9 ("9123456789"), all becoming
// +7 and the 10-digit national number. Every +7 number must be a Russian
// mobile: exactly 10 national digits starting with 9. This also refuses
// Kazakhstan's +7 6xx/7xx numbers, which share the country code.
func ParsePhone(s string) (Address, error) {
	if len(s) > maxPhoneInput {
		return Address{}, phoneInvalid()
	}
	var (
		digits  = make([]byte, 0, 15)
		plus    bool
		inParen bool
		started bool // a digit or + has been seen
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
			started = true
		case c == '+':
			if started || inParen {
				return Address{}, phoneInvalid()
			}
			plus, started = true, true
		case c == ' ' || c == '-' || c == '.':
		case c == '(':
			if inParen {
				return Address{}, phoneInvalid()
			}
			inParen = true
		case c == ')':
			if !inParen {
				return Address{}, phoneInvalid()
			}
			inParen = false
		default:
			return Address{}, phoneInvalid()
		}
	}
	if inParen || len(digits) > 15 {
		return Address{}, phoneInvalid()
	}
	if !plus {
		switch {
		case len(digits) == 11 && (digits[0] == '8' || digits[0] == '7'):
			digits[0] = '7'
		case len(digits) == 10 && digits[0] == '9':
			digits = append([]byte{'7'}, digits...)
		default:
			return Address{}, phoneInvalid()
		}
	}
	if len(digits) < 8 || digits[0] == '0' {
		return Address{}, phoneInvalid()
	}
	if digits[0] == '7' && (len(digits) != 11 || digits[1] != '9') {
		return Address{}, phoneInvalid()
	}
	return Address{kind: Phone, value: "+" + string(digits)}, nil
}
