package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/retry"
	"github.com/portalid/portalid/internal/secret"
)

// ErrPasswordWrong answers a wrong current password from a signed-in
// person: Forbidden, not Unauthenticated, since their session is fine.
var ErrPasswordWrong = fault.New(fault.Forbidden, "current-password-wrong")

// Reauthenticate checks the signed-in person's password again before a
// change that asks for it (a new password, a security question). A wrong
// password is a failed sign-in of the account's first login (its phone,
// else its e-mail): it counts on that identifier's lock and on the client
// address, with its events, so this route is no way around the lockout.
// While locked, the password is not even checked.
func (f *Flow) Reauthenticate(ctx context.Context, p Principal, password string) error {
	if password == "" || len(password) > maxPasswordInput {
		return ErrPasswordWrong
	}
	a := p.Account
	if len(a.Contacts) == 0 {
		return fmt.Errorf("reauthenticate %s: account has no login", a.ID)
	}
	_, lockKey, err := f.candidates(a.Contacts[0].Address)
	if err != nil {
		return fmt.Errorf("reauthenticate %s: %w", a.ID, err)
	}
	ipKey := "login#ip#" + f.Index.Index("client-ip", limit.AddressBucket(p.Client.IP))
	checked := false
	for race := 0; race < maxRaces; race++ {
		if err := retry.Backoff(ctx, race); err != nil {
			return err
		}
		st, err := f.Store.LoginState(ctx, nil, lockKey, ipKey)
		if err != nil {
			return fmt.Errorf("reauthenticate %s: %w", a.ID, err)
		}
		if race > 0 {
			if a, err = f.Store.Account(ctx, a.ID); err != nil {
				return fmt.Errorf("reauthenticate %s: %w", a.ID, err)
			}
		}
		now := f.Now()
		if err := f.blocked(st, now); err != nil {
			return err
		}
		if !checked {
			ok, err := secret.VerifyPassword(a.PasswordHash, password)
			if err != nil {
				return fmt.Errorf("reauthenticate %s: %w", a.ID, err)
			}
			if ok {
				return nil
			}
			checked = true
		}
		err = f.fail(ctx, st, a, p.Client, now)
		if errors.Is(err, ErrLoginFailed) {
			return ErrPasswordWrong
		}
		if !errors.Is(err, ErrChanged) {
			return err
		}
	}
	return ErrBusy
}

// Reopen opens a fresh session for an account after a change that ended
// all of them (a password change), so the person who made it stays signed
// in. It records a login event like a sign-in.
func (f *Flow) Reopen(ctx context.Context, a account.Account, c Client) (Tokens, error) {
	var t Tokens
	err := f.retry(ctx, Principal{Account: a, Client: c}, func(a account.Account) error {
		var err error
		t, err = f.open(ctx, LoginState{}, a, c, f.Now(), "")
		return err
	})
	return t, err
}
