package settings_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
)

func TestChangePasswordRevokesOtherSessions(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, email, id := e.Register(t, true)
	p, mine := e.Principal(t, phone, ip)
	_, other := e.Principal(t, email, "198.51.100.7")
	e.Clock.Advance(time.Second)
	before := e.Sent.Count()

	out, err := e.Settings.ChangePassword(ctx, p, settings.PasswordInput{Current: password, New: newPassword})
	if err != nil || out.Undelivered != nil {
		t.Fatalf("ChangePassword() = %+v, %v; want a change with every notice delivered", out, err)
	}
	for name, tk := range map[string]session.Tokens{"caller's old": mine, "other": other} {
		if _, err := e.Sessions.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{}); !errors.Is(err, session.ErrSessionInvalid) {
			t.Errorf("Authenticate(%s session) = %v, want %v", name, err, session.ErrSessionInvalid)
		}
		if _, err := e.Sessions.Refresh(ctx, tk.RefreshToken, session.Client{}); !errors.Is(err, session.ErrRefreshInvalid) {
			t.Errorf("Refresh(%s session) = %v, want %v", name, err, session.ErrRefreshInvalid)
		}
	}
	if _, err := e.Sessions.Authenticate(ctx, "Bearer "+out.Tokens.AccessToken, session.Client{}); err != nil {
		t.Errorf("Authenticate(fresh session) = %v, want the caller signed in", err)
	}
	if _, err := e.Sessions.Refresh(ctx, out.Tokens.RefreshToken, session.Client{}); err != nil {
		t.Errorf("Refresh(fresh session) = %v", err)
	}
	e.PasswordIs(t, phone, password, newPassword)
	if told, want := e.Sent.Told(before), []string{phone + " password-changed-sms", email + " password-changed-mail"}; !reflect.DeepEqual(told, want) {
		t.Errorf("notices = %q, want %q", told, want)
	}
	kinds := e.EventKinds(t, id)
	if !strings.Contains(kinds, "password-changed login") {
		t.Errorf("events = %s, want password-changed then the fresh session's login", kinds)
	}
}

// TestWrongCurrentPasswordLocksLikeLogin: the password route is no way
// around the sign-in lockout; five wrong passwords lock the login itself.
func TestWrongCurrentPasswordLocksLikeLogin(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, id := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)
	for i := range 5 {
		_, err := e.Settings.ChangePassword(ctx, p, settings.PasswordInput{Current: fmt.Sprintf("Wrong-%d-password", i), New: newPassword})
		if !errors.Is(err, settings.ErrPasswordWrong) {
			t.Fatalf("ChangePassword(wrong current) #%d = %v, want %v", i+1, err, settings.ErrPasswordWrong)
		}
	}
	_, err := e.Settings.ChangePassword(ctx, p, settings.PasswordInput{Current: password, New: newPassword})
	if f, ok := fault.As(err); !ok || f.Slug != session.ErrLoginLocked.Slug || f.RetryAfter != 15*time.Minute {
		t.Fatalf("ChangePassword(right current) while locked = %v, want login-locked for 15 min", err)
	}
	if _, err := e.Login(phone, password, ip); !errors.Is(err, session.ErrLoginLocked) {
		t.Errorf("Login() after five wrong current passwords = %v, want %v", err, session.ErrLoginLocked)
	}
	if kinds := e.EventKinds(t, id); strings.Count(kinds, "login-failed") != 5 || !strings.Contains(kinds, "lockout") {
		t.Errorf("events = %s, want five login-failed and a lockout", kinds)
	}
	e.Clock.Advance(15 * time.Minute)
	if _, err := e.Settings.ChangePassword(ctx, p, settings.PasswordInput{Current: password, New: newPassword}); err != nil {
		t.Errorf("ChangePassword() after the lockout = %v", err)
	}
}

func TestChangePasswordBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, _ := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)
	tests := []struct {
		name string
		in   settings.PasswordInput
		want []string // pointer:reason
	}{
		{"no current password", settings.PasswordInput{New: newPassword}, []string{"/currentPassword:password-required"}},
		{"too short", settings.PasswordInput{Current: password, New: "Ab1"}, []string{"/newPassword:password-too-short"}},
		{"contains the phone", settings.PasswordInput{Current: password, New: "x" + phone[2:] + "x"}, []string{"/newPassword:password-contains-personal-data"}},
		{"common", settings.PasswordInput{Current: password, New: "password1"}, []string{"/newPassword:password-too-common"}},
		{"unchanged", settings.PasswordInput{Current: password, New: password}, []string{"/newPassword:password-unchanged"}},
	}
	before := e.Items(t)
	for _, tt := range tests {
		_, err := e.Settings.ChangePassword(ctx, p, tt.in)
		if got := flowtest.Fields(err); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: ChangePassword() fields = %v (%v), want %v", tt.name, got, err, tt.want)
		}
	}
	if after := e.Items(t); after != before {
		t.Errorf("bad input changed the table: %d items, want %d", after, before)
	}
}
