// Package recovery is password recovery (SPEC §2.2): a 6-digit code to the
// confirmed contact a login names, checked in one counted attempt together
// with the SNILS of a standard or confirmed account and the security answer
// when one is set, then a new password that revokes every session and is
// told to every confirmed contact. A login that names no account gets the
// same answers, and nothing is sent.
package recovery

import (
	"io"
	"time"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/secret"
)

// The outcomes a client can meet, by slug, besides those of every flow
// that sends codes (challenge.ErrSendLimit, ErrResendTooSoon,
// ErrCodeExpired, ErrAttemptsExhausted, ErrCodeSuperseded).
var (
	ErrNotFound         = fault.New(fault.NotFound, "recovery-not-found")
	ErrCompleted        = fault.New(fault.Conflict, "recovery-completed")
	ErrAlreadyConfirmed = fault.New(fault.Conflict, "recovery-already-confirmed")
	ErrNotConfirmed     = fault.New(fault.Conflict, "recovery-not-confirmed")
	ErrMismatch         = fault.New(fault.Invalid, "recovery-mismatch")
	ErrChanged          = fault.New(fault.Conflict, "recovery-changed")
	ErrBusy             = fault.New(fault.Unavailable, "recovery-busy")
)

// Deps is what the flow needs; main builds it once at cold start.
type Deps struct {
	Store  Store
	Sender challenge.Sender
	Index  secret.Hasher // blind indexes of contacts, SNILS and client addresses
	Codes  secret.Hasher // hashes of codes
	Argon2 secret.Argon2
	Policy secret.Policy
	// Limits are the code numbers of SPEC §2.1, which recovery codes
	// follow: lifetime, resend interval, sends, attempts.
	Limits config.Registration
	TTL    time.Duration    // how long a recovery may be completed
	Now    func() time.Time // time.Now in production
	Rand   io.Reader        // crypto/rand.Reader in production
}

// Flow runs password recoveries.
type Flow struct {
	Deps
	challenge challenge.Codes
	// dummy is the argon2id hash of a random answer: checking an account
	// without a security answer costs the same as one with.
	dummy string
}

// New returns the flow; it hashes the dummy answer once.
func New(d Deps) (*Flow, error) {
	dummy, err := d.Argon2.Dummy(d.Rand)
	if err != nil {
		return nil, err
	}
	return &Flow{Deps: d, challenge: challenge.New(d.Codes, d.Index, d.Rand, d.Limits), dummy: dummy}, nil
}

// Hash and index purposes.
const (
	purposeCode = "recovery-code"
	// purposeSNILS is the blind index of a SNILS, the same one sign-in
	// looks SNILS logins up by.
	purposeSNILS = "snils"
)
