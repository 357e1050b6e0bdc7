package signature

import (
	"encoding/base64"
	"strings"

	"github.com/portalid/portalid/internal/fault"
)

// ErrEncoding: the signature is not base64 of at most MaxSize bytes.
var ErrEncoding = fault.New(fault.Invalid, "signature-encoding-invalid")

// DecodeBase64 reads a signature as clients send it: canonical standard
// base64 (padded or not) of the DER, white space anywhere ignored, since
// signing tools wrap their output at 64 or 76 characters with CR LF. It
// checks the size before decoding, so a huge input costs nothing to
// refuse.
func DecodeBase64(s string) ([]byte, error) {
	if len(s) > 2*base64.StdEncoding.EncodedLen(MaxSize) {
		return nil, ErrEncoding
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	if s == "" || len(s) > base64.StdEncoding.EncodedLen(MaxSize) {
		return nil, ErrEncoding
	}
	b, err := base64.RawStdEncoding.Strict().DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(b) > MaxSize {
		return nil, ErrEncoding
	}
	return b, nil
}
