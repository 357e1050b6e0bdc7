package operator_test

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/operator"
)

// TestConcurrentConfirmations: two operators, each with a matching
// passport check, confirm the same account at once (three times each):
// exactly one raises the level, with one level-changed and one
// confirm-identity event; the others find it confirmed.
func TestConcurrentConfirmations(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ops := []string{w.operator(t, "op-0201", centre), w.operator(t, "op-0202", "mfc-moskva-arbat")}
	p := w.standard(t)
	for _, op := range ops {
		w.matched(t, op, p)
	}
	var won, confirmed atomic.Int32
	flowtest.Gate(6, func(i int) {
		_, _, err := w.Op.Confirm(ctx, ops[i%2], p.AccountID)
		switch {
		case err == nil:
			won.Add(1)
		case errors.Is(err, account.ErrAlreadyConfirmed):
			confirmed.Add(1)
		default:
			t.Errorf("Confirm() error = %v", err)
		}
	})
	if won.Load() != 1 || confirmed.Load() != 5 {
		t.Errorf("%d confirmations, %d found it confirmed; want 1 and 5", won.Load(), confirmed.Load())
	}
	evs, err := w.Store.AllEvents(ctx, p.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	raised, actions := 0, 0
	for _, e := range evs {
		switch {
		case e.Kind == event.LevelChanged && e.Details["to"] == string(account.Confirmed):
			raised++
		case e.Kind == event.OperatorAction && e.Details["action"] == "confirm-identity":
			actions++
		}
	}
	if raised != 1 || actions != 1 {
		t.Errorf("%d level changes to confirmed and %d confirm-identity events, want 1 and 1", raised, actions)
	}
	_ = w.EventKinds(t, p.AccountID) // the chain verifies
}

// TestConcurrentSearches: twenty searches at once by one operator with a
// limit of 5 an hour: exactly 5 are counted (each a hit, each an event),
// the rest refused.
func TestConcurrentSearches(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.Op.Limits.SearchesPerHour = 5
	op := w.operator(t, "op-0203", centre)
	p := w.standard(t)
	var found, limited atomic.Int32
	flowtest.Gate(20, func(int) {
		_, _, err := w.Op.Search(ctx, op, p.SNILS)
		switch {
		case err == nil:
			found.Add(1)
		case errors.Is(err, operator.ErrSearchLimit):
			limited.Add(1)
		default:
			t.Errorf("Search() error = %v", err)
		}
	})
	if found.Load() != 5 || limited.Load() != 15 {
		t.Errorf("%d searches found the account, %d were refused; want 5 and 15", found.Load(), limited.Load())
	}
	evs, err := w.Store.AllEvents(ctx, p.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	searches := 0
	for _, e := range evs {
		if e.Kind == event.OperatorAction && e.Details["action"] == "search" {
			searches++
		}
	}
	if searches != 5 {
		t.Errorf("%d search events, want 5", searches)
	}
}

// TestConcurrentRestorationsOfOnePhone: two operators give the same new
// phone to two accounts at once: one account gets it, the other is told
// it is taken and keeps its own.
func TestConcurrentRestorationsOfOnePhone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ops := []string{w.operator(t, "op-0204", centre), w.operator(t, "op-0205", centre)}
	people := []person{w.standard(t), w.standard(t)}
	for i, op := range ops {
		w.matched(t, op, people[i])
	}
	phone := freshPhone()
	var restored, taken atomic.Int32
	flowtest.Gate(2, func(i int) {
		_, _, err := w.Op.Restore(ctx, ops[i], people[i].AccountID, operator.RestoreInput{Phone: phone})
		switch {
		case err == nil:
			restored.Add(1)
		case errors.Is(err, operator.ErrContactTaken):
			taken.Add(1)
		default:
			t.Errorf("Restore() error = %v", err)
		}
	})
	if restored.Load() != 1 || taken.Load() != 1 {
		t.Fatalf("%d restored, %d taken; want 1 and 1", restored.Load(), taken.Load())
	}
	owner := w.Owner(t, "phone", phone)
	for _, p := range people {
		a, err := w.Store.Account(ctx, p.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := a.Contact("phone")
		if (owner == p.AccountID) != (c.Address == phone) {
			t.Errorf("account %s has phone %s while the claim names %s", p.AccountID, c.Address, owner)
		}
	}
}
