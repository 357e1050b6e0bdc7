package secret

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/portalid/portalid/internal/fault"
)

// tokenBytes is the entropy of a link token: 256 bits.
const tokenBytes = 32

// TokenLength is the length of a token in base64url without padding.
const TokenLength = (tokenBytes*8 + 5) / 6 // 43

// ErrTokenInvalid is the fault for input that is not a well-formed token.
var ErrTokenInvalid = fault.New(fault.Invalid, "link-token-invalid")

// Token is a one-time token for links (e-mail confirmation). It prints as
// "[redacted]"; Reveal gives the text to put in the link and to hash.
type Token struct {
	redact
	v string
}

// NewToken draws 32 random bytes from r (crypto/rand.Reader in production)
// and encodes them as base64url without padding.
func NewToken(r io.Reader) (Token, error) {
	var b [tokenBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return Token{}, fmt.Errorf("read random token: %w", err)
	}
	return Token{v: base64.RawURLEncoding.EncodeToString(b[:])}, nil
}

// Reveal returns the token's text.
func (t Token) Reveal() string { return t.v }

// ParseToken validates a token from a link: once outer white space is
// trimmed, 43 characters of base64url that are the canonical encoding of
// 32 bytes. It returns the token's text.
func ParseToken(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != TokenLength {
		return "", fault.New(fault.Invalid, ErrTokenInvalid.Slug)
	}
	// The decoder skips \r and \n even when strict, so the length of what
	// it decodes is checked too; strict refuses non-zero trailing bits, so
	// each token has one spelling.
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != tokenBytes {
		return "", fault.New(fault.Invalid, ErrTokenInvalid.Slug)
	}
	return s, nil
}
