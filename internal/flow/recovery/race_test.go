package recovery_test

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/recovery"
)

// TestConcurrentWrongCodes: 30 wrong codes at once on one recovery count
// exactly 5 attempts, and the right code is refused afterwards.
func TestConcurrentWrongCodes(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, _ := e.Register(t, false)
	st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: phone, ClientIP: ip})
	if err != nil {
		t.Fatal(err)
	}
	right := e.Sent.LastCode(t, phone)
	var mismatch, exhausted atomic.Int32
	flowtest.Gate(30, func(int) {
		_, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: st.ID, Code: flowtest.Wrong(right)})
		switch {
		case errors.Is(err, recovery.ErrMismatch):
			mismatch.Add(1)
		case errors.Is(err, challenge.ErrAttemptsExhausted):
			exhausted.Add(1)
		default:
			t.Errorf("Confirm() error = %v", err)
		}
	})
	r, err := e.Store.Recovery(ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Code.Attempts != 5 {
		t.Errorf("attempts counted = %d, want exactly 5", r.Code.Attempts)
	}
	if mismatch.Load() != 4 || exhausted.Load() != 26 {
		t.Errorf("answers: %d mismatch, %d exhausted; want 4 and 26", mismatch.Load(), exhausted.Load())
	}
	if _, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: st.ID, Code: right}); !errors.Is(err, challenge.ErrAttemptsExhausted) {
		t.Errorf("Confirm(right code) after 5 wrong = %v, want %v", err, challenge.ErrAttemptsExhausted)
	}
}

// TestConcurrentPasswordResets: ten new passwords at once on one confirmed
// recovery: exactly one is set, the others find the recovery completed.
func TestConcurrentPasswordResets(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, id := e.Register(t, false)
	rid := recoverTo(t, e, phone, phone, recovery.ConfirmInput{})
	var set, completed atomic.Int32
	flowtest.Gate(10, func(int) {
		_, err := e.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: rid, Password: newPassword})
		switch {
		case err == nil:
			set.Add(1)
		case errors.Is(err, recovery.ErrCompleted), errors.Is(err, recovery.ErrBusy):
			completed.Add(1)
		default:
			t.Errorf("SetPassword() error = %v", err)
		}
	})
	if set.Load() != 1 {
		t.Errorf("%d passwords set, want exactly 1", set.Load())
	}
	evs, err := e.Store.AllEvents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	resets := 0
	for _, ev := range evs {
		if ev.Kind == "password-reset" {
			resets++
		}
	}
	if resets != 1 {
		t.Errorf("%d password-reset events, want 1", resets)
	}
}
