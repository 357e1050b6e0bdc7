// Package registry is the port to the state registries that check a
// person's documents (SPEC §2.3, §2.5): the pension fund checks a SNILS,
// the migration service an RF passport or a foreign citizen's identity
// document. A request is handed over with the task
// token of the workflow step waiting for it, and the registry answers
// later, asynchronously, through an Answerer. The package also holds a
// simulator of both registries for make run and the tests.
package registry

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/portalid/portalid/internal/fault"
)

// The items a registry checks.
const (
	SNILS           = "snils"            // pension fund
	Passport        = "passport"         // migration service
	ForeignDocument = "foreign-document" // migration service
)

// Known reports whether item is one a registry checks.
func Known(item string) bool {
	return item == SNILS || item == Passport || item == ForeignDocument
}

// The outcomes a registry answers with.
const (
	Passed = "passed"
	Failed = "failed"
)

// ErrUnavailable reports a registry that did not take the request: down,
// overloaded, or unreachable. The caller may try again later.
var ErrUnavailable = fault.New(fault.Unavailable, "registry-unavailable")

// Document is the normalised value a registry checks: 11 SNILS digits,
// the 4-digit series and 6-digit number of a passport run together, or a
// foreign document as NewForeignDocument writes it. It is
// personal data: it prints as "[redacted]" through fmt, slog and JSON,
// and only Reveal shows it.
type Document struct{ v string }

// NewDocument wraps a normalised value.
func NewDocument(v string) Document { return Document{v: v} }

// NewForeignDocument wraps a foreign identity document: its type, issuing
// country and normalised number joined by "/" ("passport/KAZ/AB 1234567";
// none of the three contains a "/").
func NewForeignDocument(docType, country, number string) Document {
	return Document{v: docType + "/" + country + "/" + number}
}

// Reveal returns the value, for the request to the registry only.
func (d Document) Reveal() string { return d.v }

// String returns "[redacted]".
func (Document) String() string { return "[redacted]" }

// GoString returns "[redacted]".
func (Document) GoString() string { return "[redacted]" }

// Format writes "[redacted]" for every verb.
func (Document) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("[redacted]")) }

// LogValue returns "[redacted]".
func (Document) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// MarshalJSON returns "[redacted]".
func (Document) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }

// Request is one check handed to a registry.
type Request struct {
	// AccountID and CheckID name the check the request belongs to; the
	// answer carries them back.
	AccountID string
	CheckID   string
	Item      string // SNILS, Passport or ForeignDocument
	Document  Document
	// Token is the task token the answer must carry back; it is a bearer
	// credential for the waiting step, never logged.
	Token string
}

// Result is a registry's answer. AccountID and CheckID name the check it
// answers (from the Request); they stay out of the JSON, so the waiting
// step's output is {item, outcome, reason}.
type Result struct {
	AccountID string `json:"-"`
	CheckID   string `json:"-"`
	Item      string `json:"item"`
	Outcome   string `json:"outcome"`          // Passed or Failed
	Reason    string `json:"reason,omitempty"` // a kebab-case slug when Failed
}

// Answerer takes a registry's answer back to the step waiting for it.
type Answerer interface {
	Answer(ctx context.Context, token string, r Result) error
}
