package settings_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
)

// TestConcurrentClaimsOfOnePhone: two accounts confirm the same new phone
// at once (its owner got both codes): exactly one gets it, the other
// learns it is taken, and the table holds one claim.
func TestConcurrentClaimsOfOnePhone(t *testing.T) {
	t.Parallel()
	for round := range 5 {
		e := flowtest.New(t)
		const to = "+79165550000"
		var ps []session.Principal
		var codes []string
		for i := range 2 {
			phone, _, _ := e.Register(t, false)
			p, _ := e.Principal(t, phone, ip)
			if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "phone", Value: to, CurrentPassword: flowtest.Password}); err != nil {
				t.Fatalf("StartContactChange() #%d error = %v", i, err)
			}
			ps, codes = append(ps, p), append(codes, e.Sent.LastCode(t, to))
		}
		var won, taken atomic.Int32
		winner := make([]string, 2)
		flowtest.Gate(2, func(i int) {
			_, err := e.Settings.ConfirmContactChange(ctx, ps[i], "phone", codes[i])
			switch {
			case err == nil:
				won.Add(1)
				winner[i] = ps[i].Account.ID
			case errors.Is(err, settings.ErrContactTaken):
				taken.Add(1)
			default:
				t.Errorf("ConfirmContactChange() error = %v", err)
			}
		})
		if won.Load() != 1 || taken.Load() != 1 {
			t.Fatalf("round %d: %d won, %d taken; want exactly one of each", round, won.Load(), taken.Load())
		}
		if owner := e.Owner(t, "phone", to); owner != winner[0]+winner[1] {
			t.Errorf("round %d: the phone is claimed by %q, want the winner", round, owner)
		}
	}
}

// TestConcurrentWrongContactCodes: 30 wrong codes at once count exactly 5.
func TestConcurrentWrongContactCodes(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, _ := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)
	const to = "new@example.org"
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: to, CurrentPassword: flowtest.Password}); err != nil {
		t.Fatal(err)
	}
	right := e.Sent.LastCode(t, to)
	var mismatch, exhausted atomic.Int32
	flowtest.Gate(30, func(int) {
		_, err := e.Settings.ConfirmContactChange(ctx, p, "email", flowtest.Wrong(right))
		switch {
		case errors.Is(err, challenge.ErrCodeMismatch):
			mismatch.Add(1)
		case errors.Is(err, challenge.ErrAttemptsExhausted):
			exhausted.Add(1)
		default:
			t.Errorf("ConfirmContactChange() error = %v", err)
		}
	})
	if mismatch.Load() != 4 || exhausted.Load() != 26 {
		t.Errorf("answers: %d mismatch, %d exhausted; want 4 and 26", mismatch.Load(), exhausted.Load())
	}
	if _, err := e.Settings.ConfirmContactChange(ctx, p, "email", right); !errors.Is(err, challenge.ErrAttemptsExhausted) {
		t.Errorf("ConfirmContactChange(right code) after 5 wrong = %v, want %v", err, challenge.ErrAttemptsExhausted)
	}
}

// TestConcurrentPasswordChanges: two changes at once with the right
// current password: exactly one is made; for the other the password it
// checked is no longer current.
func TestConcurrentPasswordChanges(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, _ := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)
	e.Clock.Advance(time.Second)
	news := []string{"Harbour-Comet-93", "Meadow-Quartz-58"}
	var changed, wrong atomic.Int32
	won := make([]bool, 2)
	flowtest.Gate(2, func(i int) {
		_, err := e.Settings.ChangePassword(ctx, p, settings.PasswordInput{Current: password, New: news[i]})
		switch {
		case err == nil:
			changed.Add(1)
			won[i] = true
		case errors.Is(err, settings.ErrPasswordWrong):
			wrong.Add(1)
		default:
			t.Errorf("ChangePassword() error = %v", err)
		}
	})
	if changed.Load() != 1 || wrong.Load() != 1 {
		t.Fatalf("%d changed, %d current-password-wrong; want one of each", changed.Load(), wrong.Load())
	}
	winner := news[0]
	if won[1] {
		winner = news[1]
	}
	e.PasswordIs(t, phone, password, winner)
}
