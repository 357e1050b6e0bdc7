package letter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/profile"
)

// The profile addresses a letter can go to.
const (
	SourceRegistration = "registration"
	SourceResidence    = "residence"
)

// OrderInput is an order: the profile address to send to (Source), or an
// address given or edited by the person; exactly one of them.
type OrderInput struct {
	Source  string
	Address *profile.Address
	Origin  event.Origin
}

// destination is what a letter's sealed part holds: where it goes.
type destination struct {
	Recipient string `json:"recipient"`
	Postcode  string `json:"postcode"`
	Address   string `json:"address"`
}

// Order orders a letter for a standard account (level-too-low below,
// already-confirmed above): one at a time, a new one only
// Limits.ReorderInterval after the previous one, or at once when the
// previous code expired (letter-reorder-too-soon, with Retry-After). The
// letter is written with a letter-ordered event and the postal-letter
// workflow is started; bad input writes nothing.
func (f *Flow) Order(ctx context.Context, a account.Account, in OrderInput) (View, error) {
	if err := a.CanConfirm(); err != nil {
		return View{}, err
	}
	given, err := orderShape(in)
	if err != nil {
		return View{}, err
	}
	var l Letter
	err = challenge.Retry(ctx, ErrChanged, ErrBusy, func(race int) error {
		if race > 0 {
			if a, err = f.Store.Account(ctx, a.ID); err != nil {
				return err
			}
			if err := a.CanConfirm(); err != nil {
				return err
			}
		}
		latest, sealed, version, err := f.Store.LetterOrderState(ctx, a.ID)
		if err != nil {
			return err
		}
		now := f.Now()
		if now.Before(latest.ReorderAt) {
			return f.refuse(ctx, a.ID, latest, now)
		}
		var p profile.Profile
		if version > 0 {
			if p, err = profile.Open(ctx, f.Sealer, a.ID, sealed); err != nil {
				return err
			}
		}
		dest, err := destinationOf(a, p, in.Source, given)
		if err != nil {
			return err
		}
		if l, err = f.newLetter(ctx, a, dest, latest.LetterID, now); err != nil {
			return err
		}
		ev := event.Chain(a.ID, a.Events, now, in.Origin, map[string]string{"letterId": l.ID}, event.LetterOrdered)
		err = f.Store.CreateLetter(ctx, l, now.Add(f.Limits.ReorderInterval), now, ev)
		if errors.Is(err, ErrReorderTooSoon) {
			// Another order won meanwhile: refuse with its numbers (or,
			// should the pointer allow one by now, try again).
			latest, _, _, rerr := f.Store.LetterOrderState(ctx, a.ID)
			switch {
			case rerr != nil:
				return rerr
			case !now.Before(latest.ReorderAt):
				return ErrChanged
			}
			return f.refuse(ctx, a.ID, latest, now)
		}
		return err
	})
	if err != nil {
		return View{}, err
	}
	if err := f.start(ctx, a.ID, l.ID); err != nil {
		return View{}, err
	}
	return f.view(l, f.Now()), nil
}

// refuse answers an order the latest letter forbids. If that letter is
// still Ordered, its workflow may have failed to start: it is started
// again (a no-op when it runs).
func (f *Flow) refuse(ctx context.Context, accountID string, latest Latest, now time.Time) error {
	if prev, err := f.Store.Letter(ctx, accountID, latest.LetterID); err == nil && prev.Status == Ordered {
		if err := f.start(ctx, accountID, prev.ID); err != nil {
			return err
		}
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return fault.Limited(ErrReorderTooSoon.Slug, latest.ReorderAt.Sub(now))
}

func (f *Flow) start(ctx context.Context, accountID, letterID string) error {
	if err := f.Workflow.Start(ctx, letterID, Input{AccountID: accountID, LetterID: letterID}); err != nil {
		return fmt.Errorf("start letter %s: %w", letterID, err)
	}
	return nil
}

// orderShape checks the order's fields before anything is read: a known
// Source or a valid Address, not both, not neither.
func orderShape(in OrderInput) (*profile.Address, error) {
	var fs fault.Fields
	switch {
	case in.Source != "" && in.Address != nil:
		fs.Add("/source", "source-or-address")
	case in.Source == "" && in.Address == nil:
		fs.Add("/address", "required")
	case in.Source != "" && in.Source != SourceRegistration && in.Source != SourceResidence:
		fs.Add("/source", "source-invalid")
	case in.Address != nil:
		addr, err := profile.ParseAddress(*in.Address)
		if err != nil {
			var fe *fault.Error
			if errors.As(err, &fe) {
				for _, x := range fe.Fields {
					fs.Add("/address"+x.Pointer, x.Reason)
				}
			}
			return nil, fs.Err()
		}
		return &addr, nil
	}
	return nil, fs.Err()
}

// destinationOf is where the letter goes: the given address, or the
// profile's registration or residence address; the recipient is the
// account's name with the profile's patronymic.
func destinationOf(a account.Account, p profile.Profile, source string, given *profile.Address) (destination, error) {
	addr := given
	switch source {
	case SourceRegistration:
		addr = p.RegistrationAddress
	case SourceResidence:
		addr = p.ResidenceAddress
	}
	if addr == nil || addr.Postcode == "" {
		return destination{}, fault.InvalidFields(fault.Field{Pointer: "/source", Reason: "address-missing"})
	}
	name := strings.Join(strings.Fields(a.Surname+" "+a.GivenName+" "+p.Patronymic), " ")
	return destination{Recipient: name, Postcode: addr.Postcode, Address: addr.Text}, nil
}

func (f *Flow) newLetter(ctx context.Context, a account.Account, dest destination, prev string, now time.Time) (Letter, error) {
	id, err := account.NewID(f.Rand)
	if err != nil {
		return Letter{}, err
	}
	plain, err := json.Marshal(dest)
	if err != nil {
		return Letter{}, err
	}
	sealed, err := f.Sealer.Seal(ctx, plain, addressAAD(a.ID, id))
	clear(plain)
	if err != nil {
		return Letter{}, fmt.Errorf("seal letter %s: %w", id, err)
	}
	return Letter{
		ID: id, AccountID: a.ID, Status: Ordered, OrderedAt: now, Sealed: sealed,
		Locale: a.Locale, PrevLetterID: prev,
	}, nil
}
