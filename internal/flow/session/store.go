package session

import (
	"context"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/limit"
)

// Key names a login identifier by its blind index: kind "phone", "email"
// or "snils".
type Key struct {
	Kind  string
	Index string
}

// Lock is the failure history of one login identifier, whether or not an
// account has it, so that locking reveals nothing.
type Lock struct {
	Key         string
	Failures    []time.Time
	LockedUntil time.Time
	Lockouts    int // lockouts in a row; each doubles the next
	Version     int64
}

// Session is one refresh-token family.
type Session struct {
	ID        string
	AccountID string
	Hash      []byte   // keyed hash of the current refresh token
	Previous  [][]byte // hashes of recently spent tokens, newest first
	CreatedAt time.Time
	ExpiresAt time.Time
	Revoked   bool
	Version   int64
}

// LoginState is what a sign-in reads in one round trip.
type LoginState struct {
	AccountIDs []string // per candidate key, "" when no account has it
	Lock       Lock
	IPLog      limit.Log
}

// Store persists sessions, locks and events. A write that lost a race
// returns ErrChanged.
type Store interface {
	LoginState(ctx context.Context, keys []Key, lockKey, ipKey string) (LoginState, error)
	Account(ctx context.Context, id string) (account.Account, error)
	// RecordFailure writes the lock and the address log, and the events
	// when the identifier names an account (ev may be nil).
	RecordFailure(ctx context.Context, lock Lock, ipLog limit.Log, expires time.Time, ev *event.Append) error
	// OpenSession writes a new session with its login event and resets
	// the identifier's lock; a rehash that is not empty replaces the
	// account's password hash in the same transaction.
	OpenSession(ctx context.Context, s Session, ev event.Append, lock Lock, rehash string) error
	// SessionAndAccount reads both in one round trip; ErrSessionInvalid
	// when either is missing.
	SessionAndAccount(ctx context.Context, sessionID, accountID string) (Session, account.Account, error)
	// Rotate replaces the session's token hash if it is still s.Hash.
	Rotate(ctx context.Context, s Session, next []byte, expires time.Time) error
	// Revoke ends one session and records the events.
	Revoke(ctx context.Context, sessionID string, ev event.Append) error
	// RevokeAll ends every session of the account opened before notBefore.
	RevokeAll(ctx context.Context, notBefore time.Time, ev event.Append) error
}
