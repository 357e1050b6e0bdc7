// Package challenge holds what every flow that proves control of a phone or
// an e-mail address shares (registration, recovery, contact change; SPEC
// §2.1–2.2): codes drawn from crypto/rand and stored only as keyed hashes,
// the send limits per contact and per client address, the minimum interval
// between sends, attempts counted before comparing, constant-time
// comparison, and the retry loop of optimistic writes. The flows keep their
// own state, expiry and persistence; this package reads no clock and does no
// I/O but through the Sender a caller passes.
package challenge

import (
	"context"
	"errors"
	"time"

	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/retry"
)

// The outcomes a client can meet, by slug, whatever the flow.
var (
	ErrSendLimit         = fault.New(fault.RateLimited, "send-limit-reached")
	ErrResendTooSoon     = fault.New(fault.RateLimited, "resend-too-soon")
	ErrCodeMismatch      = fault.New(fault.Invalid, "code-mismatch")
	ErrCodeExpired       = fault.New(fault.Invalid, "code-expired")
	ErrAttemptsExhausted = fault.New(fault.Conflict, "code-attempts-exhausted")
	ErrCodeSuperseded    = fault.New(fault.Conflict, "code-superseded")
)

// Sender delivers a rendered template to a phone or an e-mail address.
type Sender interface {
	Send(ctx context.Context, kind, address, template, locale string, params map[string]string) error
}

// ContactKey names a contact by its blind index.
type ContactKey struct {
	Kind  contact.Kind
	Index string
}

// SendKey is the counter log of the sends to the contact. Every flow counts
// under the same key: the limit is on messages reaching one phone or one
// mailbox, whichever flow asks for them.
func (k ContactKey) SendKey() string { return "send#" + string(k.Kind) + "#" + k.Index }

// LogWrite is a counter log to store, with the time it stops mattering.
type LogWrite struct {
	Log     limit.Log
	Expires time.Time
}

// Template names the message of a notice for the channel of a contact
// kind: base+"-sms" for a phone, base+"-mail" for an e-mail address.
func Template(base string, kind contact.Kind) string {
	if kind == contact.Phone {
		return base + "-sms"
	}
	return base + "-mail"
}

// MaxRaces bounds how often one request re-reads and retries after losing
// an optimistic-locking race to a concurrent request on the same items.
const MaxRaces = 8

// Backoff is retry.Backoff, kept here for the flows that use the
// challenge's retry loop.
var Backoff = retry.Backoff

// Retry runs try until it returns anything but changed (compared with
// errors.Is), backing off before each further try; after MaxRaces lost
// races it returns busy. try gets the race number, 0 the first time, so
// that it re-reads what moved on before trying again.
func Retry(ctx context.Context, changed, busy error, try func(race int) error) error {
	for race := 0; race < MaxRaces; race++ {
		if err := Backoff(ctx, race); err != nil {
			return err
		}
		if err := try(race); !errors.Is(err, changed) {
			return err
		}
	}
	return busy
}
