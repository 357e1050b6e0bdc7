package secret

import (
	"fmt"
	"io"
	"strings"

	"github.com/portalid/portalid/internal/fault"
)

// LetterCodeLength is the number of characters of the activation code a
// registered letter carries (SPEC §2.4): 10 Crockford base32 symbols, 50
// bits.
const LetterCodeLength = 10

// crockford is Crockford's base32 alphabet: digits and upper-case letters
// without I, L, O and U, so that a code read off paper is not misread.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// maxLetterCodeInput bounds what ParseLetterCode reads: the code with
// generous grouping, never an unbounded body field.
const maxLetterCodeInput = 40

// ErrLetterCodeInvalid is the fault for input that is not a letter code.
var ErrLetterCodeInvalid = fault.New(fault.Invalid, "code-invalid")

// LetterCode is the activation code of one registered letter. It prints
// as "[redacted]"; Reveal gives the canonical symbols (for hashing) and
// Grouped the form printed in the letter.
type LetterCode struct {
	redact
	v string
}

// NewLetterCode draws 10 symbols uniformly from the alphabet with random
// bytes from r (crypto/rand.Reader in production): each byte's low five
// bits pick a symbol, and 256 is a multiple of 32, so none is likelier.
func NewLetterCode(r io.Reader) (LetterCode, error) {
	var b [LetterCodeLength]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return LetterCode{}, fmt.Errorf("read random letter code: %w", err)
	}
	out := make([]byte, LetterCodeLength)
	for i, x := range b {
		out[i] = crockford[x&31]
	}
	clear(b[:])
	return LetterCode{v: string(out)}, nil
}

// LetterCodeOf reads a code back (from a sealed copy, say) as
// ParseLetterCode does.
func LetterCodeOf(s string) (LetterCode, error) {
	c, err := ParseLetterCode(s)
	if err != nil {
		return LetterCode{}, err
	}
	return LetterCode{v: c}, nil
}

// Reveal returns the 10 canonical symbols.
func (c LetterCode) Reveal() string { return c.v }

// Grouped returns the code as the letter prints it: two groups of five
// joined by a hyphen ("7K3QM-9ZP2D").
func (c LetterCode) Grouped() string {
	if len(c.v) != LetterCodeLength {
		return ""
	}
	return c.v[:5] + "-" + c.v[5:]
}

// ParseLetterCode reads a code a person typed: case does not matter,
// spaces and hyphens between symbols are ignored, and the letters
// Crockford's base32 reads as digits are taken as them (I and L as 1, O as
// 0). It returns the 10 canonical symbols.
func ParseLetterCode(s string) (string, error) {
	if len(s) > maxLetterCodeInput {
		return "", fault.New(fault.Invalid, ErrLetterCodeInvalid.Slug)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		switch c {
		case 'I', 'L':
			c = '1'
		case 'O':
			c = '0'
		}
		if strings.IndexByte(crockford, c) < 0 || b.Len() == LetterCodeLength {
			return "", fault.New(fault.Invalid, ErrLetterCodeInvalid.Slug)
		}
		b.WriteByte(c)
	}
	if b.Len() != LetterCodeLength {
		return "", fault.New(fault.Invalid, ErrLetterCodeInvalid.Slug)
	}
	return b.String(), nil
}
