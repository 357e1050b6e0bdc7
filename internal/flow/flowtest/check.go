package flowtest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/session"
)

// Told lists the messages sent after the first n as "address template".
func (r *Recorder) Told(n int) []string {
	var out []string
	for _, m := range r.Since(n) {
		out = append(out, m.Address+" "+m.Template)
	}
	return out
}

// EventKinds lists an account's events oldest first, space-separated,
// failing the test when the hash chain does not verify.
func (e *Env) EventKinds(t testing.TB, accountID string) string {
	t.Helper()
	ctx := context.Background()
	a, err := e.Store.Account(ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := e.Store.AllEvents(ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	if broken := event.Verify(evs, a.Events); broken != 0 {
		t.Errorf("event chain broken at %d", broken)
	}
	kinds := make([]string, len(evs))
	for i, ev := range evs {
		kinds[i] = string(ev.Kind)
	}
	return strings.Join(kinds, " ")
}

// Fields lists a validation fault's fields as "pointer:reason"; nil when
// err is not a validation fault.
func Fields(err error) []string {
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.Invalid {
		return nil
	}
	var out []string
	for _, fl := range f.Fields {
		out = append(out, fl.Pointer+":"+fl.Reason)
	}
	return out
}

// Meter counts the DynamoDB round trips and the time of named steps, for
// benchmarks to report per operation.
type Meter struct {
	e            *Env
	steps        []string
	calls, nanos map[string]int64
}

// Meter returns a meter of the steps, in the order they are reported.
func (e *Env) Meter(steps ...string) *Meter {
	return &Meter{e: e, steps: steps, calls: map[string]int64{}, nanos: map[string]int64{}}
}

// Measure runs one step, failing the benchmark when it fails.
func (m *Meter) Measure(b *testing.B, step string, fn func() error) {
	b.Helper()
	before := m.e.Calls.Load()
	t0 := time.Now()
	if err := fn(); err != nil {
		b.Fatalf("%s: %v", step, err)
	}
	m.nanos[step] += time.Since(t0).Nanoseconds()
	m.calls[step] += m.e.Calls.Load() - before
}

// Report reports each step's round trips and milliseconds per operation
// over n operations. The counts are exact whatever the machine; the time
// is the emulator's.
func (m *Meter) Report(b *testing.B, n int) {
	for _, s := range m.steps {
		b.ReportMetric(float64(m.calls[s])/float64(n), s+"-ddb-calls/op")
		b.ReportMetric(float64(m.nanos[s])/float64(n)/1e6, s+"-ms/op")
	}
}

// PasswordIs checks that login signs in with password now and no longer
// with old.
func (e *Env) PasswordIs(t testing.TB, login, old, password string) {
	t.Helper()
	if _, err := e.Login(login, old, "192.0.2.1"); !errors.Is(err, session.ErrLoginFailed) {
		t.Errorf("Login(old password) = %v, want %v", err, session.ErrLoginFailed)
	}
	if _, err := e.Login(login, password, "192.0.2.1"); err != nil {
		t.Errorf("Login(new password) = %v", err)
	}
}
