package recovery_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/recovery"
)

// BenchmarkRecovery runs whole recoveries of distinct accounts and reports
// the DynamoDB round trips of every step.
func BenchmarkRecovery(b *testing.B) {
	e := flowtest.New(b)
	m := e.Meter("start", "resend", "confirm", "password")
	n := 0
	for b.Loop() {
		b.StopTimer()
		phone, _, _ := e.Register(b, false)
		b.StartTimer()
		n++
		addr := fmt.Sprintf("10.77.%d.%d", n>>8&255, n&255)
		var id string
		m.Measure(b, "start", func() error {
			st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: phone, ClientIP: addr})
			id = st.ID
			return err
		})
		e.Clock.Advance(time.Minute)
		m.Measure(b, "resend", func() error {
			_, err := e.Recovery.Resend(ctx, recovery.ResendInput{ID: id, ClientIP: addr})
			return err
		})
		m.Measure(b, "confirm", func() error {
			_, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: id, Code: e.Sent.LastCode(b, phone)})
			return err
		})
		m.Measure(b, "password", func() error {
			_, err := e.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: id, Password: newPassword})
			return err
		})
	}
	m.Report(b, n)
}
