package identity_test

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"testing"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/registry"
)

// starts records the executions a flow starts, without running them.
type starts struct {
	mu    sync.Mutex
	names []string
}

func (s *starts) Start(_ context.Context, name string, _ any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names = append(s.names, name)
	return nil
}

func (s *starts) distinct() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, n := range s.names {
		seen[n] = true
	}
	return len(seen)
}

func quietFlow(t *testing.T) (*flowtest.Env, *identity.Flow, *profile.Flow, *starts) {
	t.Helper()
	e := flowtest.New(t)
	sealer := flowtest.Sealer(t)
	st := &starts{}
	f := &identity.Flow{
		Store: e.Store, Sealer: sealer, Registry: &registry.Simulator{}, Workflow: st,
		Sender: e.Sent, Index: e.Index, Now: e.Clock.Now, Rand: rand.Reader,
	}
	return e, f, &profile.Flow{Store: e.Store, Sealer: sealer, Now: e.Clock.Now}, st
}

func TestSameSNILSAtOnce(t *testing.T) {
	t.Parallel()
	e, f, profiles, _ := quietFlow(t)
	const n = 6
	ids := make([]string, n)
	for i := range ids {
		_, _, ids[i] = e.Register(t, false)
		number := []string{"100001", "100002", "100003", "100004", "100005", "100006"}[i]
		if _, err := profiles.Save(t.Context(), ids[i], person(goodSNILS, goodSeries, number)); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, n)
	flowtest.Gate(n, func(i int) { _, errs[i] = f.Submit(context.Background(), ids[i], true) })
	won, taken := tally(t, errs, identity.ErrSNILSTaken)
	if won != 1 || taken != n-1 {
		t.Errorf("%d submissions kept the SNILS and %d got snils-taken, want 1 and %d", won, taken, n-1)
	}
}

// tally counts the submissions that went through and those refused with
// lost; any other outcome fails the test.
func tally(t *testing.T, errs []error, lost error) (won, refused int) {
	t.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, lost):
			refused++
		default:
			t.Errorf("Submit() error = %v, want nil or %v", err, lost)
		}
	}
	return won, refused
}

func TestDoubleSubmission(t *testing.T) {
	t.Parallel()
	e, f, profiles, st := quietFlow(t)
	_, _, id := e.Register(t, false)
	if _, err := profiles.Save(t.Context(), id, person(goodSNILS, goodSeries, goodNumber)); err != nil {
		t.Fatal(err)
	}
	const n = 6
	errs := make([]error, n)
	flowtest.Gate(n, func(i int) { _, errs[i] = f.Submit(context.Background(), id, true) })
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, identity.ErrInProgress):
			t.Errorf("Submit() error = %v, want nil or check-in-progress", err)
		}
	}
	if won != 1 || st.distinct() != 1 {
		t.Errorf("%d checks created, %d executions named, want 1 and 1", won, st.distinct())
	}
}

func TestSubmitRefuses(t *testing.T) {
	t.Parallel()
	e, f, profiles, st := quietFlow(t)
	_, _, id := e.Register(t, false)
	before := e.Items(t)
	tests := []struct {
		name    string
		consent bool
		want    string // pointer of the first field fault
	}{
		{"no consent", false, "/consent"},
		{"empty profile", true, "/patronymic"},
	}
	for _, tt := range tests {
		_, err := f.Submit(t.Context(), id, tt.consent)
		fe, ok := faultOf(err)
		if !ok || len(fe) == 0 || fe[0] != tt.want {
			t.Errorf("%s: Submit() = %v (fields %v), want a field fault at %s", tt.name, err, fe, tt.want)
		}
	}
	if _, err := profiles.Save(t.Context(), id, profile.Patch{"gender": []byte(`"female"`)}); err != nil {
		t.Fatal(err)
	}
	if got := e.Items(t); got != before+1 { // the draft only
		t.Errorf("items = %d, want %d: a refused submission writes nothing", got, before+1)
	}
	if len(st.names) != 0 {
		t.Errorf("executions started: %v, want none", st.names)
	}
}

func faultOf(err error) ([]string, bool) {
	f, ok := fault.As(err)
	if !ok {
		return nil, false
	}
	var ptrs []string
	for _, x := range f.Fields {
		ptrs = append(ptrs, x.Pointer)
	}
	return ptrs, true
}
