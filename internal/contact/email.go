package contact

import (
	"strings"

	"github.com/portalid/portalid/internal/fault"
)

// ErrEmailInvalid is the fault for an e-mail address ParseEmail refuses.
var ErrEmailInvalid = fault.New(fault.Invalid, "email-invalid")

func emailInvalid() error { return fault.New(fault.Invalid, ErrEmailInvalid.Slug) }

// Limits of RFC 5321 §4.5.3.1.
const (
	maxEmail  = 254
	maxLocal  = 64
	maxLabel  = 63
	maxDomain = 253
)

// ParseEmail validates s as one bare e-mail address and returns it
// lower-cased, so that uniqueness is case-insensitive.
//
// Outer white space is trimmed. The local part is an RFC 5322 dot-atom of
// at most 64 characters: no quoted strings, comments or display names. The
// domain has at least two labels of ASCII letters, digits and inner hyphens
// (internationalised domains in their xn-- punycode form), and its last
// label is not all digits, which with the refused brackets rules out IP
// literals. The whole address is at most 254 characters.
func ParseEmail(s string) (Address, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxEmail {
		return Address{}, emailInvalid()
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || !validLocal(local) || !validDomain(domain) {
		return Address{}, emailInvalid()
	}
	return Address{kind: Email, value: strings.ToLower(s)}, nil
}

// validLocal reports whether l is a dot-atom local part.
func validLocal(l string) bool {
	if l == "" || len(l) > maxLocal {
		return false
	}
	for _, atom := range strings.Split(l, ".") {
		if atom == "" {
			return false // leading, trailing or double dot
		}
		for i := 0; i < len(atom); i++ {
			if !isAtext(atom[i]) {
				return false
			}
		}
	}
	return true
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	return isAlnum(c) || strings.IndexByte("!#$%&'*+/=?^_`{|}~-", c) >= 0
}

// validDomain reports whether d is a dotted host name of two or more labels.
func validDomain(d string) bool {
	if len(d) > maxDomain {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > maxLabel || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return strings.TrimLeft(tld, "0123456789") != ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
