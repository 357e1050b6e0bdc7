// Package session is sign-in and sessions (SPEC §2.2): login by phone,
// e-mail or SNILS with lockouts, short-lived signed access tokens,
// rotating refresh tokens whose reuse revokes the family, logout and
// sign-out everywhere.
package session

import (
	"io"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/token"
)

// The outcomes a client can meet.
var (
	ErrLoginFailed     = fault.New(fault.Unauthenticated, "login-failed")
	ErrLoginLocked     = fault.New(fault.RateLimited, "login-locked")
	ErrTooManyFailures = fault.New(fault.RateLimited, "login-rate-limited")
	ErrResetRequired   = fault.New(fault.Forbidden, "password-reset-required")
	ErrRefreshInvalid  = fault.New(fault.Unauthenticated, "refresh-token-invalid")
	ErrRefreshReused   = fault.New(fault.Unauthenticated, "refresh-token-reused")
	ErrSessionInvalid  = fault.New(fault.Unauthenticated, "session-invalid")
	ErrChanged         = fault.New(fault.Conflict, "session-changed")
	ErrBusy            = fault.New(fault.Unavailable, "session-busy")
	ErrAccountNotFound = fault.New(fault.NotFound, "account-not-found")
	ErrMissingBearer   = fault.New(fault.Unauthenticated, "authentication-required")
)

// Deps is what the flow needs; main builds it once at cold start.
type Deps struct {
	Store    Store
	Issuer   *token.Issuer
	Verifier *token.Verifier
	Index    secret.Hasher // blind indexes of identifiers and client addresses
	Codes    secret.Hasher // hashes of refresh tokens
	Argon2   secret.Argon2
	Limits   config.Session
	Now      func() time.Time
	Rand     io.Reader
}

// Flow runs sign-ins and sessions.
type Flow struct {
	Deps
	failures, ipFailures limit.Window
	// dummy is a hash of a random password: an unknown identifier costs
	// the same argon2id work as a known one.
	dummy string
}

// New returns the flow; it hashes the dummy password once.
func New(d Deps) (*Flow, error) {
	dummy, err := d.Argon2.Dummy(d.Rand)
	if err != nil {
		return nil, err
	}
	return &Flow{
		Deps:       d,
		failures:   limit.Window{Limit: d.Limits.LoginMaxFailures, Period: d.Limits.LoginWindow},
		ipFailures: limit.Window{Limit: d.Limits.LoginIPFailures, Period: d.Limits.LoginWindow},
		dummy:      dummy,
	}, nil
}

// Tokens is what a sign-in or refresh returns to the client.
type Tokens struct {
	AccessToken    string
	AccessExpires  time.Time
	RefreshToken   string
	RefreshExpires time.Time
	Level          account.Level
}

// Client is where a request came from, recorded with its events.
type Client = event.Origin

const maxRaces = 16

// seal chains events of the given kinds after the account's head.
func seal(a account.Account, c Client, at time.Time, kinds []event.Kind, details map[string]string) event.Append {
	return event.Chain(a.ID, a.Events, at, event.Origin(c), details, kinds...)
}

// expiry is when a session signed in at created ends if refreshed at now:
// RefreshTokenTTL later, but never after its absolute lifetime,
// SessionMaxAge from the sign-in (ASVS 3.3.2). As usable checks ExpiresAt,
// the cap holds for refresh and access tokens alike.
func (f *Flow) expiry(created, now time.Time) time.Time {
	end := now.Add(f.Limits.RefreshTokenTTL)
	if last := created.Add(f.Limits.SessionMaxAge); last.Before(end) {
		return last
	}
	return end
}

// usable reports whether a session may be used at now.
func usable(s Session, a account.Account, now time.Time) bool {
	return !s.Revoked && now.Before(s.ExpiresAt) && !s.CreatedAt.Before(a.SessionsNotBefore) && !a.ResetRequired
}
