package session_test

import (
	"errors"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/flow/session"
)

// TestSessionLifetimes: a refresh token not used for REFRESH_TOKEN_TTL is
// dead, and however often a session is refreshed it ends SESSION_MAX_AGE
// after its sign-in, for its refresh and its access tokens alike (ASVS
// 3.3.1, 3.3.2).
func TestSessionLifetimes(t *testing.T) {
	t.Parallel()
	limits := config.Defaults().Session
	if limits.SessionMaxAge <= 0 || limits.RefreshTokenTTL <= 0 {
		t.Fatalf("config.Defaults().Session = %+v, want positive lifetimes", limits)
	}
	tests := []struct {
		name string
		run  func(t *testing.T, e *env, signedIn time.Time, tk session.Tokens)
	}{
		{"idle refresh token expires", func(t *testing.T, e *env, _ time.Time, tk session.Tokens) {
			e.clock.Advance(limits.RefreshTokenTTL + time.Second)
			if _, err := e.flow.Refresh(ctx, tk.RefreshToken, session.Client{IP: ip}); !errors.Is(err, session.ErrRefreshInvalid) {
				t.Errorf("Refresh() after %v idle error = %v, want %v", limits.RefreshTokenTTL, err, session.ErrRefreshInvalid)
			}
		}},
		{"refresh within the idle limit keeps the session", func(t *testing.T, e *env, signedIn time.Time, tk session.Tokens) {
			e.clock.Advance(limits.RefreshTokenTTL / 2)
			next, err := e.flow.Refresh(ctx, tk.RefreshToken, session.Client{IP: ip})
			if err != nil {
				t.Fatalf("Refresh() error = %v", err)
			}
			want := e.clock.Now().Add(limits.RefreshTokenTTL)
			if end := signedIn.Add(limits.SessionMaxAge); end.Before(want) {
				want = end
			}
			if !next.RefreshExpires.Equal(want) {
				t.Errorf("Refresh() RefreshExpires = %v, want %v", next.RefreshExpires, want)
			}
		}},
		{"absolute lifetime ends a refreshed session", func(t *testing.T, e *env, signedIn time.Time, tk session.Tokens) {
			// Refresh just often enough that the idle limit never
			// bites, up to ten minutes before the absolute end.
			end := signedIn.Add(limits.SessionMaxAge)
			step := limits.RefreshTokenTTL / 2
			for e.clock.Now().Add(step).Before(end.Add(-10 * time.Minute)) {
				e.clock.Advance(step)
				next, err := e.flow.Refresh(ctx, tk.RefreshToken, session.Client{IP: ip})
				if err != nil {
					t.Fatalf("Refresh() at %v error = %v", e.clock.Now().Sub(signedIn), err)
				}
				tk = next
			}
			e.clock.Advance(end.Add(-10 * time.Minute).Sub(e.clock.Now()))
			last, err := e.flow.Refresh(ctx, tk.RefreshToken, session.Client{IP: ip})
			if err != nil {
				t.Fatalf("Refresh() ten minutes before the end error = %v", err)
			}
			if !last.RefreshExpires.Equal(end) {
				t.Errorf("Refresh() RefreshExpires = %v, want the absolute end %v", last.RefreshExpires, end)
			}
			if _, err := e.flow.Authenticate(ctx, "Bearer "+last.AccessToken, session.Client{}); err != nil {
				t.Fatalf("Authenticate() before the end error = %v", err)
			}
			// The access token still has minutes to run; the session not.
			e.clock.Advance(11 * time.Minute)
			if !e.clock.Now().Before(last.AccessExpires) {
				t.Fatalf("access token expired at %v, before the check; shorten the step", last.AccessExpires)
			}
			if _, err := e.flow.Authenticate(ctx, "Bearer "+last.AccessToken, session.Client{}); !errors.Is(err, session.ErrSessionInvalid) {
				t.Errorf("Authenticate() past SESSION_MAX_AGE error = %v, want %v", err, session.ErrSessionInvalid)
			}
			if _, err := e.flow.Refresh(ctx, last.RefreshToken, session.Client{IP: ip}); !errors.Is(err, session.ErrRefreshInvalid) {
				t.Errorf("Refresh() past SESSION_MAX_AGE error = %v, want %v", err, session.ErrRefreshInvalid)
			}
		}},
		{"a lower limit ends older sessions at once", func(t *testing.T, e *env, _ time.Time, tk session.Tokens) {
			// The session's stored expiry is a month away; an operator
			// lowers SESSION_MAX_AGE to 12 hours, and a day passes.
			e.flow.Limits.SessionMaxAge = 12 * time.Hour
			e.clock.Advance(24 * time.Hour)
			if _, err := e.flow.Refresh(ctx, tk.RefreshToken, session.Client{IP: ip}); !errors.Is(err, session.ErrRefreshInvalid) {
				t.Errorf("Refresh() of a session older than the lowered limit = %v, want %v (not tokens already dead)", err, session.ErrRefreshInvalid)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			phone := e.register(t)
			signedIn := e.clock.Now()
			tk, err := e.login(t, phone, password, ip)
			if err != nil {
				t.Fatal(err)
			}
			tt.run(t, e, signedIn, tk)
		})
	}
}
