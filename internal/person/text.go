package person

// Text is personal data held as free text: a postal address line, a name
// as a letter prints it. It prints as "[redacted]"; only Value shows it.
type Text struct {
	redaction
	v string
}

// NewText wraps s, which the caller has validated.
func NewText(s string) Text { return Text{v: s} }

// Value returns the text.
func (t Text) Value() string { return t.v }

// IsZero reports whether t holds no text.
func (t Text) IsZero() bool { return t.v == "" }
