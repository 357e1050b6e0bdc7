package recovery_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/recovery"
)

// BenchmarkRecovery runs whole recoveries of distinct accounts and reports
// the DynamoDB round trips of every step. The counts are exact whatever
// the machine; the time is the emulator's.
func BenchmarkRecovery(b *testing.B) {
	e := flowtest.New(b)
	steps := []string{"start", "resend", "confirm", "password"}
	calls, nanos := map[string]int64{}, map[string]int64{}
	measure := func(step string, fn func() error) {
		before := e.Calls.Load()
		t0 := time.Now()
		if err := fn(); err != nil {
			b.Fatalf("%s: %v", step, err)
		}
		nanos[step] += time.Since(t0).Nanoseconds()
		calls[step] += e.Calls.Load() - before
	}
	n := 0
	for b.Loop() {
		b.StopTimer()
		phone, _, _ := e.Register(b, false)
		b.StartTimer()
		n++
		addr := fmt.Sprintf("10.77.%d.%d", n>>8&255, n&255)
		var id string
		measure("start", func() error {
			st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: phone, ClientIP: addr})
			id = st.ID
			return err
		})
		e.Clock.Advance(time.Minute)
		measure("resend", func() error {
			_, err := e.Recovery.Resend(ctx, recovery.ResendInput{ID: id, ClientIP: addr})
			return err
		})
		measure("confirm", func() error {
			_, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: id, Code: e.Sent.LastCode(b, phone)})
			return err
		})
		measure("password", func() error {
			_, err := e.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: id, Password: newPassword})
			return err
		})
	}
	for _, s := range steps {
		b.ReportMetric(float64(calls[s])/float64(n), s+"-ddb-calls/op")
		b.ReportMetric(float64(nanos[s])/float64(n)/1e6, s+"-ms/op")
	}
}
