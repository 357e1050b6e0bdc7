package person

import (
	"fmt"
	"log/slog"

	"github.com/portalid/portalid/internal/fault"
)

// ErrSNILSInvalid is the fault for a SNILS that ParseSNILS refuses.
var ErrSNILSInvalid = fault.New(fault.Invalid, "snils-invalid")

// SNILS is a validated insurance number of the pension fund: 11 digits,
// the last two a checksum of the first nine. It is personal data.
type SNILS struct{ digits string }

// ParseSNILS accepts 11 digits, bare or as "NNN-NNN-NNN NN", and checks
// the checksum (numbers up to 001-001-998 have none, by the fund's rule).
func ParseSNILS(s string) (SNILS, error) {
	if len(s) > 32 {
		return SNILS{}, fault.New(fault.Invalid, ErrSNILSInvalid.Slug)
	}
	var d []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == '-' || c == ' ':
		default:
			return SNILS{}, fault.New(fault.Invalid, ErrSNILSInvalid.Slug)
		}
	}
	if len(d) != 11 || !snilsChecksumOK(d) {
		return SNILS{}, fault.New(fault.Invalid, ErrSNILSInvalid.Slug)
	}
	return SNILS{digits: string(d)}, nil
}

func snilsChecksumOK(d []byte) bool {
	number := 0
	sum := 0
	for i := 0; i < 9; i++ {
		v := int(d[i] - '0')
		number = number*10 + v
		sum += v * (9 - i)
	}
	if number <= 1001998 {
		return true
	}
	check := sum % 101
	if check == 100 {
		check = 0
	}
	return check == int(d[9]-'0')*10+int(d[10]-'0')
}

// Value returns the 11 digits.
func (s SNILS) Value() string { return s.digits }

// IsZero reports whether s holds no number.
func (s SNILS) IsZero() bool { return s.digits == "" }

// String returns "[redacted]"; the number is personal data.
func (SNILS) String() string { return redacted }

// GoString returns "[redacted]".
func (SNILS) GoString() string { return redacted }

// Format prints "[redacted]" for every verb.
func (SNILS) Format(f fmt.State, _ rune) { fmt.Fprint(f, redacted) }

// LogValue keeps the number out of logs.
func (SNILS) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON keeps the number out of JSON.
func (SNILS) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
