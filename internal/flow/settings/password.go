package settings

import (
	"context"
	"fmt"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/session"
)

// PasswordInput changes the password of the signed-in person.
type PasswordInput struct {
	Current string
	New     string
}

// PasswordChanged is the outcome of a password change: a fresh session for
// the person who made it, every other session having ended. Undelivered
// holds the notices that could not be sent; the change stands regardless.
type PasswordChanged struct {
	Tokens      session.Tokens
	Undelivered error
}

// ChangePassword replaces the password. The new one must meet the policy
// (checked first, so bad input changes nothing), the current one must be
// right (a wrong one counts on the login lock), and the change revokes
// every session: the caller's is replaced by a fresh one, which is simpler
// and as safe as sparing it, since a stolen session is what a password
// change is often meant to end. Every confirmed contact is told.
func (f *Flow) ChangePassword(ctx context.Context, p session.Principal, in PasswordInput) (PasswordChanged, error) {
	var fs fault.Fields
	if in.Current == "" {
		fs.Add("/currentPassword", "password-required")
	}
	if err := f.Policy.Check(in.New, p.Account.Personal()); err != nil {
		fs.Add("/newPassword", reason(err))
	} else if in.New == in.Current {
		fs.Add("/newPassword", "password-unchanged")
	}
	if err := fs.Err(); err != nil {
		return PasswordChanged{}, err
	}
	if err := f.Sessions.Reauthenticate(ctx, p, in.Current); err != nil {
		return PasswordChanged{}, err
	}
	hash, err := f.Argon2.Hash(in.New, f.Rand)
	if err != nil {
		return PasswordChanged{}, fmt.Errorf("hash password of %s: %w", p.Account.ID, err)
	}
	var ap event.Append
	var now time.Time
	a, err := f.verified(ctx, p, func(a account.Account) error {
		now = f.Now()
		ap = event.Chain(a.ID, a.Events, now, p.Client, nil, event.PasswordChanged)
		return f.Store.ChangePassword(ctx, hash, now, ap)
	})
	if err != nil {
		return PasswordChanged{}, fmt.Errorf("change password of %s: %w", p.Account.ID, err)
	}
	// The fresh session chains its login event after the change.
	a = after(a, ap)
	a.PasswordHash, a.SessionsNotBefore = hash, now
	t, err := f.Sessions.Reopen(ctx, a, p.Client)
	if err != nil {
		return PasswordChanged{}, fmt.Errorf("open a session after the password change of %s: %w", a.ID, err)
	}
	return PasswordChanged{Tokens: t, Undelivered: challenge.Tell(ctx, f.Sender, a.Contacts, "password-changed", a.Locale, nil)}, nil
}
