// Package contact holds validated contact addresses: a mobile phone number
// in E.164 form or an e-mail address. Addresses are personal data, so they
// print as "[redacted]" everywhere except through Value.
package contact

import (
	"fmt"
	"log/slog"

	"github.com/portalid/portalid/internal/fault"
)

// Kind is the kind of a contact address.
type Kind string

// The kinds of contact address.
const (
	Phone Kind = "phone"
	Email Kind = "email"
)

// ErrKindInvalid is returned by Parse for a kind other than Phone or Email.
var ErrKindInvalid = fault.New(fault.Invalid, "contact-kind-invalid")

// redacted is what every printing path shows instead of the value.
const redacted = "[redacted]"

// Address is a validated, normalised phone number or e-mail address. The
// zero Address is no address. Addresses of the same kind and value are equal
// (==), so normalisation makes == a uniqueness check.
//
// Only Value reveals the address. String, GoString, Format (every verb),
// LogValue and MarshalJSON give "[redacted]". One gap fmt cannot close: an
// Address held in an unexported field of another struct is printed field by
// field by %v, so such structs must not be printed with fmt.
type Address struct {
	kind  Kind
	value string
}

// Parse validates s as an address of the given kind.
func Parse(kind Kind, s string) (Address, error) {
	switch kind {
	case Phone:
		return ParsePhone(s)
	case Email:
		return ParseEmail(s)
	default:
		return Address{}, fault.New(fault.Invalid, ErrKindInvalid.Slug)
	}
}

// Kind returns the kind of the address; "" for the zero Address.
func (a Address) Kind() Kind { return a.kind }

// Value returns the normalised address, for sending and for blind indexes.
func (a Address) Value() string { return a.value }

// IsZero reports whether a is the zero Address.
func (a Address) IsZero() bool { return a == Address{} }

// String returns "[redacted]".
func (a Address) String() string { return redacted }

// GoString returns "[redacted]".
func (a Address) GoString() string { return redacted }

// Format writes "[redacted]" for every verb.
func (a Address) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]", so slog never shows the address.
func (a Address) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON returns "[redacted]"; responses that must show an address
// encode Value explicitly.
func (a Address) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
