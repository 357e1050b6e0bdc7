package session_test

import (
	"fmt"
	"testing"

	"github.com/portalid/portalid/internal/flow/session"
)

// BenchmarkSession signs in, authenticates, refreshes and fails a sign-in,
// reporting the DynamoDB round trips of each; the counts are exact on any
// machine. Argon2id runs at test parameters, so times are the emulator's.
func BenchmarkSession(b *testing.B) {
	e := newEnv(b)
	phone := e.register(b)
	calls := map[string]int64{}
	measure := func(step string, fn func() error) {
		before := e.Calls.Load()
		if err := fn(); err != nil {
			b.Fatalf("%s: %v", step, err)
		}
		calls[step] += e.Calls.Load() - before
	}
	n := 0
	for b.Loop() {
		n++
		var tk session.Tokens
		measure("login", func() (err error) {
			tk, err = e.login(b, phone, password, ip)
			return err
		})
		measure("authenticate", func() error {
			_, err := e.flow.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{})
			return err
		})
		measure("refresh", func() error {
			_, err := e.flow.Refresh(ctx, tk.RefreshToken, session.Client{})
			return err
		})
		addr := fmt.Sprintf("10.9.%d.%d", n>>8&255, n&255)
		measure("failed-login", func() error {
			if _, err := e.login(b, phone, "Wrong-password-1", addr); !isLoginFailed(err) {
				return fmt.Errorf("want a failed login, got %v", err)
			}
			return nil
		})
		// A success clears the failure, so the lockout never trips here.
		if _, err := e.login(b, phone, password, addr); err != nil {
			b.Fatal(err)
		}
	}
	for _, s := range []string{"login", "authenticate", "refresh", "failed-login"} {
		b.ReportMetric(float64(calls[s])/float64(n), s+"-ddb-calls/op")
	}
}
