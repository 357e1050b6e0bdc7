// Package person holds validated facts about a person, such as names.
// They are personal data, so they print as "[redacted]" everywhere except
// through Value.
package person

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode"

	"github.com/portalid/portalid/internal/fault"
)

// ErrNameInvalid is the fault for a name ParseName refuses.
var ErrNameInvalid = fault.New(fault.Invalid, "name-invalid")

func nameInvalid() error { return fault.New(fault.Invalid, ErrNameInvalid.Slug) }

// MaxNameLength is the longest name, in characters (runes), of SPEC §2.1.
const MaxNameLength = 100

// maxNameInput bounds the raw input in bytes before trimming and collapsing
// (100 runes of up to 4 bytes, four times over for white space and combining
// marks), so that a huge request body costs nothing to refuse.
const maxNameInput = 4 * 4 * MaxNameLength

const redacted = "[redacted]"

// Name is a validated surname, given name or patronymic. The zero Name is
// no name.
//
// Only Value reveals the name. String, GoString, Format (every verb),
// LogValue and MarshalJSON give "[redacted]". As with any type, a Name held
// in an unexported field of another struct is printed field by field by %v,
// so such structs must not be printed with fmt.
type Name struct{ v string }

// ParseName validates s as a name (SPEC §2.1) and returns it normalised.
//
// Outer white space is trimmed and every inner run of white space becomes
// one space. What remains is 1–100 characters: letters of the Cyrillic or
// Latin scripts (ё, é, ß and the like included), and the separators hyphen,
// space and apostrophe (' or ’), never two separators in a row, starting
// and ending with a letter. The letters are kept as typed (case included),
// except that a decomposed й/Й or ё/Ё (и/е followed by a combining breve or
// diaeresis) is composed into one letter; other combining marks are refused.
func ParseName(s string) (Name, error) {
	if len(s) > maxNameInput {
		return Name{}, nameInvalid()
	}
	var (
		out     = make([]rune, 0, MaxNameLength)
		prevSep bool // the last rune kept is a separator
		space   bool // white space seen since the last rune kept
	)
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			if prevSep {
				return Name{}, nameInvalid()
			}
			out = append(out, ' ')
			prevSep, space = true, false
		}
		switch {
		case isCombining(r):
			if len(out) == 0 {
				return Name{}, nameInvalid()
			}
			c, ok := compose(out[len(out)-1], r)
			if !ok {
				return Name{}, nameInvalid()
			}
			out[len(out)-1] = c
		case isLetter(r):
			out = append(out, r)
			prevSep = false
		case isSeparator(r):
			if prevSep || len(out) == 0 {
				return Name{}, nameInvalid()
			}
			out = append(out, r)
			prevSep = true
		default:
			return Name{}, nameInvalid()
		}
		if len(out) > MaxNameLength {
			return Name{}, nameInvalid()
		}
	}
	if len(out) == 0 || prevSep {
		return Name{}, nameInvalid()
	}
	return Name{v: string(out)}, nil
}

func isLetter(r rune) bool {
	return unicode.IsLetter(r) && (unicode.Is(unicode.Cyrillic, r) || unicode.Is(unicode.Latin, r))
}

func isSeparator(r rune) bool { return r == '-' || r == '\'' || r == '’' }

// The combining marks that decomposed Russian letters use.
const (
	combiningDiaeresis = '\u0308'
	combiningBreve     = '\u0306'
)

func isCombining(r rune) bool { return unicode.Is(unicode.Mn, r) }

// compose returns the precomposed form of letter followed by mark, for the
// Russian letters й, Й, ё and Ё only.
func compose(letter, mark rune) (rune, bool) {
	switch {
	case letter == 'и' && mark == combiningBreve:
		return 'й', true
	case letter == 'И' && mark == combiningBreve:
		return 'Й', true
	case letter == 'е' && mark == combiningDiaeresis:
		return 'ё', true
	case letter == 'Е' && mark == combiningDiaeresis:
		return 'Ё', true
	}
	return 0, false
}

// Value returns the normalised name.
func (n Name) Value() string { return n.v }

// IsZero reports whether n is the zero Name.
func (n Name) IsZero() bool { return n.v == "" }

// String returns "[redacted]".
func (n Name) String() string { return redacted }

// GoString returns "[redacted]".
func (n Name) GoString() string { return redacted }

// Format writes "[redacted]" for every verb.
func (n Name) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]", so slog never shows the name.
func (n Name) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON returns "[redacted]"; responses that must show a name encode
// Value explicitly.
func (n Name) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
