package operator

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/recovery"
)

// RestoreInput names the contacts the person in front of the operator
// now uses: a phone, an e-mail address, or both.
type RestoreInput struct {
	Phone string
	Email string
}

// parseRestore validates the contacts, phone first; at least one is
// needed.
func parseRestore(in RestoreInput) ([]contact.Address, error) {
	var (
		fs  fault.Fields
		out []contact.Address
	)
	for _, c := range []struct {
		value, pointer string
		kind           contact.Kind
	}{{in.Phone, "/phone", contact.Phone}, {in.Email, "/email", contact.Email}} {
		if c.value == "" {
			continue
		}
		a, err := contact.Parse(c.kind, c.value)
		if err != nil {
			fs.Add(c.pointer, reason(err))
			continue
		}
		out = append(out, a)
	}
	if in.Phone == "" && in.Email == "" {
		fs.Add("/phone", ErrContactRequired.Slug)
		fs.Add("/email", ErrContactRequired.Slug)
	}
	return out, fs.Err()
}

func reason(err error) string {
	if f, ok := fault.As(err); ok {
		return f.Slug
	}
	return "invalid"
}

// Restored is the outcome of a restoration: the password reset started
// (its code went to the first new contact) and the kinds of contact that
// changed. Undelivered holds the notices to the previous contacts that
// could not be sent; the restoration stands regardless.
type Restored struct {
	Recovery    recovery.Status
	Changed     []string
	Undelivered error
}

// Restore gives the person in front of the operator their account back
// (SPEC §2.4): it needs a passport this operator compared and found
// matching within the check lifetime. In one transaction the new phone
// and/or e-mail become the account's contacts (claimed as logins, the
// replaced ones released), every session ends, sign-in is blocked until
// the password is reset, and an attested password recovery starts whose
// code goes to the new contact (phone first), counted against its send
// limit; the events are an operator-action and a contact-changed per
// contact replaced or added, each naming operator and centre. Then the
// code is sent, and the previous contacts are told of the change. The
// person completes the reset at /v1/recovery/{id}/confirm with the code
// alone, and /v1/recovery/{id}/password.
func (f *Flow) Restore(ctx context.Context, principal, accountID string, in RestoreInput) (Operator, Restored, error) {
	if err := admit(principal, accountID); err != nil {
		return Operator{}, Restored{}, err
	}
	addrs, err := parseRestore(in)
	if err != nil {
		return Operator{}, Restored{}, err
	}
	key := f.checkKey(principal)
	keys := make([]challenge.ContactKey, len(addrs))
	kinds := make([]string, len(addrs))
	for i, a := range addrs {
		keys[i] = challenge.ContactKey{Kind: a.Kind(), Index: f.Index.Index(string(a.Kind()), a.Value())}
		kinds[i] = string(a.Kind())
	}
	want := Want{Check: key, Contacts: keys, Logs: f.Recoveries.SendKeys(addrs[0])}
	var (
		op     Operator
		before account.Account
		res    Restoration
		code   string
		out    Restored
	)
	err = retry(ctx, func() error {
		s, err := f.scene(ctx, principal, accountID, want)
		if err != nil {
			return err
		}
		op, before = s.Operator, s.Account
		if !before.AtLeast(account.Standard) {
			return account.ErrNotStandard
		}
		now := f.Now()
		if !s.Check.allows(op, now) {
			return ErrPassportCheckRequired
		}
		d := op.details("restore-access")
		d["contacts"] = strings.Join(kinds, ",")
		entries := []entry{{event.OperatorAction, d}}
		res = Restoration{NotBefore: now, CheckKey: key, Check: s.Check, Operator: op}
		after := before
		out.Changed = nil
		for i, addr := range addrs {
			kind := string(addr.Kind())
			owner := s.Owners[keys[i]]
			if owner != "" && owner != before.ID {
				return ErrContactTaken
			}
			cur, had := before.Contact(kind)
			if had && cur.Address == addr.Value() {
				continue
			}
			after.Contacts = after.WithContact(account.Contact{Kind: kind, Address: addr.Value(), Index: keys[i].Index, ConfirmedAt: now})
			if owner == "" {
				res.Claims = append(res.Claims, keys[i])
			}
			change := "added"
			if had {
				res.Releases = append(res.Releases, cur)
				change = "replaced"
			}
			out.Changed = append(out.Changed, kind)
			entries = append(entries, entry{event.ContactChanged, map[string]string{"kind": kind, "change": change, "operator": op.ID, "centre": op.Centre}})
		}
		res.Contacts = after.Contacts
		res.Recovery, code, res.Logs, err = f.Recoveries.Attest(recovery.Attestation{
			AccountID: before.ID, OperatorID: op.ID, To: addrs[0], Locale: before.Locale,
		}, s.Logs, now)
		if err != nil {
			return err
		}
		res.Events = seal(before.ID, before.Events, now, entries...)
		return f.Store.Restore(ctx, res)
	})
	if err != nil {
		return op, Restored{}, fmt.Errorf("restore access to %s: %w", accountID, err)
	}
	if out.Recovery, err = f.Recoveries.Deliver(ctx, res.Recovery, code); err != nil {
		return op, Restored{}, fmt.Errorf("restore access to %s: %w", accountID, err)
	}
	if len(out.Changed) > 0 {
		out.Undelivered = challenge.Tell(ctx, f.Sender, before.Contacts, "contact-changed", before.Locale, nil)
	}
	return op, out, nil
}

// entry is one event to seal.
type entry struct {
	kind    event.Kind
	details map[string]string
}

// seal chains the entries after head, in order, at now.
func seal(accountID string, head event.Head, now time.Time, entries ...entry) event.Append {
	ap := event.Append{AccountID: accountID, Head: head}
	for _, e := range entries {
		one := event.Chain(accountID, head, now, origin, e.details, e.kind)
		ap.Events = append(ap.Events, one.Events...)
		head = headAfter(one)
	}
	return ap
}
