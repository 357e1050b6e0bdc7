package recovery

import (
	"context"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/challenge"
)

// ResendInput asks for a new code; the previous one stops being valid.
type ResendInput struct {
	ID       string
	ClientIP string
}

// Resend issues a new code, keeping the minimum interval between sends and
// the hourly limits per contact and per client address. A decoy answers
// the same and sends nothing.
func (f *Flow) Resend(ctx context.Context, in ResendInput) (Status, error) {
	if !account.ValidID(in.ID) {
		return Status{}, ErrNotFound
	}
	ipKey := f.challenge.AddressKey(in.ClientIP)
	var r Recovery
	var code string
	err := challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error {
		var err error
		if r, err = f.Store.Recovery(ctx, in.ID); err != nil {
			return fmt.Errorf("resend recovery %s: %w", in.ID, err)
		}
		now := f.Now()
		if err := r.open(now); err != nil {
			return err
		}
		if r.Confirmed() {
			return ErrAlreadyConfirmed
		}
		if err := f.challenge.Cooldown(r.Code, now); err != nil {
			return err
		}
		sends := []string{ipKey, challenge.ContactKey{Kind: r.Kind, Index: r.Index}.SendKey()}
		logs, err := f.Store.Logs(ctx, sends)
		if err != nil {
			return fmt.Errorf("resend recovery %s: %w", in.ID, err)
		}
		writes, err := f.challenge.Take(logs, sends, now)
		if err != nil {
			return err
		}
		if code, r.Code, err = f.challenge.Issue(purposeCode, r.ID, now); err != nil {
			return err
		}
		r.Version++
		if err := f.Store.SaveRecovery(ctx, r, writes); err != nil {
			return fmt.Errorf("resend recovery %s: %w", in.ID, err)
		}
		return nil
	})
	if err != nil {
		return Status{}, err
	}
	return f.deliver(ctx, r, code)
}
