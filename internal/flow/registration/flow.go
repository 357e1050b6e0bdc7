// Package registration is the flow of SPEC §2.1: start with a name and a
// phone and/or e-mail, confirm the contact with an SMS code or an e-mail
// link, set a password, and come out with a simplified account.
package registration

import (
	"context"
	"io"
	"math/rand/v2"
	"time"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/secret"
)

// The outcomes a client can meet, by slug.
var (
	ErrNotFound          = fault.New(fault.NotFound, "registration-not-found")
	ErrCompleted         = fault.New(fault.Conflict, "registration-completed")
	ErrChanged           = fault.New(fault.Conflict, "registration-changed")
	ErrBusy              = fault.New(fault.Unavailable, "registration-busy")
	ErrSendLimit         = fault.New(fault.RateLimited, "send-limit-reached")
	ErrResendTooSoon     = fault.New(fault.RateLimited, "resend-too-soon")
	ErrCodeMismatch      = fault.New(fault.Invalid, "code-mismatch")
	ErrCodeExpired       = fault.New(fault.Invalid, "code-expired")
	ErrAttemptsExhausted = fault.New(fault.Conflict, "code-attempts-exhausted")
	ErrCodeSuperseded    = fault.New(fault.Conflict, "code-superseded")
	ErrAlreadyConfirmed  = fault.New(fault.Conflict, "contact-already-confirmed")
	ErrNotConfirmed      = fault.New(fault.Conflict, "contact-not-confirmed")
	ErrContactTaken      = fault.New(fault.Conflict, "contact-taken")
)

// Sender delivers a rendered template to a phone or an e-mail address.
type Sender interface {
	Send(ctx context.Context, kind, address, template, locale string, params map[string]string) error
}

// Deps is what the flow needs; main builds it once at cold start.
type Deps struct {
	Store    Store
	Sender   Sender
	Index    secret.Hasher // blind indexes of contacts and client addresses
	Codes    secret.Hasher // hashes of codes and link tokens
	Argon2   secret.Argon2
	Policy   secret.Policy
	Limits   config.Registration
	LinkBase string           // where the web client confirms e-mail links
	Now      func() time.Time // time.Now in production
	Rand     io.Reader        // crypto/rand.Reader in production
}

// Flow runs registrations.
type Flow struct {
	Deps
	sends limit.Window
}

// New returns the flow over its dependencies.
func New(d Deps) *Flow {
	return &Flow{Deps: d, sends: limit.Window{Limit: d.Limits.SendLimit, Period: d.Limits.SendWindow}}
}

// backoff waits a random moment before the next try after a lost race,
// longer with each race, so that contenders spread out.
func backoff(ctx context.Context, race int) error {
	if race == 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(rand.Int64N(int64(race) * int64(5*time.Millisecond))))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// maxRaces bounds how often one request re-reads and retries after losing
// an optimistic-locking race to a concurrent request on the same items.
const maxRaces = 8

// Hash purposes: every keyed hash names what it is for, so that equal
// inputs used for different purposes never collide.
const (
	purposeSMSCode    = "sms-code"
	purposeEmailToken = "email-token"
	purposeIP         = "client-ip"
)
