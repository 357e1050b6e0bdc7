package registration_test

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/flow/registration"
)

// TestConcurrentRegistrationsOfOnePhone: 50 people register the same phone
// at once; the send limit lets 5 through, and of those exactly one account
// comes out, whatever the interleaving.
func TestConcurrentRegistrationsOfOnePhone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ids := make([]string, 50)
	var started, limited atomic.Int32
	gate(50, func(i int) {
		st, err := e.flow.Start(ctx, startInput(phone, "", fmt.Sprintf("198.51.100.%d", i+1)))
		switch {
		case err == nil:
			started.Add(1)
			ids[i] = st.ID
		case errors.Is(err, registration.ErrSendLimit), errors.Is(err, registration.ErrBusy):
			limited.Add(1)
		default:
			t.Errorf("Start() error = %v", err)
		}
	})
	if started.Load() != 5 {
		t.Fatalf("%d registrations started, want exactly 5 (the hourly send limit)", started.Load())
	}
	codes := e.sent.to(phone)
	if len(codes) != 5 {
		t.Fatalf("%d codes sent to the phone, want 5", len(codes))
	}
	// Each started registration gets confirmed with its own code; every
	// message carries the code of one registration, so try each on each.
	var live []string
	for _, id := range ids {
		if id == "" {
			continue
		}
		for _, m := range codes {
			if _, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: id, Code: m.Params["code"]}); err == nil {
				live = append(live, id)
				break
			}
		}
	}
	if len(live) != 5 {
		t.Fatalf("%d registrations confirmed, want 5", len(live))
	}
	var created, taken atomic.Int32
	gate(len(live), func(i int) {
		_, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: live[i], Password: password})
		switch {
		case err == nil:
			created.Add(1)
		case errors.Is(err, registration.ErrContactTaken):
			taken.Add(1)
		default:
			t.Errorf("SetPassword() error = %v", err)
		}
	})
	if created.Load() != 1 || taken.Load() != 4 {
		t.Errorf("accounts created = %d, contact-taken = %d; want 1 and 4", created.Load(), taken.Load())
	}
	if n := e.countItems(t, "ACCOUNT#", "ACCOUNT"); n != 1 {
		t.Errorf("table holds %d accounts, want 1", n)
	}
	if n := e.countItems(t, "PHONE#", "CONTACT"); n != 1 {
		t.Errorf("table holds %d phone claims, want 1", n)
	}
}

// TestConcurrentWrongGuesses: 30 wrong guesses at once on one code count
// exactly 5 attempts, and the code is void afterwards.
func TestConcurrentWrongGuesses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, err := e.flow.Start(ctx, startInput(phone, "", ip))
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	right := e.sent.lastCode(t, phone)
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	var mismatch, exhausted atomic.Int32
	gate(30, func(int) {
		_, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Code: wrong})
		switch {
		case errors.Is(err, registration.ErrCodeMismatch):
			mismatch.Add(1)
		case errors.Is(err, registration.ErrAttemptsExhausted):
			exhausted.Add(1)
		default:
			t.Errorf("Confirm() error = %v", err)
		}
	})
	r, err := e.store.Get(ctx, st.ID)
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	if got := r.Channels["phone"].Attempts; got != 5 {
		t.Errorf("attempts counted = %d, want exactly 5", got)
	}
	if mismatch.Load() != 4 || exhausted.Load() != 26 {
		t.Errorf("answers: %d mismatch, %d exhausted; want 4 and 26", mismatch.Load(), exhausted.Load())
	}
	if _, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Code: right}); !errors.Is(err, registration.ErrAttemptsExhausted) {
		t.Errorf("Confirm(right code) after 5 wrong = %v, want %v", err, registration.ErrAttemptsExhausted)
	}
}

// TestConcurrentResends: resends at once never exceed the hourly limit.
// The minimum interval is shortened so that only the limit decides.
func TestConcurrentResends(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(l *config.Registration) { l.ResendMinInterval = time.Nanosecond })
	st, err := e.flow.Start(ctx, startInput(phone, "", ip))
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	e.clock.Advance(time.Second)
	e.clock.SetTick(time.Millisecond)
	var ok, limited atomic.Int32
	gate(20, func(i int) {
		_, err := e.flow.Resend(ctx, registration.ResendInput{ID: st.ID, ClientIP: fmt.Sprintf("198.51.100.%d", i+1)})
		switch {
		case err == nil:
			ok.Add(1)
		case errors.Is(err, registration.ErrSendLimit), errors.Is(err, registration.ErrBusy):
			limited.Add(1)
		default:
			t.Errorf("Resend() error = %v", err)
		}
	})
	if ok.Load() != 4 {
		t.Errorf("%d resends succeeded, want 4 (5 per hour, one used by the start)", ok.Load())
	}
	if n := len(e.sent.to(phone)); n != 5 {
		t.Errorf("%d codes sent, want exactly 5", n)
	}
}
