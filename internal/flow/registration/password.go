package registration

import (
	"context"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
)

// PasswordInput sets the password that completes a registration.
type PasswordInput struct {
	ID        string
	Password  string
	ClientIP  string
	UserAgent string
}

// Created is the account a completed registration made.
type Created struct {
	AccountID string
	Level     account.Level
}

// SetPassword checks the password policy, hashes the password with
// argon2id and creates the simplified account with the confirmed contacts
// as its logins, claiming each contact in the same transaction.
func (f *Flow) SetPassword(ctx context.Context, in PasswordInput) (Created, error) {
	if !account.ValidID(in.ID) {
		return Created{}, ErrNotFound
	}
	r, err := f.Store.Get(ctx, in.ID)
	if err != nil {
		return Created{}, fmt.Errorf("set password for registration %s: %w", in.ID, err)
	}
	now := f.Now()
	if err := r.open(now); err != nil {
		return Created{}, err
	}
	var contacts []account.Contact
	for _, k := range []contact.Kind{contact.Phone, contact.Email} {
		if ch, ok := r.Channels[k]; ok && ch.Confirmed() && !ch.Taken {
			contacts = append(contacts, account.Contact{Kind: string(k), Address: ch.Address, Index: ch.Index, ConfirmedAt: ch.ConfirmedAt})
		}
	}
	if len(contacts) == 0 {
		return Created{}, ErrNotConfirmed
	}
	if err := f.Policy.Check(in.Password, personal(r)); err != nil {
		return Created{}, fault.InvalidFields(fault.Field{Pointer: "/password", Reason: slugOf(err)})
	}
	hash, err := f.Argon2.Hash(in.Password, f.Rand)
	if err != nil {
		return Created{}, fmt.Errorf("hash password for registration %s: %w", r.ID, err)
	}
	id, err := account.NewID(f.Rand)
	if err != nil {
		return Created{}, err
	}
	a := account.Account{
		ID: id, Version: 1, Level: account.Simplified,
		Surname: r.Surname, GivenName: r.GivenName, Locale: r.Locale,
		Contacts: contacts, PasswordHash: hash,
		TermsVersion: r.TermsVersion, TermsAcceptedAt: r.TermsAcceptedAt,
		CreatedAt: now,
	}
	var created event.Event
	created, a.Events = event.Seal(event.Head{}, event.Event{
		AccountID: a.ID, Kind: event.AccountCreated, At: now, IP: in.ClientIP, UserAgent: in.UserAgent,
		Details: map[string]string{"level": string(a.Level)},
	})
	err = challenge.Retry(ctx, ErrChanged, ErrBusy, func(race int) error {
		if race > 0 {
			// Lost a race: completed by a concurrent request, or only a
			// transaction conflict worth another try.
			var err error
			if r, err = f.Store.Get(ctx, in.ID); err != nil {
				return err
			}
			if err := r.open(f.Now()); err != nil {
				return err
			}
		}
		return f.Store.CreateAccount(ctx, a, r, created)
	})
	if err != nil {
		return Created{}, fmt.Errorf("create account for registration %s: %w", in.ID, err)
	}
	return Created{AccountID: a.ID, Level: a.Level}, nil
}

// personal lists what a password must not equal or contain: the names and
// every contact of the registration, confirmed or not.
func personal(r Registration) []string {
	a := account.Account{Surname: r.Surname, GivenName: r.GivenName}
	for _, k := range []contact.Kind{contact.Phone, contact.Email} {
		if ch, ok := r.Channels[k]; ok {
			a.Contacts = append(a.Contacts, account.Contact{Kind: string(k), Address: ch.Address})
		}
	}
	return a.Personal()
}
