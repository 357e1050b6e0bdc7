package session

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/retry"
)

// Principal is the signed-in person behind a request.
type Principal struct {
	Account   account.Account
	SessionID string
	Client    Client
}

// Authenticate checks a bearer access token: its signature, expiry and
// claims, and that its session is still open (not logged out, not
// revoked by a sign-out everywhere, a password change or reset). One
// round trip reads the session and the account together.
func (f *Flow) Authenticate(ctx context.Context, authorization string, c Client) (Principal, error) {
	scheme, tok, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return Principal{}, ErrMissingBearer
	}
	claims, err := f.Verifier.Verify(strings.TrimSpace(tok))
	if err != nil {
		return Principal{}, err
	}
	s, a, err := f.Store.SessionAndAccount(ctx, claims.SessionID, claims.Subject)
	if errors.Is(err, ErrSessionInvalid) {
		return Principal{}, ErrSessionInvalid
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if s.AccountID != a.ID || !usable(s, a, f.Now()) {
		return Principal{}, ErrSessionInvalid
	}
	return Principal{Account: a, SessionID: s.ID, Client: c}, nil
}

// Logout ends the principal's session.
func (f *Flow) Logout(ctx context.Context, p Principal) error {
	return f.retry(ctx, p, func(a account.Account) error {
		return f.Store.Revoke(ctx, p.SessionID, seal(a, p.Client, f.Now(), []event.Kind{event.Logout}, map[string]string{"sessionId": p.SessionID}))
	})
}

// LogoutEverywhere ends every session of the principal's account.
func (f *Flow) LogoutEverywhere(ctx context.Context, p Principal) error {
	return f.retry(ctx, p, func(a account.Account) error {
		now := f.Now()
		return f.Store.RevokeAll(ctx, now, seal(a, p.Client, now, []event.Kind{event.LogoutEverywhere}, nil))
	})
}

// retry runs a write that appends events, re-reading the account after a
// lost race so the events chain after the newest head.
func (f *Flow) retry(ctx context.Context, p Principal, write func(account.Account) error) error {
	a := p.Account
	for race := 0; race < maxRaces; race++ {
		if err := retry.Backoff(ctx, race); err != nil {
			return err
		}
		if race > 0 {
			var err error
			if a, err = f.Store.Account(ctx, a.ID); err != nil {
				return fmt.Errorf("account %s: %w", a.ID, err)
			}
		}
		err := write(a)
		if !errors.Is(err, ErrChanged) {
			return err
		}
	}
	return ErrBusy
}
