package operator

import (
	"context"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/metric"
)

// Confirm raises a standard account to confirmed, method in_person (SPEC
// §2.4), on the strength of a passport this operator compared and found
// matching within the check lifetime. One transaction writes the level,
// the method, the operator and centre on the account, an operator-action
// event and the level-changed event (both naming operator and centre),
// on the conditions that the account is still standard with its chain
// where it was read and that the passport check still allows it; of two
// operators confirming at once, one raises the level and the other finds
// the account confirmed.
func (f *Flow) Confirm(ctx context.Context, principal, accountID string) (Operator, account.Account, error) {
	if err := admit(principal, accountID); err != nil {
		return Operator{}, account.Account{}, err
	}
	key := f.checkKey(principal)
	var (
		op Operator
		a  account.Account
	)
	err := retry(ctx, func() error {
		s, err := f.scene(ctx, principal, accountID, Want{Check: key})
		if err != nil {
			return err
		}
		op, a = s.Operator, s.Account
		if err := a.CanConfirm(); err != nil {
			return err
		}
		now := f.Now()
		if !s.Check.allows(op, now) {
			return ErrPassportCheckRequired
		}
		act := event.Chain(a.ID, a.Events, now, origin, op.details("confirm-identity"), event.OperatorAction)
		after := a
		after.Events = headAfter(act)
		c, err := after.Confirm(account.MethodInPerson, now, origin, map[string]string{"operator": op.ID, "centre": op.Centre})
		if err != nil {
			return err
		}
		c.Events = event.Append{AccountID: a.ID, Head: a.Events, Events: append(act.Events, c.Events.Events...)}
		if err := f.Store.ConfirmInPerson(ctx, c, op, key, s.Check, now); err != nil {
			return err
		}
		a.Level, a.ConfirmationMethod, a.Events = account.Confirmed, account.MethodInPerson, headAfter(c.Events)
		return nil
	})
	if err != nil {
		return op, account.Account{}, fmt.Errorf("confirm %s in person: %w", accountID, err)
	}
	metric.Add(ctx, metric.Confirmed(account.MethodInPerson))
	return op, a, nil
}

// headAfter is the chain head once ap is appended.
func headAfter(ap event.Append) event.Head {
	last := ap.Events[len(ap.Events)-1]
	return event.Head{Seq: last.Seq, Hash: last.Hash}
}
