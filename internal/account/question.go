package account

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/fault"
)

// The faults of ParseQuestion and ParseAnswer.
var (
	ErrQuestionInvalid = fault.New(fault.Invalid, "security-question-invalid")
	ErrAnswerInvalid   = fault.New(fault.Invalid, "security-answer-invalid")
)

// Bounds of a security question and answer, in characters after
// normalising; maxSecretInput bounds the raw input, in bytes.
const (
	minQuestion    = 3
	maxQuestion    = 200
	minAnswer      = 1
	maxAnswer      = 100
	maxSecretInput = 1024
)

// ParseQuestion validates a security question the person wrote: outer
// space trimmed, inner runs of space collapsed to one, 3–200 characters,
// no control characters. The question is kept as written otherwise, to be
// shown back to its author.
func ParseQuestion(s string) (string, error) {
	q, ok := collapse(s)
	if !ok || utf8.RuneCountInString(q) < minQuestion || utf8.RuneCountInString(q) > maxQuestion {
		return "", fault.New(fault.Invalid, ErrQuestionInvalid.Slug)
	}
	return q, nil
}

// Answer is a normalised security-question answer. It prints as
// "[redacted]"; Value gives the normalised text, to hash.
type Answer struct{ v string }

// ParseAnswer normalises an answer so that the ways a person may type the
// same answer compare equal: outer space trimmed, inner runs of space
// collapsed to one, lower case, ё written as е (also when typed as е and a
// combining diaeresis), й composed from и and a combining breve. The result
// has 1–100 characters and no control characters.
func ParseAnswer(s string) (Answer, error) {
	a, ok := collapse(s)
	if !ok {
		return Answer{}, fault.New(fault.Invalid, ErrAnswerInvalid.Slug)
	}
	a = strings.ToLower(a)
	a = strings.NewReplacer("ё", "е", "и\u0306", "й").Replace(a)
	// A diaeresis after е is what is left of a decomposed ё, even doubled.
	for strings.Contains(a, "е\u0308") {
		a = strings.ReplaceAll(a, "е\u0308", "е")
	}
	if n := utf8.RuneCountInString(a); n < minAnswer || n > maxAnswer {
		return Answer{}, fault.New(fault.Invalid, ErrAnswerInvalid.Slug)
	}
	return Answer{v: a}, nil
}

// collapse trims s and collapses its runs of white space to one space; ok
// is false for input that is too long, not UTF-8, or holds control
// characters other than white space.
func collapse(s string) (string, bool) {
	if len(s) > maxSecretInput || !utf8.ValidString(s) {
		return "", false
	}
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == utf8.RuneError:
			return "", false
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// Value returns the normalised answer.
func (a Answer) Value() string { return a.v }

const redacted = "[redacted]"

// String returns "[redacted]".
func (Answer) String() string { return redacted }

// GoString returns "[redacted]".
func (Answer) GoString() string { return redacted }

// Format writes "[redacted]" for every verb.
func (Answer) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]".
func (Answer) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON returns "[redacted]".
func (Answer) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
