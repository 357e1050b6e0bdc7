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
	id, err := account.NewID(f.Rand)
	if err != nil {
		return Challenge{}, err
	}
	b := make([]byte, ChallengeSize)
	if _, err := io.ReadFull(f.Rand, b); err != nil {
		return Challenge{}, fmt.Errorf("new signature challenge: %w", err)
	}
	now := f.Now()
	c := Challenge{ID: id, AccountID: a.ID, Bytes: b, CreatedAt: now, ExpiresAt: now.Add(f.TTL)}
	if err := f.Store.CreateSignatureChallenge(ctx, c); err != nil {
		return Challenge{}, fmt.Errorf("create signature challenge %s: %w", id, err)
	}
	return c, nil
}
