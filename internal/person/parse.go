package person

import (
	"strings"

	"github.com/portalid/portalid/internal/fault"
)

// invalid returns a fresh Invalid fault with the sentinel's slug, so that
// errors.Is(err, sentinel) holds and no caller can alter the sentinel.
func invalid(sentinel *fault.Error) error { return fault.New(fault.Invalid, sentinel.Slug) }

// maxDigitsInput bounds the raw input of the numeric parsers in bytes, so
// that a huge request body costs nothing to refuse.
const maxDigitsInput = 64

// digits returns the ASCII digits of s when s, less outer white space and
// any inner ASCII spaces, is exactly n digits.
func digits(s string, n int) (string, bool) {
	if len(s) > maxDigitsInput {
		return "", false
	}
	s = strings.TrimSpace(s)
	d := make([]byte, 0, n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if len(d) == n {
				return "", false
			}
			d = append(d, c)
		case c == ' ':
		default:
			return "", false
		}
	}
	if len(d) != n {
		return "", false
	}
	return string(d), true
}
