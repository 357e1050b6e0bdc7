package organisation_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/fault"

	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/organisation"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
)

// TestSameOGRNAtOnce has N people create the same organisation at once,
// each with a valid certificate naming it: exactly one becomes its head,
// every other is told the OGRN is taken, and only the winner has it.
func TestSameOGRNAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	nums := fresh()
	const n = 6
	ps := make([]member, n)
	ins := make([]organisation.Creation, n)
	for i := range n {
		ps[i] = w.confirmed(t)
		c := w.challenge(t, ps[i])
		ins[i] = creation(ps[i], c, nums, w.signed(t, head(nums), c.Bytes))
	}
	ok, taken, errs := flowtest.Tally(n, organisation.ErrOGRNTaken, func(i int) error {
		_, err := w.Flow.Create(ctx, ins[i])
		return err
	})
	for _, err := range errs {
		t.Errorf("Create() error = %v, want success or %v", err, organisation.ErrOGRNTaken)
	}
	if ok != 1 || taken != n-1 {
		t.Fatalf("%d created, %d found the OGRN taken; want 1 and %d", ok, taken, n-1)
	}
	heads := 0
	for _, p := range ps {
		mine, err := w.Flow.Mine(ctx, p.Principal.Account)
		if err != nil {
			t.Fatal(err)
		}
		heads += len(mine)
		if strings.Count(w.EventKinds(t, p.ID), "organisation-created") != len(mine) {
			t.Errorf("%s: events %s for %d organisations", p.ID, w.EventKinds(t, p.ID), len(mine))
		}
	}
	if heads != 1 {
		t.Errorf("%d memberships, want 1", heads)
	}
}

// TestAddsAtTheLimit has the head add N people at once to an
// organisation with room for fewer: never more members than the limit,
// exactly as many additions succeed as there was room for, and the count,
// the members and the chain agree.
func TestAddsAtTheLimit(t *testing.T) {
	t.Parallel()
	const limit, n = 4, 7
	w := newWorld(t, limit)
	h := w.confirmed(t)
	o := w.create(t, h)
	cands := make([]member, n)
	for i := range cands {
		cands[i] = w.confirmed(t)
	}
	ok, full, errs := flowtest.Tally(n, organisation.ErrMemberLimit, func(i int) error {
		return w.add(h, o, cands[i], organisation.Employee)
	})
	for _, err := range errs {
		t.Errorf("Add() error = %v, want success or %v", err, organisation.ErrMemberLimit)
	}
	if ok != limit-1 || full != n-limit+1 {
		t.Fatalf("%d added, %d refused at the limit; want %d and %d", ok, full, limit-1, n-limit+1)
	}
	members, err := w.Flow.Members(ctx, h.Principal.Account, o.ID)
	if err != nil || len(members) != limit {
		t.Errorf("Members() = %d, %v; want %d", len(members), err, limit)
	}
	if got, _, _ := w.Store.OrganisationOf(ctx, o.ID, ""); got.Members != limit {
		t.Errorf("member count = %d, want %d", got.Members, limit)
	}
	if evs := w.orgEvents(t, o.ID); len(evs) != limit {
		t.Errorf("organisation events = %q, want the creation and %d additions", evs, limit-1)
	}
}

// TestCreateSameChallengeAtOnce sends one valid creation N times at once:
// exactly one creates, every other finds the challenge spent.
func TestCreateSameChallengeAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	p := w.confirmed(t)
	nums := fresh()
	c := w.challenge(t, p)
	in := creation(p, c, nums, w.signed(t, head(nums), c.Bytes))
	const n = 6
	ok, used, errs := flowtest.Tally(n, sigflow.ErrChallengeUsed, func(int) error {
		_, err := w.Flow.Create(ctx, in)
		return err
	})
	for _, err := range errs {
		t.Errorf("Create() error = %v, want success or %v", err, sigflow.ErrChallengeUsed)
	}
	if ok != 1 || used != n-1 {
		t.Fatalf("%d created, %d found the challenge spent; want 1 and %d", ok, used, n-1)
	}
	if mine, _ := w.Flow.Mine(ctx, p.Principal.Account); len(mine) != 1 {
		t.Errorf("%d organisations, want 1", len(mine))
	}
}

// TestAdditionsCountedAtOnce: a head trying more additions at once than
// ORG_MEMBER_ADDS_PER_HOUR allows (each naming a real SNILS with a wrong
// surname, the guess the limit is for) gets exactly the limit judged and
// the rest refused with Retry-After; an hour later he may try again.
func TestAdditionsCountedAtOnce(t *testing.T) {
	t.Parallel()
	const limit, n = 3, 8
	w := newWorld(t, 10)
	w.Flow.AddsPerHour = limit
	h := w.confirmed(t)
	o := w.create(t, h)
	cands := make([]member, n)
	for i := range cands {
		cands[i] = w.confirmed(t)
	}
	guess := func(i int) error {
		_, err := w.Flow.Add(ctx, organisation.Addition{Account: h.Principal.Account, OrganisationID: o.ID, SNILS: cands[i].SNILS, Surname: "Иванова", Role: "employee"})
		return err
	}
	judged, limited, errs := 0, 0, []error(nil)
	var mu sync.Mutex
	flowtest.Gate(n, func(i int) {
		err := guess(i)
		mu.Lock()
		defer mu.Unlock()
		f, _ := fault.As(err)
		switch {
		case errors.Is(err, organisation.ErrMemberNotEligible):
			judged++
		case f != nil && f.Slug == organisation.ErrAddLimit.Slug && f.RetryAfter > 0 && f.RetryAfter <= time.Hour:
			limited++
		default:
			errs = append(errs, err)
		}
	})
	for _, err := range errs {
		t.Errorf("Add() error = %v, want %v or %v with Retry-After", err, organisation.ErrMemberNotEligible, organisation.ErrAddLimit)
	}
	if judged != limit || limited != n-limit {
		t.Fatalf("%d judged, %d limited; want %d and %d", judged, limited, limit, n-limit)
	}
	// Even a right guess is refused now, and accepted once the hour passed.
	if err := w.add(h, o, cands[0], organisation.Employee); !errors.Is(err, organisation.ErrAddLimit) {
		t.Fatalf("Add(right surname) at the limit = %v, want %v", err, organisation.ErrAddLimit)
	}
	w.Clock.Advance(time.Hour)
	if err := w.add(h, o, cands[0], organisation.Employee); err != nil {
		t.Fatalf("Add() an hour later = %v", err)
	}
}
