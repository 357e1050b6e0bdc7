package recovery

import (
	"context"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
)

// PasswordInput sets the new password of a confirmed recovery.
type PasswordInput struct {
	ID       string
	Password string
	Client   event.Origin
}

// Reset is the outcome of a completed recovery. Undelivered holds the
// notices that could not be sent; the reset stands regardless.
type Reset struct {
	AccountID   string
	Undelivered error
}

// SetPassword checks the policy, hashes the password with argon2id and, in
// one transaction, replaces the password, lifts a required reset, revokes
// every session, records the password-reset event and completes the
// recovery. Then every confirmed contact is told.
func (f *Flow) SetPassword(ctx context.Context, in PasswordInput) (Reset, error) {
	if !account.ValidID(in.ID) {
		return Reset{}, ErrNotFound
	}
	r, a, err := f.confirmed(ctx, in.ID)
	if err != nil {
		return Reset{}, err
	}
	if err := f.Policy.Check(in.Password, a.Personal()); err != nil {
		return Reset{}, fault.InvalidFields(fault.Field{Pointer: "/password", Reason: reason(err)})
	}
	hash, err := f.Argon2.Hash(in.Password, f.Rand)
	if err != nil {
		return Reset{}, fmt.Errorf("hash password for recovery %s: %w", r.ID, err)
	}
	err = challenge.Retry(ctx, ErrChanged, ErrBusy, func(race int) error {
		if race > 0 {
			var err error
			if r, a, err = f.confirmed(ctx, in.ID); err != nil {
				return err
			}
		}
		now := f.Now()
		ev := event.Chain(a.ID, a.Events, now, in.Client, map[string]string{"recovery": r.ID}, event.PasswordReset)
		return f.Store.ResetPassword(ctx, r, hash, now, ev)
	})
	if err != nil {
		return Reset{}, fmt.Errorf("reset password for recovery %s: %w", in.ID, err)
	}
	return Reset{
		AccountID:   a.ID,
		Undelivered: challenge.Tell(ctx, f.Sender, a.Contacts, "password-reset", a.Locale, nil),
	}, nil
}

// confirmed reads a recovery that may set a password, and its account.
func (f *Flow) confirmed(ctx context.Context, id string) (Recovery, account.Account, error) {
	r, err := f.Store.Recovery(ctx, id)
	if err != nil {
		return Recovery{}, account.Account{}, fmt.Errorf("recovery %s: %w", id, err)
	}
	if err := r.open(f.Now()); err != nil {
		return Recovery{}, account.Account{}, err
	}
	if !r.Confirmed() {
		return Recovery{}, account.Account{}, ErrNotConfirmed
	}
	a, err := f.Store.Account(ctx, r.AccountID)
	if err != nil {
		return Recovery{}, account.Account{}, fmt.Errorf("recovery %s: %w", id, err)
	}
	return r, a, nil
}

// reason is the slug of a validation fault, for a field error.
func reason(err error) string {
	if f, ok := fault.As(err); ok {
		return f.Slug
	}
	return "invalid"
}
