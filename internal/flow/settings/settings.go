// Package settings is what a signed-in person does with their own account
// (SPEC §2.2): see it, list and verify their security events, mark an event
// "this was not me", change the password (current one required), set a
// security question, add or change the phone or e-mail (re-confirmed by a
// code), and choose the notification channels.
package settings

import (
	"context"
	"io"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/secret"
)

// The outcomes a client can meet, besides the code outcomes of a contact
// change, which are those of every flow that sends codes (challenge.Err…).
var (
	ErrEventNotFound    = fault.New(fault.NotFound, "event-not-found")
	ErrCursorInvalid    = fault.New(fault.Invalid, "cursor-invalid")
	ErrChanged          = fault.New(fault.Conflict, "account-changed")
	ErrBusy             = fault.New(fault.Unavailable, "account-busy")
	ErrKindUnknown      = fault.New(fault.NotFound, "contact-kind-unknown")
	ErrContactUnchanged = fault.New(fault.Conflict, "contact-unchanged")
	ErrContactTaken     = fault.New(fault.Conflict, "contact-taken")
	ErrNoContactChange  = fault.New(fault.NotFound, "contact-change-not-found")
	ErrPasswordWrong    = session.ErrPasswordWrong
)

// Store reads events and persists the changes of settings. Writes that
// lost a race return ErrChanged.
type Store interface {
	// Events lists up to limit events older than before (0: the newest),
	// newest first.
	Events(ctx context.Context, accountID string, before int64, limit int) ([]event.Event, error)
	// AllEvents lists every retained event, oldest first.
	AllEvents(ctx context.Context, accountID string) ([]event.Event, error)
	Account(ctx context.Context, id string) (account.Account, error)
	// RequireReset revokes every session opened before notBefore and
	// blocks sign-in until a password reset, with the events.
	RequireReset(ctx context.Context, notBefore time.Time, ev event.Append) error
	// ChangePassword sets the password hash and revokes every session
	// opened before at, with the events.
	ChangePassword(ctx context.Context, passwordHash string, at time.Time, ev event.Append) error
	// SetSecurityQuestion stores the question and the answer's hash, with
	// the events.
	SetSecurityQuestion(ctx context.Context, question, answerHash string, ev event.Append) error
	// SetNotificationChannels stores the preferred channels.
	SetNotificationChannels(ctx context.Context, accountID string, channels []string) error
	// ContactChange reads, in one round trip, the account's pending change
	// of the kind (version 0 when none), the account the new contact
	// belongs to ("" when none) and the counter logs.
	ContactChange(ctx context.Context, accountID string, kind contact.Kind, to challenge.ContactKey, logKeys []string) (c ContactChange, owner string, logs map[string]limit.Log, err error)
	// SaveContactChange writes the pending change and the logs in one
	// transaction, each at the version it was read at.
	SaveContactChange(ctx context.Context, c ContactChange, logs []challenge.LogWrite) error
	// CountContactChangeAttempt adds one attempt to the pending change's
	// code unless it has max attempts, and returns the change after the
	// write (counted) or as it stood; ErrNoContactChange when none.
	CountContactChangeAttempt(ctx context.Context, accountID string, kind contact.Kind, max int) (c ContactChange, counted bool, err error)
	// CommitContactChange, in one transaction: sets the account's
	// contacts with the events, claims the new contact, frees the old one
	// (nil when the kind is new to the account) and consumes the change,
	// whose code must still be the one checked. ErrContactTaken when the
	// new contact was claimed meanwhile, challenge.ErrCodeSuperseded when
	// a new code replaced the change, ErrChanged when the account moved on.
	CommitContactChange(ctx context.Context, c ContactChange, old *account.Contact, contacts []account.Contact, ev event.Append) error
}

// Sessions is what the changes need of sign-in: a second look at the
// password, counted like a sign-in, and a fresh session after a change
// that ended all of them.
type Sessions interface {
	Reauthenticate(ctx context.Context, p session.Principal, password string) error
	Reopen(ctx context.Context, a account.Account, c session.Client) (session.Tokens, error)
}

// Flow serves a signed-in person's own account. Listing and verifying
// events needs Store and Now only; the changes need the rest.
type Flow struct {
	Store    Store
	Now      func() time.Time
	Sessions Sessions
	Sender   challenge.Sender
	Index    secret.Hasher // blind indexes of contacts
	Codes    challenge.Codes
	Argon2   secret.Argon2
	Policy   secret.Policy
	Rand     io.Reader // crypto/rand.Reader in production
}

// retry runs a write that appends events to the account, re-reading the
// account after a lost race so the events chain after the newest head.
func (f *Flow) retry(ctx context.Context, a account.Account, write func(account.Account) error) (account.Account, error) {
	err := challenge.Retry(ctx, ErrChanged, ErrBusy, func(race int) error {
		if race > 0 {
			var err error
			if a, err = f.Store.Account(ctx, a.ID); err != nil {
				return err
			}
		}
		return write(a)
	})
	return a, err
}

// verified runs a write that the current password was checked for: after
// a lost race it re-reads the account, and if the password changed
// meanwhile the one checked is no longer current.
func (f *Flow) verified(ctx context.Context, p session.Principal, write func(account.Account) error) (account.Account, error) {
	return f.retry(ctx, p.Account, func(a account.Account) error {
		if a.PasswordHash != p.Account.PasswordHash {
			return ErrPasswordWrong
		}
		return write(a)
	})
}

// after returns the account as it is once ap is appended.
func after(a account.Account, ap event.Append) account.Account {
	last := ap.Events[len(ap.Events)-1]
	a.Events = event.Head{Seq: last.Seq, Hash: last.Hash}
	return a
}

// reason is the slug of a validation fault, for a field error.
func reason(err error) string {
	if f, ok := fault.As(err); ok {
		return f.Slug
	}
	return "invalid"
}
