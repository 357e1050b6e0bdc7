package account

import (
	"time"

	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
)

// Method is how a confirmed account's identity was confirmed (SPEC §2.4).
type Method string

// The confirmation methods. Some services refuse accounts confirmed by
// letter (SPEC §2.6), so the method is kept with the level.
const (
	MethodLetter    Method = "letter"
	MethodInPerson  Method = "in_person"
	MethodSignature Method = "signature"
)

// Valid reports whether m is one of the methods.
func (m Method) Valid() bool {
	return m == MethodLetter || m == MethodInPerson || m == MethodSignature
}

// The refusals of Confirm.
var (
	// ErrNotStandard: identity confirmation needs a standard account
	// (passed registry check) first.
	ErrNotStandard = fault.New(fault.Conflict, "level-too-low")
	// ErrAlreadyConfirmed: the account is confirmed already.
	ErrAlreadyConfirmed = fault.New(fault.Conflict, "already-confirmed")
)

// CanConfirm reports whether the account may be raised to confirmed now.
func (a Account) CanConfirm() error {
	switch a.Level {
	case Confirmed:
		return ErrAlreadyConfirmed
	case Standard:
		return nil
	}
	return ErrNotStandard
}

// Confirmation is the raise of an account to confirmed: the method, and
// the level-changed event chained after the account's head. Storage
// writes it in one transaction with the method's own proof (a consumed
// letter code, a consumed challenge, an operator's record), on the
// condition that the chain head has not moved.
type Confirmation struct {
	Method Method
	Events event.Append
}

// Confirm raises the account to confirmed by method at now; details add
// identifiers (a letter id, an operator and centre) to the event, never
// personal data.
func (a Account) Confirm(m Method, now time.Time, o event.Origin, details map[string]string) (Confirmation, error) {
	if !m.Valid() {
		return Confirmation{}, fault.New(fault.Invalid, "unknown-method")
	}
	if err := a.CanConfirm(); err != nil {
		return Confirmation{}, err
	}
	d := map[string]string{"from": string(a.Level), "to": string(Confirmed), "method": string(m)}
	for k, v := range details {
		d[k] = v
	}
	return Confirmation{Method: m, Events: event.Chain(a.ID, a.Events, now, o, d, event.LevelChanged)}, nil
}
