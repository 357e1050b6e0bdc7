package registration

import (
	"context"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/limit"
)

// ContactKey names a login contact by its blind index.
type ContactKey = challenge.ContactKey

// Store persists registrations. Every write is conditional: a write that
// lost a race returns ErrChanged (or ErrContactTaken), never overwrites.
type Store interface {
	// Lookup reads, in one round trip, which contacts already belong to an
	// account and the counter logs of the keys.
	Lookup(ctx context.Context, contacts []ContactKey, logKeys []string) (taken map[ContactKey]bool, logs map[string]limit.Log, err error)
	// Get reads a registration; ErrNotFound when there is none.
	Get(ctx context.Context, id string) (Registration, error)
	// Logs reads counter logs; a missing log comes back empty, version 0.
	Logs(ctx context.Context, keys []string) (map[string]limit.Log, error)
	// Save writes the registration and the logs in one transaction, each
	// on the condition that it is still at the version it was read at
	// (r.Version-1, log.Version-1; version 1 means "must not exist").
	Save(ctx context.Context, r Registration, logs []challenge.LogWrite) error
	// CountAttempt adds one attempt to the channel's code, unless the
	// channel is confirmed or has max attempts already, and returns the
	// registration after the write (counted) or as it stood (not counted).
	// ErrNotFound when there is no such registration.
	CountAttempt(ctx context.Context, id string, kind contact.Kind, max int) (r Registration, counted bool, err error)
	// MarkConfirmed marks the channel confirmed, on the condition that its
	// code hash is still codeHash and it is not confirmed; else ErrChanged.
	MarkConfirmed(ctx context.Context, id string, kind contact.Kind, codeHash []byte, at time.Time) error
	// CreateAccount writes the account with its first security event,
	// claims its contacts and completes the registration in one
	// transaction.
	// ErrContactTaken when a contact belongs to another account by now,
	// ErrChanged when the registration moved on.
	CreateAccount(ctx context.Context, a account.Account, r Registration, created event.Event) error
}
