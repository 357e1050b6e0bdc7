package recovery

import (
	"context"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/limit"
)

// Store persists recoveries. Every write is conditional: a write that lost
// a race returns ErrChanged, never overwrites.
type Store interface {
	// Owners reads, in one round trip, the account each contact belongs
	// to (absent when none) and the counter logs of the keys.
	Owners(ctx context.Context, contacts []challenge.ContactKey, logKeys []string) (map[challenge.ContactKey]string, map[string]limit.Log, error)
	// Logs reads counter logs; a missing log comes back empty, version 0.
	Logs(ctx context.Context, keys []string) (map[string]limit.Log, error)
	// Recovery reads a recovery; ErrNotFound when there is none.
	Recovery(ctx context.Context, id string) (Recovery, error)
	// SaveRecovery writes the recovery and the logs in one transaction,
	// each on the condition that it is still at the version it was read
	// at (version 1 means "must not exist").
	SaveRecovery(ctx context.Context, r Recovery, logs []challenge.LogWrite) error
	// CountRecoveryAttempt adds one attempt to the recovery's code unless
	// it is confirmed or has max attempts already, and returns the
	// recovery after the write (counted) or as it stood (not counted).
	// ErrNotFound when there is no such recovery.
	CountRecoveryAttempt(ctx context.Context, id string, max int) (r Recovery, counted bool, err error)
	// ConfirmRecovery marks the recovery confirmed, on the condition that
	// its code hash is still codeHash and it is not confirmed; else
	// ErrChanged.
	ConfirmRecovery(ctx context.Context, id string, codeHash []byte, at time.Time) error
	// Account reads an account.
	Account(ctx context.Context, id string) (account.Account, error)
	// ResetPassword sets the account's password hash, clears a required
	// reset, revokes every session opened before at, appends the events
	// and completes the recovery, in one transaction; ErrChanged when the
	// account's events or the recovery moved on.
	ResetPassword(ctx context.Context, r Recovery, passwordHash string, at time.Time, ev event.Append) error
}
