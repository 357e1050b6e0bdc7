package letter

import (
	"context"
	"errors"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/flow/challenge"
)

// notify sends the notice base (letter-sent, letter-tracking, …) to the
// contacts on the person's preferred channels: base-sms to a phone,
// base-mail to an e-mail address. No notice carries the code: it is in
// the letter only.
func (f *Flow) notify(ctx context.Context, a account.Account, base string, params map[string]string) error {
	var errs []error
	for _, c := range a.NoticeContacts() {
		if err := f.Sender.Send(ctx, c.Kind, c.Address, challenge.Template(base, contact.Kind(c.Kind)), a.Locale, params); err != nil {
			errs = append(errs, fmt.Errorf("notify %s of %s: %w", a.ID, base, err))
		}
	}
	return errors.Join(errs...)
}

// claimAndNotify sends a notice at most once: it claims the letter's
// notice field first, so a retried step finds it claimed and sends
// nothing.
func (f *Flow) claimAndNotify(ctx context.Context, a account.Account, l Letter, field, base string, params map[string]string) error {
	claimed, err := f.Store.ClaimLetterNotice(ctx, l.AccountID, l.ID, field, f.stepNow(ctx))
	if err != nil || !claimed {
		return err
	}
	return f.notify(ctx, a, base, params)
}
