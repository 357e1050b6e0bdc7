package registration_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/flow/registration"
)

// BenchmarkRegistration runs whole registrations, each with its own phone
// and client address, and reports the DynamoDB round trips of every step.
// The counts are exact whatever the machine; the time is the emulator's.
func BenchmarkRegistration(b *testing.B) {
	e := newEnv(b)
	steps := []string{"start", "resend", "confirm", "password"}
	calls, nanos := map[string]int64{}, map[string]int64{}
	measure := func(step string, fn func() error) {
		before := e.calls.Load()
		t0 := time.Now()
		if err := fn(); err != nil {
			b.Fatalf("%s: %v", step, err)
		}
		nanos[step] += time.Since(t0).Nanoseconds()
		calls[step] += e.calls.Load() - before
	}
	n := 0
	for b.Loop() {
		n++
		phone := fmt.Sprintf("+7900%07d", n)
		addr := fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
		var id string
		measure("start", func() error {
			st, err := e.flow.Start(ctx, startInput(phone, "", addr))
			id = st.ID
			return err
		})
		e.clock.Advance(e.flow.Limits.ResendMinInterval)
		measure("resend", func() error {
			_, err := e.flow.Resend(ctx, registration.ResendInput{ID: id, ClientIP: addr})
			return err
		})
		measure("confirm", func() error {
			_, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: id, Code: e.sent.lastCode(b, phone)})
			return err
		})
		measure("password", func() error {
			_, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: id, Password: password})
			return err
		})
	}
	for _, s := range steps {
		b.ReportMetric(float64(calls[s])/float64(n), s+"-ddb-calls/op")
		b.ReportMetric(float64(nanos[s])/float64(n)/1e6, s+"-ms/op")
	}
}
