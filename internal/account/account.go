// Package account holds the account as the domain sees it: its level, its
// contacts and the rules for moving between levels. It reads no clock and
// knows no storage.
package account

import (
	"encoding/base32"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/event"
)

// Level is how far the person's identity has been established (SPEC §1).
type Level string

// The levels, lowest first.
const (
	Simplified Level = "simplified"
	Standard   Level = "standard"
	Confirmed  Level = "confirmed"
)

// The notification channels a person may prefer, and the contact kind
// each needs.
const (
	ChannelSMS   = "sms"   // needs a phone
	ChannelEmail = "email" // needs an e-mail address
)

// Contact is a confirmed login contact of an account.
type Contact struct {
	Kind        string // "phone" or "email"
	Address     string // normalised E.164 phone or lower-cased e-mail
	Index       string // blind index of Address
	ConfirmedAt time.Time
}

// Account is a person's account.
type Account struct {
	ID              string
	Version         int64
	Level           Level
	Surname         string
	GivenName       string
	Locale          string
	Contacts        []Contact
	PasswordHash    string
	TermsVersion    string
	TermsAcceptedAt time.Time
	CreatedAt       time.Time
	// Events is the head of the account's security-event chain.
	Events event.Head
	// SessionsNotBefore revokes every session opened before it: sign out
	// everywhere, a password change or reset, "this was not me".
	SessionsNotBefore time.Time
	// ResetRequired blocks sign-in until the password is reset (after the
	// person marked an event "this was not me").
	ResetRequired bool
	// SNILSIndex is the blind index of the person's SNILS, once the
	// account has one (standard and confirmed accounts); recovery compares
	// it with the SNILS the person gives.
	SNILSIndex string
	// ForeignDocumentIndex is the blind index of a foreign citizen's
	// identity document, once a registry check passed it (SPEC §2.5).
	// Such an account may have no SNILS; recovery then asks for none.
	ForeignDocumentIndex string
	// SecurityQuestion is the person's own question; SecurityAnswerHash is
	// the argon2id hash of the normalised answer ("" when none is set).
	SecurityQuestion   string
	SecurityAnswerHash string
	// NotificationChannels are the channels the person prefers for
	// notices (ChannelSMS, ChannelEmail), each backed by a confirmed
	// contact; empty means every confirmed contact. Security notices go
	// to every confirmed contact whatever the preference.
	NotificationChannels []string
	// ConfirmationMethod is how a confirmed account was confirmed; ""
	// below confirmed.
	ConfirmationMethod Method
}

// Contact returns the account's contact of the kind ("phone", "email").
func (a Account) Contact(kind string) (Contact, bool) {
	for _, c := range a.Contacts {
		if c.Kind == kind {
			return c, true
		}
	}
	return Contact{}, false
}

// AtLeast reports whether the account's level is l or higher.
func (a Account) AtLeast(l Level) bool { return rank[a.Level] >= rank[l] }

var rank = map[Level]int{Simplified: 1, Standard: 2, Confirmed: 3}

// Personal lists what a password must not equal or contain
// (secret.Policy.Check): the names and every contact, phones also by their
// 10-digit national number and e-mails also by their local part.
func (a Account) Personal() []string {
	out := []string{a.Surname, a.GivenName}
	for _, c := range a.Contacts {
		out = append(out, c.Address)
		switch c.Kind {
		case "phone":
			if len(c.Address) > 10 {
				out = append(out, c.Address[len(c.Address)-10:])
			}
		case "email":
			if local, _, ok := strings.Cut(c.Address, "@"); ok {
				out = append(out, local)
			}
		}
	}
	return out
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewID returns a random 128-bit identifier (26 lower-case base32
// characters) read from r, which is crypto/rand.Reader in production.
func NewID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return strings.ToLower(idEncoding.EncodeToString(b[:])), nil
}

// ValidID reports whether s has the shape NewID produces, so that malformed
// identifiers are refused before any storage call.
func ValidID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
