package organisation_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/organisation"
)

// TestMembers adds, lists and removes members: each change is an event in
// the organisation's chain and in the member's, and the member sees the
// organisation while he is one.
func TestMembers(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	h := w.confirmed(t)
	o := w.create(t, h)
	admin, emp := w.confirmed(t), w.confirmed(t)
	if err := w.add(h, o, admin, organisation.Administrator); err != nil {
		t.Fatalf("Add(administrator) error = %v", err)
	}
	w.Clock.Advance(time.Second)
	m, err := w.Flow.Add(ctx, organisation.Addition{
		Account: h.Principal.Account, OrganisationID: o.ID, SNILS: emp.SNILS[:3] + "-" + emp.SNILS[3:6] + "-" + emp.SNILS[6:9] + " " + emp.SNILS[9:],
		Surname: "ПЕТРОВА", Role: "employee",
	})
	if err != nil || m.AccountID != emp.ID || m.Role != organisation.Employee || m.AddedBy != h.ID {
		t.Fatalf("Add(employee) = %+v, %v", m, err)
	}
	if got := w.last(t, emp.ID); got != "organisation-member-added "+o.ID+" employee" {
		t.Errorf("the employee's last event = %q", got)
	}
	members, err := w.Flow.Members(ctx, emp.Principal.Account, o.ID)
	if err != nil || len(members) != 3 || members[0].AccountID != h.ID || members[1].AccountID != admin.ID || members[2].AccountID != emp.ID {
		t.Errorf("Members() = %+v, %v; want head, administrator, employee", members, err)
	}
	mine, err := w.Flow.Mine(ctx, emp.Principal.Account)
	if err != nil || len(mine) != 1 || mine[0].Organisation.ID != o.ID || mine[0].Organisation.Name != orgName || mine[0].Role != organisation.Employee {
		t.Errorf("Mine(employee) = %+v, %v", mine, err)
	}
	if got, _, _ := w.Store.OrganisationOf(ctx, o.ID, ""); got.Members != 3 {
		t.Errorf("member count = %d, want 3", got.Members)
	}

	// Audit events: the head and administrators, newest first, paged.
	if _, err := w.Flow.Events(ctx, emp.Principal.Account, o.ID, "", 0); !errors.Is(err, organisation.ErrRoleRequired) {
		t.Errorf("Events(employee) error = %v, want %v", err, organisation.ErrRoleRequired)
	}
	page, err := w.Flow.Events(ctx, admin.Principal.Account, o.ID, "", 2)
	if err != nil || len(page.Events) != 2 || page.Events[0].Seq != 3 || page.Next != "2" {
		t.Fatalf("Events(administrator, 2) = %+v, %v; want seq 3 and 2 and a cursor", page, err)
	}
	page, err = w.Flow.Events(ctx, h.Principal.Account, o.ID, page.Next, 2)
	if err != nil || len(page.Events) != 1 || page.Events[0].Kind != "organisation-created" || page.Next != "" {
		t.Errorf("Events(head, next) = %+v, %v; want the creation, last", page, err)
	}
	if _, err := w.Flow.Events(ctx, h.Principal.Account, o.ID, "x", 0); !slices.Equal(flowtest.Fields(err), []string{"/cursor:cursor-invalid"}) {
		t.Errorf("Events(bad cursor) error = %v", err)
	}

	if err := w.Flow.Remove(ctx, organisation.Removal{Account: h.Principal.Account, OrganisationID: o.ID, AccountID: emp.ID}); err != nil {
		t.Fatalf("Remove() error = %v", err)
	}
	if got := w.last(t, emp.ID); got != "organisation-member-removed "+o.ID+" employee" {
		t.Errorf("the employee's last event = %q", got)
	}
	if _, err := w.Flow.Members(ctx, emp.Principal.Account, o.ID); !errors.Is(err, organisation.ErrNotFound) {
		t.Errorf("Members(removed) error = %v, want %v", err, organisation.ErrNotFound)
	}
	if mine, err := w.Flow.Mine(ctx, emp.Principal.Account); err != nil || len(mine) != 0 {
		t.Errorf("Mine(removed) = %+v, %v; want none", mine, err)
	}
	want := []string{
		"organisation-created " + h.ID + " head", "organisation-member-added " + admin.ID + " administrator",
		"organisation-member-added " + emp.ID + " employee", "organisation-member-removed " + emp.ID + " employee",
	}
	if got := w.orgEvents(t, o.ID); !slices.Equal(got, want) {
		t.Errorf("organisation events = %q, want %q", got, want)
	}
	// Added again after a removal.
	if err := w.add(h, o, emp, organisation.Employee); err != nil {
		t.Errorf("Add() after a removal error = %v", err)
	}
}

// TestMemberRefusals runs one refused addition or removal per case: its
// answer, and that nothing is written but the head's counter of additions
// (ORG_MEMBER_ADDS_PER_HOUR), which exists before the cases run.
func TestMemberRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 3)
	h := w.confirmed(t)
	o := w.create(t, h)
	emp, admin, stranger := w.confirmed(t), w.confirmed(t), w.confirmed(t)
	for _, m := range []struct {
		m    member
		role organisation.Role
	}{{emp, organisation.Employee}, {admin, organisation.Administrator}} {
		if err := w.add(h, o, m.m, m.role); err != nil {
			t.Fatal(err)
		}
	}
	full := w.confirmed(t) // the organisation has 3 of 3
	oh := w.confirmed(t)
	other := w.create(t, oh)
	std := w.standard(t)
	addBy := func(by member, orgID string, whom member, surname, role string) func() error {
		return func() error {
			_, err := w.Flow.Add(ctx, organisation.Addition{Account: by.Principal.Account, OrganisationID: orgID, SNILS: whom.SNILS, Surname: surname, Role: role})
			return err
		}
	}
	remove := func(by member, orgID, id string) func() error {
		return func() error {
			return w.Flow.Remove(ctx, organisation.Removal{Account: by.Principal.Account, OrganisationID: orgID, AccountID: id})
		}
	}
	tests := []struct {
		name   string
		do     func() error
		want   error
		fields []string
	}{
		{"member not confirmed", addBy(oh, other.ID, std, surname, "employee"), organisation.ErrMemberNotEligible, nil},
		{"no account with the SNILS", addBy(oh, other.ID, member{SNILS: snils(people.Add(1))}, surname, "employee"), organisation.ErrMemberNotEligible, nil},
		{"another surname", addBy(oh, other.ID, full, "Иванова", "employee"), organisation.ErrMemberNotEligible, nil},
		{"non-head adds (an administrator)", addBy(admin, o.ID, full, surname, "employee"), organisation.ErrHeadRequired, nil},
		{"non-member adds", addBy(stranger, o.ID, full, surname, "employee"), organisation.ErrNotFound, nil},
		{"no such organisation", addBy(h, "AAAAAAAAAAAAAAAAAAAAAAAAAA", full, surname, "employee"), organisation.ErrNotFound, nil},
		{"already a member", addBy(h, o.ID, emp, surname, "administrator"), organisation.ErrAlreadyMember, nil},
		{"the head adds himself", addBy(h, o.ID, h, surname, "employee"), organisation.ErrAlreadyMember, nil},
		{"member limit", addBy(h, o.ID, full, surname, "employee"), organisation.ErrMemberLimit, nil},
		{"role head", addBy(h, o.ID, full, surname, "head"), fault.InvalidFields(), []string{"/role:role-invalid"}},
		{"every field wrong", addBy(h, o.ID, member{SNILS: "112-233-445 96"}, "R2D2", ""), fault.InvalidFields(), []string{"/snils:snils-invalid", "/surname:name-invalid", "/role:role-invalid"}},
		{"removing the head", remove(h, o.ID, h.ID), organisation.ErrHeadNotRemovable, nil},
		{"non-head removes", remove(admin, o.ID, emp.ID), organisation.ErrHeadRequired, nil},
		{"non-member removes", remove(stranger, o.ID, emp.ID), organisation.ErrNotFound, nil},
		{"removing a non-member", remove(h, o.ID, stranger.ID), organisation.ErrMemberNotFound, nil},
		{"removing a malformed id", remove(h, o.ID, "../x"), organisation.ErrMemberNotFound, nil},
		{"removing from another organisation", remove(h, other.ID, emp.ID), organisation.ErrNotFound, nil},
	}
	// Every head's counter of additions exists already (h added two), so
	// that a counted refusal adds no item: one counted refusal by oh.
	if err := addBy(oh, other.ID, std, surname, "employee")(); !errors.Is(err, organisation.ErrMemberNotEligible) {
		t.Fatalf("Add(not confirmed) = %v", err)
	}
	// One at a time: each counts the items of the shared table.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := w.Items(t)
			err := tt.do()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if got := flowtest.Fields(err); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %q, want %q", got, tt.fields)
			}
			if after := w.Items(t); after != before {
				t.Errorf("a refusal wrote %d items", after-before)
			}
		})
	}
	if got := w.orgEvents(t, o.ID); len(got) != 3 {
		t.Errorf("organisation events = %q, want the creation and two additions", got)
	}
	if _, _, err := w.Flow.Get(ctx, stranger.Principal.Account, o.ID); !errors.Is(err, organisation.ErrNotFound) {
		t.Errorf("Get(non-member) error = %v, want %v", err, organisation.ErrNotFound)
	}
	if _, err := w.Flow.Members(ctx, stranger.Principal.Account, o.ID); !errors.Is(err, organisation.ErrNotFound) {
		t.Errorf("Members(non-member) error = %v, want %v", err, organisation.ErrNotFound)
	}
	if _, err := w.Flow.Events(ctx, stranger.Principal.Account, o.ID, "", 0); !errors.Is(err, organisation.ErrNotFound) {
		t.Errorf("Events(non-member) error = %v, want %v", err, organisation.ErrNotFound)
	}
	// The ineligible answers are one: the same fault, no fields, for an
	// unknown, an unconfirmed and a misnamed person.
	if f, _ := fault.As(organisation.ErrMemberNotEligible); f.Kind != fault.Invalid || len(f.Fields) != 0 {
		t.Errorf("member-not-eligible = %+v", f)
	}
}

// TestIneligibleLookAlike checks that the head cannot tell an unknown
// SNILS from a person who is not confirmed or has another surname: the
// same answer after the same DynamoDB round trips (two reads and the
// counted attempt).
func TestIneligibleLookAlike(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	h := w.confirmed(t)
	o := w.create(t, h)
	std, other := w.standard(t), w.confirmed(t)
	calls := map[string]int64{}
	for name, in := range map[string]organisation.Addition{
		"unknown":       {SNILS: snils(people.Add(1)), Surname: surname},
		"not confirmed": {SNILS: std.SNILS, Surname: surname},
		"misnamed":      {SNILS: other.SNILS, Surname: "Иванова"},
	} {
		in.Account, in.OrganisationID, in.Role = h.Principal.Account, o.ID, "employee"
		before := w.Calls.Load()
		if _, err := w.Flow.Add(ctx, in); !errors.Is(err, organisation.ErrMemberNotEligible) {
			t.Errorf("%s: Add() error = %v, want %v", name, err, organisation.ErrMemberNotEligible)
		}
		calls[name] = w.Calls.Load() - before
	}
	if calls["unknown"] != calls["not confirmed"] || calls["unknown"] != calls["misnamed"] || calls["unknown"] != 3 {
		t.Errorf("round trips = %v, want 3 each", calls)
	}
}

// TestHeadsOriginStaysWithTheOrganisation: the member's own chain says who
// added him (by) but not from where: the head's address and browser are
// his, kept in the organisation's audit chain only.
func TestHeadsOriginStaysWithTheOrganisation(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	h := w.confirmed(t)
	o := w.create(t, h)
	emp := w.confirmed(t)
	if err := w.add(h, o, emp, organisation.Employee); err != nil {
		t.Fatal(err)
	}
	mine, err := w.Store.Events(ctx, emp.ID, 0, 1)
	if err != nil || len(mine) != 1 {
		t.Fatalf("Events(member) = %v, %v", mine, err)
	}
	if e := mine[0]; e.Kind != event.OrganisationMemberAdded || e.IP != "" || e.UserAgent != "" || e.Details["by"] != h.ID {
		t.Errorf("the member's event = %s ip %q agent %q by %q; want the addition by the head with no origin", e.Kind, e.IP, e.UserAgent, e.Details["by"])
	}
	audit, err := w.Store.OrganisationEvents(ctx, o.ID, 0, 1)
	if err != nil || len(audit) != 1 || audit[0].IP != h.Principal.Client.IP || audit[0].IP == "" {
		t.Errorf("the organisation's event = %+v, %v; want the head's address", audit, err)
	}
}

// TestHeadNoLongerConfirmed: a head whose account fell below confirmed (a
// failed re-check) may neither add nor remove members.
func TestHeadNoLongerConfirmed(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	h := w.confirmed(t)
	o := w.create(t, h)
	emp, other := w.confirmed(t), w.confirmed(t)
	if err := w.add(h, o, emp, organisation.Employee); err != nil {
		t.Fatal(err)
	}
	fallen := h.Principal.Account
	fallen.Level = account.Standard
	before := w.Items(t)
	if _, err := w.Flow.Add(ctx, organisation.Addition{Account: fallen, OrganisationID: o.ID, SNILS: other.SNILS, Surname: surname, Role: "employee"}); !errors.Is(err, organisation.ErrNotConfirmed) {
		t.Errorf("Add() by a head no longer confirmed = %v, want %v", err, organisation.ErrNotConfirmed)
	}
	if err := w.Flow.Remove(ctx, organisation.Removal{Account: fallen, OrganisationID: o.ID, AccountID: emp.ID}); !errors.Is(err, organisation.ErrNotConfirmed) {
		t.Errorf("Remove() by a head no longer confirmed = %v, want %v", err, organisation.ErrNotConfirmed)
	}
	if w.Items(t) != before {
		t.Errorf("a refusal wrote items")
	}
}
