package settings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/secret"
)

// ContactChange is a new phone or e-mail of an account waiting for its
// code, one per account and kind. A new request replaces it.
type ContactChange struct {
	AccountID string
	Kind      contact.Kind
	Version   int64  // 0 when there is none
	Address   string // the new contact
	Index     string // its blind index
	// Taken is true when the new contact belongs to another account: the
	// person gets the same answers, no code is sent, none can match, and
	// the owner is told of the attempt.
	Taken  bool
	Locale string
	Code   challenge.Code
}

// id binds the change's code to the account, the kind and the contact.
func (c ContactChange) id() string { return c.AccountID + "/" + string(c.Kind) + "/" + c.Index }

const purposeContactCode = "contact-code"

// ContactInput asks to add or change the contact of a kind.
// CurrentPassword re-authenticates the person: a contact is a way to
// recover the account, so a stolen session alone must not change it.
type ContactInput struct {
	Kind            string // "phone" or "email", from the path
	Value           string
	CurrentPassword string
	Locale          string
}

// ChangeStatus is what a client learns about a contact change. It is the
// same whether or not the new contact belongs to another account.
type ChangeStatus struct {
	Kind        contact.Kind
	CodeExpires time.Time
	ResendAfter time.Time
}

func parseKind(s string) (contact.Kind, error) {
	switch k := contact.Kind(s); k {
	case contact.Phone, contact.Email:
		return k, nil
	}
	return "", ErrKindUnknown
}

// StartContactChange sends a code to the new contact, or a notice to its
// owner when it belongs to another account (the same answer either way).
// Asking again sends a new code, at most once a minute, and the sends
// count against the new contact and the client address like every code.
// The current password is checked first (failures count against the
// login lock like a sign-in).
func (f *Flow) StartContactChange(ctx context.Context, p session.Principal, in ContactInput) (ChangeStatus, error) {
	kind, err := parseKind(in.Kind)
	if err != nil {
		return ChangeStatus{}, err
	}
	var fs fault.Fields
	addr, err := contact.Parse(kind, in.Value)
	if err != nil {
		fs.Add("/value", reason(err))
	}
	if in.CurrentPassword == "" {
		fs.Add("/currentPassword", "password-required")
	}
	if err := fs.Err(); err != nil {
		return ChangeStatus{}, err
	}
	a := p.Account
	if cur, ok := a.Contact(string(kind)); ok && cur.Address == addr.Value() {
		return ChangeStatus{}, ErrContactUnchanged
	}
	if err := f.Sessions.Reauthenticate(ctx, p, in.CurrentPassword); err != nil {
		return ChangeStatus{}, err
	}
	to := challenge.ContactKey{Kind: kind, Index: f.Index.Index(string(kind), addr.Value())}
	sends := []string{f.Codes.AddressKey(p.Client.IP), to.SendKey()}
	var c ContactChange
	var code string
	err = challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error {
		prev, owner, logs, err := f.Store.ContactChange(ctx, a.ID, kind, to, sends)
		if err != nil {
			return fmt.Errorf("start contact change of %s: %w", a.ID, err)
		}
		now := f.Now()
		if prev.Version > 0 {
			if err := f.Codes.Cooldown(prev.Code, now); err != nil {
				return err
			}
		}
		writes, err := f.Codes.Take(logs, sends, now)
		if err != nil {
			return err
		}
		c = ContactChange{
			AccountID: a.ID, Kind: kind, Version: prev.Version + 1, Address: addr.Value(), Index: to.Index,
			Taken: owner != "", Locale: in.Locale,
		}
		if code, c.Code, err = f.Codes.Issue(purposeContactCode, c.id(), now); err != nil {
			return err
		}
		if err := f.Store.SaveContactChange(ctx, c, writes); err != nil {
			return fmt.Errorf("start contact change of %s: %w", a.ID, err)
		}
		return nil
	})
	if err != nil {
		return ChangeStatus{}, err
	}
	tmpl, params := challenge.Template("contact-code", kind), map[string]string{
		"code": code, "minutes": strconv.Itoa(int(f.Codes.TTL() / time.Minute)),
	}
	if c.Taken {
		tmpl, params = challenge.Template("contact-attempt", kind), nil
	}
	if err := f.Sender.Send(ctx, string(kind), c.Address, tmpl, c.Locale, params); err != nil {
		return ChangeStatus{}, fmt.Errorf("send %s for %s: %w", tmpl, a.ID, err)
	}
	return ChangeStatus{Kind: kind, CodeExpires: c.Code.ExpiresAt, ResendAfter: f.Codes.ResendAfter(c.Code)}, nil
}

// ContactChanged is the outcome of a confirmed contact change. Undelivered
// holds the notices that could not be sent; the change stands regardless.
type ContactChanged struct {
	Account     account.Account
	Undelivered error
}

// ConfirmContactChange checks the code (counted before it is compared) and
// then, in one transaction with the contact-changed event, makes the new
// contact a login of the account and frees the old one. Every contact the
// account had before is told.
func (f *Flow) ConfirmContactChange(ctx context.Context, p session.Principal, kindParam, code string) (ContactChanged, error) {
	kind, err := parseKind(kindParam)
	if err != nil {
		return ContactChanged{}, err
	}
	clear, err := secret.ParseCode(code)
	if err != nil {
		return ContactChanged{}, fault.InvalidFields(fault.Field{Pointer: "/code", Reason: reason(err)})
	}
	c, counted, err := f.Store.CountContactChangeAttempt(ctx, p.Account.ID, kind, f.Codes.MaxAttempts())
	if err != nil {
		return ContactChanged{}, fmt.Errorf("confirm contact change of %s: %w", p.Account.ID, err)
	}
	if err := f.Codes.Admit(c.Code, counted, f.Now()); err != nil {
		return ContactChanged{}, err
	}
	// A taken contact was never sent its code: nothing matches.
	if ok := f.Codes.Matches(c.Code, purposeContactCode, c.id(), clear); !ok || c.Taken {
		return ContactChanged{}, f.Codes.Missed(c.Code, challenge.ErrCodeMismatch)
	}
	var before, contacts []account.Contact
	a, err := f.retry(ctx, p.Account, func(a account.Account) error {
		now := f.Now()
		before = a.Contacts
		contacts = a.WithContact(account.Contact{Kind: string(kind), Address: c.Address, Index: c.Index, ConfirmedAt: now})
		old, had := a.Contact(string(kind))
		var oldp *account.Contact
		details := map[string]string{"kind": string(kind), "change": "added"}
		if had {
			oldp, details["change"] = &old, "replaced"
		}
		ev := event.Chain(a.ID, a.Events, now, p.Client, details, event.ContactChanged)
		return f.Store.CommitContactChange(ctx, c, oldp, contacts, ev)
	})
	if errors.Is(err, ErrContactTaken) || errors.Is(err, challenge.ErrCodeSuperseded) {
		return ContactChanged{}, err
	}
	if err != nil {
		return ContactChanged{}, fmt.Errorf("confirm contact change of %s: %w", p.Account.ID, err)
	}
	a.Contacts = contacts
	return ContactChanged{Account: a, Undelivered: challenge.Tell(ctx, f.Sender, before, "contact-changed", a.Locale, nil)}, nil
}
