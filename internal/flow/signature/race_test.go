package signature_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/flowtest"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
)

// TestSameChallengeAtOnce sends one valid signature N times at once:
// exactly one confirms, with one level-changed event and one notice per
// contact; every other submission finds the challenge spent.
func TestSameChallengeAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p, c, cms := w.ready(t)
	const n = 8
	var ok, used atomic.Int64
	errs := make([]error, n)
	flowtest.Gate(n, func(i int) {
		_, err := w.submit(p, c, cms)
		switch {
		case err == nil:
			ok.Add(1)
		case errors.Is(err, sigflow.ErrChallengeUsed):
			used.Add(1)
		default:
			errs[i] = err
		}
	})
	for _, err := range errs {
		if err != nil {
			t.Errorf("Submit() error = %v, want success or %v", err, sigflow.ErrChallengeUsed)
		}
	}
	if ok.Load() != 1 || used.Load() != n-1 {
		t.Fatalf("%d confirmed, %d found the challenge spent; want 1 and %d", ok.Load(), used.Load(), n-1)
	}
	if got := strings.Count(w.EventKinds(t, p.ID), "level-changed"); got != 1 {
		t.Errorf("%d level-changed events, want 1", got)
	}
	if got := notices(w, p); len(got) != 2 {
		t.Errorf("notices = %q, want one SMS and one mail", got)
	}
	if lvl, method := w.level(t, p.ID); lvl != account.Confirmed || method != account.MethodSignature {
		t.Errorf("account %s by %q, want confirmed by signature", lvl, method)
	}
}

// TestConfirmWhileSigningIn confirms while the same person signs in on
// other devices at the same moment, each sign-in moving the account's
// event chain: the confirmation re-reads and lands, once, and the chain
// stays intact.
func TestConfirmWhileSigningIn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p, c, cms := w.ready(t)
	const logins = 6
	var confirmErr error
	loginErrs := make([]error, logins+1)
	flowtest.Gate(logins+1, func(i int) {
		if i == 0 {
			_, confirmErr = w.submit(p, c, cms)
			return
		}
		_, loginErrs[i] = w.Login(p.Phone, flowtest.Password, "203.0.113.7")
	})
	if confirmErr != nil {
		t.Fatalf("Submit() error = %v", confirmErr)
	}
	for _, err := range loginErrs {
		if err != nil {
			t.Errorf("Login() error = %v", err)
		}
	}
	events := w.EventKinds(t, p.ID) // fails the test on a broken chain
	if strings.Count(events, "level-changed") != 1 || strings.Count(events, "login") < logins {
		t.Errorf("events = %s, want one level-changed and %d more logins", events, logins)
	}
}
