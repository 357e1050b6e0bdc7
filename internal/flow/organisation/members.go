package organisation

import (
	"context"
	"fmt"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/signature"
)

// purposeSNILS is the blind-index purpose of SNILS, under which the
// registry check claims it (SNILS#<index>).
const purposeSNILS = account.IndexSNILS

// Addition is the head's request to add a member. The member is named by
// SNILS and surname: a SNILS is every standard and confirmed account's
// permanent identifier, which an employer holds for its staff anyway,
// while a phone or e-mail is a login that changes and whose owner must not
// be enumerable; the surname must match too, so that a SNILS alone tells
// nothing about its owner, and a miss of any kind gets one answer.
type Addition struct {
	Account        account.Account // the requester, as authenticated
	Origin         event.Origin
	OrganisationID string
	SNILS          string
	Surname        string
	Role           string // administrator or employee
}

// Add makes a confirmed account a member with a role. Refused before
// anything is read: invalid fields. Refused without a write: an
// organisation the requester is not a member of (ErrNotFound), a
// requester who is not its head, and a head who tried AddsPerHour
// additions in the last hour (ErrAddLimit). Every other attempt counts
// against that limit before the candidate is judged; refused with only
// the count written: a candidate who is not a confirmed account with this
// SNILS and surname (ErrMemberNotEligible, whichever it is), one already a
// member, and an organisation at ORG_MAX_MEMBERS.
func (f *Flow) Add(ctx context.Context, in Addition) (Member, error) {
	var errs fault.Fields
	snils, err := person.ParseSNILS(in.SNILS)
	if err != nil {
		errs.Add("/snils", person.ErrSNILSInvalid.Slug)
	}
	if _, err := person.ParseName(in.Surname); err != nil {
		errs.Add("/surname", person.ErrNameInvalid.Slug)
	}
	role := Role(in.Role)
	if role != Administrator && role != Employee {
		errs.Add("/role", "role-invalid")
	}
	if err := errs.Err(); err != nil {
		return Member{}, err
	}
	if in.Account.Level != account.Confirmed {
		return Member{}, ErrNotConfirmed
	}
	if !account.ValidID(in.OrganisationID) {
		return Member{}, ErrNotFound
	}
	index := f.Index.Index(purposeSNILS, snils.Value())
	addsKey := "org-member-add#" + in.Account.ID
	window := limit.Window{Limit: f.AddsPerHour, Period: time.Hour}
	var m Member
	err = challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error {
		st, err := f.Store.AddMemberState(ctx, in.OrganisationID, in.Account.ID, index, addsKey)
		if err != nil {
			return err
		}
		if err := asHead(st.Organisation, st.Requester); err != nil {
			return err
		}
		now := f.Now()
		st.Adds.Key = addsKey
		next, wait, ok := window.Take(st.Adds, now)
		if !ok {
			return fault.Limited(ErrAddLimit.Slug, wait)
		}
		adds := challenge.LogWrite{Log: next, Expires: window.Expires(next)}
		c := st.Candidate
		var refused error
		switch {
		case c == nil, c.Level != account.Confirmed, !signature.SameName(c.Surname, in.Surname):
			refused = ErrMemberNotEligible
		case st.Existing != nil:
			refused = ErrAlreadyMember
		case st.Organisation.Members >= f.MaxMembers:
			refused = ErrMemberLimit
		}
		if refused != nil {
			if err := f.Store.CountAddition(ctx, adds); err != nil {
				return err
			}
			return refused
		}
		m = Member{
			OrganisationID: in.OrganisationID, AccountID: c.ID, Role: role,
			Surname: c.Surname, GivenName: c.GivenName, AddedAt: now, AddedBy: in.Account.ID,
		}
		return f.Store.AddMember(ctx, f.change(st.Organisation, m, *c, in.Origin, event.OrganisationMemberAdded), f.MaxMembers, adds)
	})
	if err != nil {
		return Member{}, fmt.Errorf("add member to organisation %s: %w", in.OrganisationID, err)
	}
	return m, nil
}

// Removal is the head's request to remove a member.
type Removal struct {
	Account        account.Account // the requester, as authenticated
	Origin         event.Origin
	OrganisationID string
	AccountID      string // the member
}

// Remove ends a membership. Refused without a write: an organisation the
// requester is not a member of, a requester who is not its head, an
// account that is no member (ErrMemberNotFound), and the head himself.
func (f *Flow) Remove(ctx context.Context, in Removal) error {
	if in.Account.Level != account.Confirmed {
		return ErrNotConfirmed
	}
	if !account.ValidID(in.OrganisationID) {
		return ErrNotFound
	}
	if !account.ValidID(in.AccountID) {
		return ErrMemberNotFound
	}
	err := challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error {
		st, err := f.Store.RemoveMemberState(ctx, in.OrganisationID, in.Account.ID, in.AccountID)
		if err != nil {
			return err
		}
		if err := asHead(st.Organisation, st.Requester); err != nil {
			return err
		}
		switch {
		case st.Target == nil || st.Account == nil:
			return ErrMemberNotFound
		case st.Target.Role == Head:
			return ErrHeadNotRemovable
		}
		return f.Store.RemoveMember(ctx, f.change(st.Organisation, *st.Target, *st.Account, in.Origin, event.OrganisationMemberRemoved))
	})
	if err != nil {
		return fmt.Errorf("remove member from organisation %s: %w", in.OrganisationID, err)
	}
	return nil
}

// asHead refuses a requester who is not a member (as if there were no
// such organisation) or not its head.
func asHead(o Organisation, requester *Member) error {
	switch {
	case o.ID == "" || requester == nil:
		return ErrNotFound
	case requester.Role != Head:
		return ErrHeadRequired
	}
	return nil
}

// change is a membership change with one event of kind in the
// organisation's chain and one in the member's, naming who did it. The
// request's origin (the head's address and browser) stays in the
// organisation's audit chain: the member's own chain shows his own
// requests' origins only, so it carries none here.
func (f *Flow) change(o Organisation, m Member, a account.Account, origin event.Origin, kind event.Kind) Change {
	now := f.Now()
	return Change{
		Organisation: o, Member: m,
		OrgEvents:    event.Chain(o.ID, o.Events, now, origin, map[string]string{"accountId": m.AccountID, "role": string(m.Role), "by": o.HeadID}, kind),
		PersonEvents: event.Chain(a.ID, a.Events, now, event.Origin{}, map[string]string{"organisationId": o.ID, "role": string(m.Role), "by": o.HeadID}, kind),
	}
}
