package organisation_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"

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
	var ok, taken atomic.Int64
	errs := make([]error, n)
	flowtest.Gate(n, func(i int) {
		_, err := w.Flow.Create(ctx, ins[i])
		switch {
		case err == nil:
			ok.Add(1)
		case errors.Is(err, organisation.ErrOGRNTaken):
			taken.Add(1)
		default:
			errs[i] = err
		}
	})
	for _, err := range errs {
		if err != nil {
			t.Errorf("Create() error = %v, want success or %v", err, organisation.ErrOGRNTaken)
		}
	}
	if ok.Load() != 1 || taken.Load() != n-1 {
		t.Fatalf("%d created, %d found the OGRN taken; want 1 and %d", ok.Load(), taken.Load(), n-1)
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
	var ok, full atomic.Int64
	errs := make([]error, n)
	flowtest.Gate(n, func(i int) {
		switch err := w.add(h, o, cands[i], organisation.Employee); {
		case err == nil:
			ok.Add(1)
		case errors.Is(err, organisation.ErrMemberLimit):
			full.Add(1)
		default:
			errs[i] = err
		}
	})
	for _, err := range errs {
		if err != nil {
			t.Errorf("Add() error = %v, want success or %v", err, organisation.ErrMemberLimit)
		}
	}
	if ok.Load() != limit-1 || full.Load() != n-limit+1 {
		t.Fatalf("%d added, %d refused at the limit; want %d and %d", ok.Load(), full.Load(), limit-1, n-limit+1)
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
	var ok, used atomic.Int64
	errs := make([]error, n)
	flowtest.Gate(n, func(i int) {
		switch _, err := w.Flow.Create(ctx, in); {
		case err == nil:
			ok.Add(1)
		case errors.Is(err, sigflow.ErrChallengeUsed):
			used.Add(1)
		default:
			errs[i] = err
		}
	})
	for _, err := range errs {
		if err != nil {
			t.Errorf("Create() error = %v", err)
		}
	}
	if ok.Load() != 1 || used.Load() != n-1 {
		t.Fatalf("%d created, %d found the challenge spent; want 1 and %d", ok.Load(), used.Load(), n-1)
	}
	if mine, _ := w.Flow.Mine(ctx, p.Principal.Account); len(mine) != 1 {
		t.Errorf("%d organisations, want 1", len(mine))
	}
}
