package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/retry"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/token"
)

// keptPrevious is how many spent refresh tokens of a family are still
// recognised, so that their reuse revokes the family.
const keptPrevious = 5

const purposeRefresh = "refresh-token"

// newRefresh makes a refresh token "<account>.<session>.<secret>" and its
// keyed hash; only the hash is stored.
func (f *Flow) newRefresh(accountID, sid string) (string, []byte, error) {
	t, err := secret.NewToken(f.Rand)
	if err != nil {
		return "", nil, err
	}
	return accountID + "." + sid + "." + t.Reveal(), f.Codes.Sum(purposeRefresh, sid+":"+t.Reveal()), nil
}

func (f *Flow) tokens(ctx context.Context, a account.Account, s Session, refresh string) (Tokens, error) {
	jti, err := account.NewID(f.Rand)
	if err != nil {
		return Tokens{}, err
	}
	access, exp, err := f.Issuer.Issue(ctx, token.Claims{
		Subject: a.ID, Level: string(a.Level), SessionID: s.ID, ID: jti,
	})
	if err != nil {
		return Tokens{}, fmt.Errorf("issue access token: %w", err)
	}
	return Tokens{AccessToken: access, AccessExpires: exp, RefreshToken: refresh, RefreshExpires: s.ExpiresAt, Level: a.Level}, nil
}

// Refresh trades a refresh token for a new pair. The old token is spent;
// presenting a spent token again revokes the whole family, since one of
// the two presenters is not the person. The new access token carries the
// account's current level.
func (f *Flow) Refresh(ctx context.Context, refresh string, c Client) (Tokens, error) {
	accountID, sid, sec, ok := parseRefresh(refresh)
	if !ok {
		return Tokens{}, ErrRefreshInvalid
	}
	hash := f.Codes.Sum(purposeRefresh, sid+":"+sec)
	for race := 0; race < maxRaces; race++ {
		if err := retry.Backoff(ctx, race); err != nil {
			return Tokens{}, err
		}
		s, a, err := f.Store.SessionAndAccount(ctx, sid, accountID)
		if errors.Is(err, ErrSessionInvalid) {
			return Tokens{}, ErrRefreshInvalid
		}
		if err != nil {
			return Tokens{}, fmt.Errorf("refresh %s: %w", sid, err)
		}
		now := f.Now()
		// Past SESSION_MAX_AGE even when its expiry is later (a session
		// from before a lower limit): refused, not given dead tokens.
		if !usable(s, a, now) || !now.Before(f.expiry(s.CreatedAt, now)) {
			return Tokens{}, ErrRefreshInvalid
		}
		if !secret.Equal(hash, s.Hash) {
			for _, p := range s.Previous {
				if secret.Equal(hash, p) {
					return Tokens{}, f.reused(ctx, s, a, c, now)
				}
			}
			return Tokens{}, ErrRefreshInvalid
		}
		next, nextHash, err := f.newRefresh(accountID, sid)
		if err != nil {
			return Tokens{}, err
		}
		s.ExpiresAt = f.expiry(s.CreatedAt, now)
		s.Previous = remember(s)
		err = f.Store.Rotate(ctx, s, nextHash, s.ExpiresAt)
		if errors.Is(err, ErrChanged) {
			// Rotated or revoked concurrently: look again, and a spent
			// token is then seen as reused.
			continue
		}
		if err != nil {
			return Tokens{}, fmt.Errorf("refresh %s: %w", sid, err)
		}
		return f.tokens(ctx, a, s, next)
	}
	return Tokens{}, ErrBusy
}

func (f *Flow) reused(ctx context.Context, s Session, a account.Account, c Client, now time.Time) error {
	for race := 0; race < maxRaces; race++ {
		err := f.Store.Revoke(ctx, s.ID, seal(a, c, now, []event.Kind{event.SessionReuse}, map[string]string{"sessionId": s.ID}))
		if err == nil {
			return ErrRefreshReused
		}
		if !errors.Is(err, ErrChanged) {
			return fmt.Errorf("revoke session %s: %w", s.ID, err)
		}
		if err := retry.Backoff(ctx, race+1); err != nil {
			return err
		}
		if a, err = f.Store.Account(ctx, a.ID); err != nil {
			return fmt.Errorf("revoke session %s: %w", s.ID, err)
		}
	}
	return ErrBusy
}

func parseRefresh(t string) (accountID, sid, sec string, ok bool) {
	if len(t) > 200 {
		return "", "", "", false
	}
	parts := strings.Split(t, ".")
	if len(parts) != 3 || !account.ValidID(parts[0]) || !account.ValidID(parts[1]) {
		return "", "", "", false
	}
	// ParseToken forgives outer white space; inside a refresh token there
	// is none, so the secret is hashed exactly as it was issued.
	if sec, err := secret.ParseToken(parts[2]); err != nil || sec != parts[2] {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// remember puts the current hash first among the spent ones.
func remember(s Session) [][]byte {
	prev := append([][]byte{bytes.Clone(s.Hash)}, s.Previous...)
	if len(prev) > keptPrevious {
		prev = prev[:keptPrevious]
	}
	return prev
}
