package registration

import (
	"context"
	"errors"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/secret"
)

// ConfirmInput carries either the SMS code or the e-mail link token.
type ConfirmInput struct {
	ID    string
	Code  string
	Token string
}

// Confirm checks a code or link token. The attempt is counted before the
// comparison, the comparison is constant-time, and success is a
// conditional write on the very code that was checked, so a code works
// once and only while it is the latest.
func (f *Flow) Confirm(ctx context.Context, in ConfirmInput) (Status, error) {
	kind, clear, purpose, err := parseConfirm(in)
	if err != nil {
		return Status{}, err
	}
	if !account.ValidID(in.ID) {
		return Status{}, ErrNotFound
	}
	r, counted, err := f.Store.CountAttempt(ctx, in.ID, kind, f.challenge.MaxAttempts())
	if err != nil {
		return Status{}, fmt.Errorf("confirm registration %s: %w", in.ID, err)
	}
	now := f.Now()
	if err := r.open(now); err != nil {
		return Status{}, err
	}
	ch, ok := r.Channels[kind]
	switch {
	case !ok:
		return Status{}, fault.InvalidFields(fault.Field{Pointer: pointerOf(kind), Reason: "contact-not-in-registration"})
	case ch.Confirmed():
		return Status{}, ErrAlreadyConfirmed
	}
	if err := f.challenge.Check(ch.Code, purpose, r.ID, clear, counted, now); err != nil {
		return Status{}, err
	}
	err = f.Store.MarkConfirmed(ctx, r.ID, kind, ch.Hash, now)
	if errors.Is(err, ErrChanged) {
		return Status{}, ErrCodeSuperseded
	}
	if err != nil {
		return Status{}, fmt.Errorf("confirm registration %s: %w", r.ID, err)
	}
	ch.ConfirmedAt = now
	r.Channels[kind] = ch
	return f.status(r), nil
}

func parseConfirm(in ConfirmInput) (kind contact.Kind, clear, purpose string, err error) {
	switch {
	case in.Code != "" && in.Token != "":
		return "", "", "", fault.InvalidFields(fault.Field{Pointer: "/token", Reason: "code-or-token"})
	case in.Code != "":
		c, err := secret.ParseCode(in.Code)
		if err != nil {
			return "", "", "", fault.InvalidFields(fault.Field{Pointer: "/code", Reason: slugOf(err)})
		}
		return contact.Phone, c, purposeSMSCode, nil
	case in.Token != "":
		t, err := secret.ParseToken(in.Token)
		if err != nil {
			return "", "", "", fault.InvalidFields(fault.Field{Pointer: "/token", Reason: slugOf(err)})
		}
		return contact.Email, t, purposeEmailToken, nil
	}
	return "", "", "", fault.InvalidFields(fault.Field{Pointer: "/code", Reason: "code-or-token"})
}

func pointerOf(k contact.Kind) string {
	if k == contact.Phone {
		return "/code"
	}
	return "/token"
}
