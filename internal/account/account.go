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
