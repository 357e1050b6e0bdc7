package person

import (
	"fmt"
	"log/slog"
)

// redaction gives the types that embed it the printing methods of personal
// data: String, GoString, Format (every verb), LogValue and MarshalJSON all
// give "[redacted]". It has no size when embedded as the first field, and
// the embedding struct stays comparable with ==.
type redaction struct{}

// String returns "[redacted]".
func (redaction) String() string { return redacted }

// GoString returns "[redacted]".
func (redaction) GoString() string { return redacted }

// Format writes "[redacted]" for every verb.
func (redaction) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]", so slog never shows the value.
func (redaction) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON returns "[redacted]"; responses that must show the value
// encode Value explicitly.
func (redaction) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
