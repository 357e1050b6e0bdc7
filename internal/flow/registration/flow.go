// Package registration is the flow of SPEC §2.1: start with a name and a
// phone and/or e-mail, confirm the contact with an SMS code or an e-mail
// link, set a password, and come out with a simplified account.
package registration

import (
	"io"
	"time"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/secret"
)

// The outcomes a client can meet, by slug. The code outcomes are those of
// every flow that sends codes (package challenge).
var (
	ErrNotFound          = fault.New(fault.NotFound, "registration-not-found")
	ErrCompleted         = fault.New(fault.Conflict, "registration-completed")
	ErrChanged           = fault.New(fault.Conflict, "registration-changed")
	ErrBusy              = fault.New(fault.Unavailable, "registration-busy")
	ErrSendLimit         = challenge.ErrSendLimit
	ErrResendTooSoon     = challenge.ErrResendTooSoon
	ErrCodeMismatch      = challenge.ErrCodeMismatch
	ErrCodeExpired       = challenge.ErrCodeExpired
	ErrAttemptsExhausted = challenge.ErrAttemptsExhausted
	ErrCodeSuperseded    = challenge.ErrCodeSuperseded
	ErrAlreadyConfirmed  = fault.New(fault.Conflict, "contact-already-confirmed")
	ErrNotConfirmed      = fault.New(fault.Conflict, "contact-not-confirmed")
	ErrContactTaken      = fault.New(fault.Conflict, "contact-taken")
)

// Sender delivers a rendered template to a phone or an e-mail address.
type Sender = challenge.Sender

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
	challenge challenge.Codes
}

// New returns the flow over its dependencies.
func New(d Deps) *Flow {
	return &Flow{Deps: d, challenge: challenge.New(d.Codes, d.Index, d.Rand, d.Limits)}
}

// Hash purposes: every keyed hash names what it is for, so that equal
// inputs used for different purposes never collide.
const (
	purposeSMSCode    = "sms-code"
	purposeEmailToken = "email-token"
)
