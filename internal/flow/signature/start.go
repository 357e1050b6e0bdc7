package signature

import (
	"context"
	"fmt"
	"io"

	"github.com/portalid/portalid/internal/account"
)

// Start issues a challenge to a standard account: 32 bytes from the
// random source, valid TTL. Simplified accounts are refused
// (level-too-low), confirmed ones too (already-confirmed); nothing is
// written then.
func (f *Flow) Start(ctx context.Context, a account.Account) (Challenge, error) {
	if err := a.CanConfirm(); err != nil {
		return Challenge{}, err
	}
	return f.Issue(ctx, a.ID, "")
}

// Issue issues a challenge of an account for a purpose ("" the identity
// confirmation; another flow, such as an organisation's creation, names
// its own so that neither can spend the other's), without asking who may
// have one: the caller decides.
func (f *Flow) Issue(ctx context.Context, accountID, purpose string) (Challenge, error) {
	id, err := account.NewID(f.Rand)
	if err != nil {
		return Challenge{}, err
	}
	b := make([]byte, ChallengeSize)
	if _, err := io.ReadFull(f.Rand, b); err != nil {
		return Challenge{}, fmt.Errorf("new signature challenge: %w", err)
	}
	now := f.Now()
	c := Challenge{ID: id, AccountID: accountID, Purpose: purpose, Bytes: b, CreatedAt: now, ExpiresAt: now.Add(f.TTL)}
	if err := f.Store.CreateSignatureChallenge(ctx, c); err != nil {
		return Challenge{}, fmt.Errorf("create signature challenge %s: %w", id, err)
	}
	return c, nil
}
