package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/registry"
)

// holdItem stands between the flow and the simulator: it keeps the
// requests for item back until the test lets them through.
type holdItem struct {
	next identity.Registry
	item string
	held chan registry.Request
}

func (h *holdItem) Submit(ctx context.Context, r registry.Request) error {
	if r.Item == h.item {
		h.held <- r
		return nil
	}
	return h.next.Submit(ctx, r)
}

// TestWorkflowItemDecidedAsAnswered runs the real ASL with the pension
// fund answering at once and the migration service answering only when
// the test lets it: Progress shows the SNILS passed, with its decision
// time, while the passport is still pending; at the end both passed and
// the SNILS keeps its decision time.
func TestWorkflowItemDecidedAsAnswered(t *testing.T) {
	t.Parallel()
	// A simulated day of an hour: the held passport never times out.
	w := newWorldDay(t, &registry.Simulator{}, time.Hour)
	hold := &holdItem{next: w.Sim, item: registry.Passport, held: make(chan registry.Request, 4)}
	w.Identity.Registry = hold
	_, _, id := w.Register(t, true)
	if _, err := w.Profiles.Save(t.Context(), id, person(goodSNILS, goodSeries, goodNumber)); err != nil {
		t.Fatalf("profile Save() error = %v", err)
	}
	c, err := w.Identity.Submit(t.Context(), id, true)
	if err != nil {
		t.Fatalf("Submit() error = %v", err)
	}

	var passport registry.Request
	select {
	case passport = <-hold.held:
	case <-time.After(30 * time.Second):
		t.Fatal("the passport was never handed to its registry")
	}
	var early identity.Check
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		early, err = w.Identity.Progress(t.Context(), id, c.ID)
		if err != nil {
			t.Fatalf("Progress() error = %v", err)
		}
		if early.SNILS.Status != identity.Pending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the SNILS answer was not recorded while the passport waits")
		}
	}
	if early.State != identity.Running || early.SNILS.Status != identity.Passed || early.SNILS.DecidedAt.IsZero() {
		t.Errorf("progress while the passport waits: state %s, snils %+v; want running, snils passed with decidedAt", early.State, early.SNILS)
	}
	if early.Passport.Status != identity.Pending || !early.Passport.DecidedAt.IsZero() {
		t.Errorf("passport while held = %+v, want pending without decidedAt", early.Passport)
	}

	if err := w.Sim.Submit(t.Context(), passport); err != nil {
		t.Fatalf("release the passport: %v", err)
	}
	got := w.wait(t, c.ID)
	if got.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("execution %s (%s: %s), want SUCCEEDED", got.Status, got.Error, got.Cause)
	}
	p, err := w.Identity.Progress(t.Context(), id, c.ID)
	if err != nil {
		t.Fatalf("Progress() error = %v", err)
	}
	if p.State != identity.Passed || p.SNILS.Status != identity.Passed || p.Passport.Status != identity.Passed {
		t.Errorf("final progress: state %s, snils %s, passport %s; want all passed", p.State, p.SNILS.Status, p.Passport.Status)
	}
	if p.Passport.DecidedAt.IsZero() || !p.SNILS.DecidedAt.Equal(early.SNILS.DecidedAt) {
		t.Errorf("final decision times: snils %v (early %v), passport %v", p.SNILS.DecidedAt, early.SNILS.DecidedAt, p.Passport.DecidedAt)
	}

	// A late or repeated answer never overwrites a decided item.
	late := identity.Item{Status: identity.Failed, Reason: "snils-not-found", DecidedAt: time.Now()}
	if err := w.Store.DecideItem(t.Context(), id, c.ID, registry.SNILS, late); !errors.Is(err, identity.ErrChanged) {
		t.Errorf("DecideItem() on a decided item: error = %v, want ErrChanged", err)
	}
	after, err := w.Identity.Progress(t.Context(), id, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.SNILS != p.SNILS {
		t.Errorf("snils after a late answer = %+v, want %+v", after.SNILS, p.SNILS)
	}
}
