package secret

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/portalid/portalid/internal/fault"
)

// CodeLength is the number of digits of an SMS code.
const CodeLength = 6

// ErrCodeInvalid is the fault for user input that is not a 6-digit code.
var ErrCodeInvalid = fault.New(fault.Invalid, "code-invalid")

// errSourceRejected is returned when a random source keeps producing
// values that rejection sampling throws away: a broken reader, not bad luck
// (the chance of one rejection is 0.02%).
var errSourceRejected = errors.New("secret: random source rejected too often")

const (
	codeSpace   = 1_000_000                         // 000000–999999
	codeLimit   = (1 << 32) / codeSpace * codeSpace // largest multiple of codeSpace ≤ 2³²
	maxRejected = 32                                // samples before giving up
)

// Code is a one-time 6-digit code sent by SMS. It prints as "[redacted]";
// Reveal gives the digits, for the message and for hashing.
type Code struct {
	redact
	v string
}

// NewCode draws a code uniformly from 000000–999999 using random bytes
// from r (crypto/rand.Reader in production). It reads 4 bytes at a time
// and rejects values at or above the largest multiple of 10⁶ below 2³², so
// no code is more likely than another.
func NewCode(r io.Reader) (Code, error) {
	var b [4]byte
	for range maxRejected {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Code{}, fmt.Errorf("read random code: %w", err)
		}
		n := binary.BigEndian.Uint32(b[:])
		if n < codeLimit {
			return Code{v: fmt.Sprintf("%06d", n%codeSpace)}, nil
		}
	}
	return Code{}, errSourceRejected
}

// Reveal returns the code's digits.
func (c Code) Reveal() string { return c.v }

// ParseCode validates a code a person typed: exactly 6 ASCII digits once
// outer white space is trimmed. It returns the digits.
func ParseCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != CodeLength {
		return "", fault.New(fault.Invalid, ErrCodeInvalid.Slug)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fault.New(fault.Invalid, ErrCodeInvalid.Slug)
		}
	}
	return s, nil
}
