// Package fault defines the client-meaningful outcomes of the use cases:
// a stable slug, a category (Kind) and optional field errors. Only the
// inbound edges (httpapi, task) translate them to transport details.
package fault

import (
	"errors"
	"time"
)

// Kind is the category of a fault; the transport status derives from it.
type Kind int

// The kinds of fault. Unknown (zero) means the error is not a fault.
const (
	Unknown Kind = iota
	Invalid
	Conflict
	NotFound
	Unauthenticated
	Forbidden
	RateLimited
	Unavailable
	TooLarge
)

var kindNames = [...]string{"unknown", "invalid", "conflict", "not-found", "unauthenticated", "forbidden", "rate-limited", "unavailable", "too-large"}

// String returns the kind's name as used in logs.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Field names one invalid input field: a JSON pointer into the request body
// and a reason slug. It never carries the input value.
type Field struct {
	Pointer string `json:"pointer"`
	Reason  string `json:"reason"`
}

// Error is a client-meaningful outcome.
type Error struct {
	Kind       Kind
	Slug       string
	Fields     []Field
	RetryAfter time.Duration
}

// Error returns the slug; it never contains input values.
func (e *Error) Error() string { return e.Slug }

// Is reports whether target is a fault with the same slug, so that
// errors.Is(err, flow.ErrCodeExpired) works through wrapping.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Slug == e.Slug
}

// New returns a fresh fault of the given kind and slug.
func New(kind Kind, slug string) *Error { return &Error{Kind: kind, Slug: slug} }

// InvalidFields returns an Invalid fault listing the failing fields.
func InvalidFields(fields ...Field) *Error {
	return &Error{Kind: Invalid, Slug: "validation-failed", Fields: fields}
}

// Limited returns a RateLimited fault that tells the client when to retry.
func Limited(slug string, retryAfter time.Duration) *Error {
	return &Error{Kind: RateLimited, Slug: slug, RetryAfter: retryAfter}
}

// As returns the fault in err's chain, if any.
func As(err error) (*Error, bool) {
	var f *Error
	if errors.As(err, &f) {
		return f, true
	}
	return nil, false
}

// Fields collects field errors; Err returns nil when there are none.
type Fields []Field

// Add records a failing field.
func (fs *Fields) Add(pointer, reason string) {
	*fs = append(*fs, Field{Pointer: pointer, Reason: reason})
}

// Err returns a validation fault for the collected fields, or nil.
func (fs Fields) Err() error {
	if len(fs) == 0 {
		return nil
	}
	return InvalidFields(fs...)
}
