package settings_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
)

// BenchmarkSettings runs every change of settings on fresh accounts and
// reports the DynamoDB round trips of each, after the request's
// authentication (one BatchGetItem, counted as "authenticate").
func BenchmarkSettings(b *testing.B) {
	e := flowtest.New(b)
	m := e.Meter("authenticate", "password", "question", "contact-start", "contact-confirm", "notifications")
	n := 0
	for b.Loop() {
		b.StopTimer()
		phone, _, _ := e.Register(b, false)
		tk, err := e.Login(phone, password, ip)
		if err != nil {
			b.Fatal(err)
		}
		e.Clock.Advance(time.Second)
		b.StartTimer()
		n++
		addr := fmt.Sprintf("10.88.%d.%d", n>>8&255, n&255)
		var p session.Principal
		m.Measure(b, "authenticate", func() error {
			p, err = e.Sessions.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{IP: addr})
			return err
		})
		var out settings.PasswordChanged
		m.Measure(b, "password", func() error {
			out, err = e.Settings.ChangePassword(ctx, p, settings.PasswordInput{Current: password, New: newPassword})
			return err
		})
		p, _ = e.Sessions.Authenticate(ctx, "Bearer "+out.Tokens.AccessToken, session.Client{IP: addr})
		m.Measure(b, "question", func() error {
			return e.Settings.SetSecurityQuestion(ctx, p, settings.QuestionInput{Question: "Кличка собаки?", Answer: "Рекс", CurrentPassword: newPassword})
		})
		to := fmt.Sprintf("bench%d@example.org", n)
		p, _ = e.Sessions.Authenticate(ctx, "Bearer "+out.Tokens.AccessToken, session.Client{IP: addr})
		m.Measure(b, "contact-start", func() error {
			_, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: to, CurrentPassword: newPassword})
			return err
		})
		m.Measure(b, "contact-confirm", func() error {
			_, err := e.Settings.ConfirmContactChange(ctx, p, "email", e.Sent.LastCode(b, to))
			return err
		})
		p, _ = e.Sessions.Authenticate(ctx, "Bearer "+out.Tokens.AccessToken, session.Client{IP: addr})
		m.Measure(b, "notifications", func() error {
			_, err := e.Settings.SetNotificationChannels(ctx, p.Account, []string{"sms", "email"})
			return err
		})
	}
	m.Report(b, n)
}
