package registration

import (
	"context"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
)

// ResendInput asks for a new code on one channel of a registration. Kind
// may be empty: then the first unconfirmed channel, phone before e-mail.
type ResendInput struct {
	ID       string
	Kind     string
	ClientIP string
}

// Resend issues a new code on a channel; the previous code stops being
// valid. It keeps the minimum interval between sends and the hourly limit
// per contact and per client address.
func (f *Flow) Resend(ctx context.Context, in ResendInput) (Status, error) {
	if !account.ValidID(in.ID) {
		return Status{}, ErrNotFound
	}
	kind := contact.Kind(in.Kind)
	if in.Kind != "" && kind != contact.Phone && kind != contact.Email {
		return Status{}, fault.InvalidFields(fault.Field{Pointer: "/contact", Reason: "contact-kind-invalid"})
	}
	ipKey := f.challenge.AddressKey(in.ClientIP)
	var r Registration
	var k contact.Kind
	var code string
	err := challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error {
		var err error
		r, k, code, err = f.tryResend(ctx, in.ID, kind, ipKey)
		return err
	})
	if err != nil {
		return Status{}, err
	}
	// A taken contact was told once, at the start; a resend tells the
	// owner nothing more, and the client cannot tell the difference.
	if ch := r.Channels[k]; !ch.Taken {
		if err := f.sendCode(ctx, r, k, ch, code); err != nil {
			return Status{}, err
		}
	}
	return f.status(r), nil
}

func (f *Flow) tryResend(ctx context.Context, id string, kind contact.Kind, ipKey string) (Registration, contact.Kind, string, error) {
	r, err := f.Store.Get(ctx, id)
	if err != nil {
		return Registration{}, "", "", fmt.Errorf("resend registration %s: %w", id, err)
	}
	now := f.Now()
	if err := r.open(now); err != nil {
		return Registration{}, "", "", err
	}
	kind, err = pickChannel(r, kind)
	if err != nil {
		return Registration{}, "", "", err
	}
	ch := r.Channels[kind]
	if err := f.challenge.Cooldown(ch.Code, now); err != nil {
		return Registration{}, "", "", err
	}
	ck := ContactKey{Kind: kind, Index: ch.Index}.SendKey()
	logs, err := f.Store.Logs(ctx, []string{ipKey, ck})
	if err != nil {
		return Registration{}, "", "", fmt.Errorf("resend registration %s: %w", id, err)
	}
	writes, err := f.challenge.Take(logs, []string{ipKey, ck}, now)
	if err != nil {
		return Registration{}, "", "", err
	}
	code, err := f.issue(&ch, r.ID, kind, now)
	if err != nil {
		return Registration{}, "", "", err
	}
	r.Channels[kind] = ch
	r.Version++
	if err := f.Store.Save(ctx, r, writes); err != nil {
		return Registration{}, "", "", fmt.Errorf("resend registration %s: %w", id, err)
	}
	return r, kind, code, nil
}

func pickChannel(r Registration, kind contact.Kind) (contact.Kind, error) {
	if kind != "" {
		ch, ok := r.Channels[kind]
		if !ok {
			return "", fault.InvalidFields(fault.Field{Pointer: "/contact", Reason: "contact-not-in-registration"})
		}
		if ch.Confirmed() {
			return "", ErrAlreadyConfirmed
		}
		return kind, nil
	}
	for _, k := range []contact.Kind{contact.Phone, contact.Email} {
		if ch, ok := r.Channels[k]; ok && !ch.Confirmed() {
			return k, nil
		}
	}
	return "", ErrAlreadyConfirmed
}
