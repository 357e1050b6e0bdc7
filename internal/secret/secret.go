// Package secret holds the security mechanics of the portal in one place:
// one-time codes and link tokens drawn from a caller-supplied random source,
// keyed hashes for blind indexes and stored codes, constant-time comparison,
// the password policy and argon2id password hashing.
//
// Secret values print as "[redacted]" through fmt, slog and JSON; only
// Reveal shows them. The package reads no clock and logs nothing.
package secret

import (
	"fmt"
	"log/slog"
)

const redacted = "[redacted]"

// redact gives a secret type the printing methods that hide its value.
// Embedded by value, its methods are promoted to the secret types.
type redact struct{}

// String returns "[redacted]".
func (redact) String() string { return redacted }

// GoString returns "[redacted]".
func (redact) GoString() string { return redacted }

// Format writes "[redacted]" for every verb.
func (redact) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]", so slog never shows the value.
func (redact) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON returns "[redacted]".
func (redact) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
