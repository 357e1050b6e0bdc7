package secret

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// MinKeyLength is the shortest key NewHasher accepts, in bytes.
const MinKeyLength = 32

// Hasher computes keyed hashes (HMAC-SHA256): blind indexes of contacts
// ("phone", "email") and hashes of stored codes ("sms-code",
// "email-token"). The purpose separates uses, so one value hashed for two
// purposes gives unrelated results. A Hasher prints as "[redacted]".
type Hasher struct {
	redact
	key []byte
}

// NewHasher returns a Hasher over a copy of key. It panics when key is
// shorter than 32 bytes: that is a wiring bug, found at cold start.
func NewHasher(key []byte) Hasher {
	if len(key) < MinKeyLength {
		panic("secret: hasher key shorter than 32 bytes")
	}
	return Hasher{key: append([]byte(nil), key...)}
}

// Sum returns HMAC-SHA256(key, purpose + "\x00" + value). It panics when
// purpose contains a NUL byte, which would make the input ambiguous:
// purposes are constants, so that is a programming error.
func (h Hasher) Sum(purpose, value string) []byte {
	if strings.IndexByte(purpose, 0) >= 0 {
		panic("secret: hash purpose contains NUL")
	}
	if h.key == nil {
		panic("secret: zero Hasher; use NewHasher")
	}
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(nil)
}

// Index returns Sum as base64url without padding (43 characters), for use
// in DynamoDB keys.
func (h Hasher) Index(purpose, value string) string {
	return base64.RawURLEncoding.EncodeToString(h.Sum(purpose, value))
}

// Equal reports whether a and b are equal, in time that depends only on
// their lengths. Different lengths are unequal.
func Equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }
