package organisation

import (
	"context"
	"fmt"
	"strconv"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
)

// Mine lists the account's organisations with its role in each.
func (f *Flow) Mine(ctx context.Context, a account.Account) ([]Membership, error) {
	ms, err := f.Store.Memberships(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("list organisations of %s: %w", a.ID, err)
	}
	return ms, nil
}

// Get reads an organisation for one of its members, with his role.
func (f *Flow) Get(ctx context.Context, a account.Account, orgID string) (Organisation, Role, error) {
	if !account.ValidID(orgID) {
		return Organisation{}, "", ErrNotFound
	}
	o, m, err := f.Store.OrganisationOf(ctx, orgID, a.ID)
	if err != nil {
		return Organisation{}, "", fmt.Errorf("read organisation %s: %w", orgID, err)
	}
	if o.ID == "" || m == nil {
		return Organisation{}, "", ErrNotFound
	}
	return o, m.Role, nil
}

// Members lists an organisation's members for one of them, head first,
// then by the time they were added.
func (f *Flow) Members(ctx context.Context, a account.Account, orgID string) ([]Member, error) {
	if !account.ValidID(orgID) {
		return nil, ErrNotFound
	}
	ms, err := f.Store.Members(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("list members of %s: %w", orgID, err)
	}
	for _, m := range ms {
		if m.AccountID == a.ID {
			return ms, nil
		}
	}
	return nil, ErrNotFound
}

// EventPageSize bounds one page of an organisation's events.
const EventPageSize = 50

// EventPage is one page of an organisation's events, newest first, and
// the cursor of the next ("" when none).
type EventPage struct {
	Events []event.Event
	Next   string
}

// cursorInvalid is the field reason of a cursor that no page gave.
const cursorInvalid = "cursor-invalid"

// Events lists an organisation's audit events for its head and
// administrators, newest first: cursor "" is the first page, else the
// Next of the page before; limit is capped at EventPageSize.
func (f *Flow) Events(ctx context.Context, a account.Account, orgID, cursor string, limit int) (EventPage, error) {
	var before int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 1 {
			return EventPage{}, fault.InvalidFields(fault.Field{Pointer: "/cursor", Reason: cursorInvalid})
		}
		before = n
	}
	if !account.ValidID(orgID) {
		return EventPage{}, ErrNotFound
	}
	m, err := f.Store.MemberOf(ctx, orgID, a.ID)
	switch {
	case err != nil:
		return EventPage{}, fmt.Errorf("read membership of %s: %w", orgID, err)
	case m == nil:
		return EventPage{}, ErrNotFound
	case m.Role != Head && m.Role != Administrator:
		return EventPage{}, ErrRoleRequired
	}
	if limit <= 0 || limit > EventPageSize {
		limit = EventPageSize
	}
	evs, err := f.Store.OrganisationEvents(ctx, orgID, before, limit)
	if err != nil {
		return EventPage{}, fmt.Errorf("list events of %s: %w", orgID, err)
	}
	p := EventPage{Events: evs}
	if len(evs) == limit && evs[len(evs)-1].Seq > 1 {
		p.Next = strconv.FormatInt(evs[len(evs)-1].Seq, 10)
	}
	return p, nil
}
