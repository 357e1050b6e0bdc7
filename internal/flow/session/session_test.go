package session_test

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/token"
)

const ip = "203.0.113.9"

func TestLoginAndAuthenticate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	for _, login := range []string{phone, "8" + phone[2:], phone[2:]} {
		tk, err := e.login(t, login, password, ip)
		if err != nil {
			t.Fatalf("Login(%s form) error = %v", login[:2], err)
		}
		if tk.Level != "simplified" || tk.AccessToken == "" || tk.RefreshToken == "" {
			t.Fatalf("Login() = %+v, want tokens at level simplified", tk)
		}
		p, err := e.flow.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{IP: ip})
		if err != nil {
			t.Fatalf("Authenticate() error = %v", err)
		}
		if p.Account.Contacts[0].Address != phone {
			t.Errorf("Authenticate() account = %+v, want the registered one", p.Account.ID)
		}
	}
}

func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	_, wrong := e.login(t, phone, "Wrong-password-1", ip)
	_, unknown := e.login(t, "+79990001122", "Wrong-password-1", ip)
	_, unknownMail := e.login(t, "nobody@example.org", "Wrong-password-1", ip)
	for _, err := range []error{wrong, unknown, unknownMail} {
		if !errors.Is(err, session.ErrLoginFailed) {
			t.Errorf("Login() error = %v, want %v for both known and unknown identifiers", err, session.ErrLoginFailed)
		}
	}
	_, err := e.login(t, "not a login", password, ip)
	if f, _ := fault.As(err); f == nil || f.Kind != fault.Invalid {
		t.Errorf("Login(garbage) error = %v, want a validation fault", err)
	}
}

func TestLockout(t *testing.T) {
	t.Parallel()
	for _, known := range []bool{true, false} {
		t.Run(fmt.Sprintf("known=%v", known), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			login := "+79990001133"
			if known {
				login = e.register(t)
			}
			for i := range 5 {
				if _, err := e.login(t, login, "Wrong-password-1", fmt.Sprintf("198.51.100.%d", i)); !errors.Is(err, session.ErrLoginFailed) {
					t.Fatalf("failure %d error = %v", i+1, err)
				}
			}
			_, err := e.login(t, login, password, ip)
			f, ok := fault.As(err)
			if !ok || f.Slug != session.ErrLoginLocked.Slug || f.RetryAfter != 15*time.Minute {
				t.Fatalf("sixth Login() = %v, want login-locked for 15 min", err)
			}
			e.clock.Advance(15 * time.Minute)
			if known {
				if _, err := e.login(t, login, password, ip); err != nil {
					t.Fatalf("Login() after the lockout error = %v", err)
				}
				// A success clears the failures but a new series locks again,
				// and a repeat in a row doubles.
				for range 5 {
					_, _ = e.login(t, login, "Wrong-password-1", ip)
				}
				_, err = e.login(t, login, password, ip)
				if f, _ := fault.As(err); f == nil || f.RetryAfter != 15*time.Minute {
					t.Fatalf("after a success the next lockout = %v, want 15 min again", err)
				}
				return
			}
			for range 5 {
				_, _ = e.login(t, login, "Wrong-password-1", ip)
			}
			_, err = e.login(t, login, password, ip)
			if f, _ := fault.As(err); f == nil || f.RetryAfter != 30*time.Minute {
				t.Fatalf("repeated lockout = %v, want 30 min (doubled)", err)
			}
		})
	}
}

func TestFailuresPerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 20 {
		if _, err := e.login(t, fmt.Sprintf("+7999000%04d", i), "Wrong-password-1", ip); !errors.Is(err, session.ErrLoginFailed) {
			t.Fatalf("failure %d error = %v", i+1, err)
		}
	}
	_, err := e.login(t, "+79990009999", "Wrong-password-1", ip)
	if !errors.Is(err, session.ErrTooManyFailures) {
		t.Fatalf("21st failure from one address = %v, want %v", err, session.ErrTooManyFailures)
	}
}

// TestConcurrentWrongLogins: 20 wrong passwords at once count exactly 5
// failures and one lockout; the rest are refused as locked.
func TestConcurrentWrongLogins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	var failed, locked atomic.Int32
	gate(20, func(i int) {
		_, err := e.login(t, phone, "Wrong-password-1", fmt.Sprintf("198.51.100.%d", i))
		switch {
		case errors.Is(err, session.ErrLoginFailed):
			failed.Add(1)
		case errors.Is(err, session.ErrLoginLocked):
			locked.Add(1)
		default:
			t.Errorf("Login() error = %v", err)
		}
	})
	if failed.Load() != 5 || locked.Load() != 15 {
		t.Errorf("answers: %d failed, %d locked; want 5 and 15", failed.Load(), locked.Load())
	}
	kinds := e.eventKinds(t, phone)
	if kinds[event.LoginFailed] != 5 || kinds[event.Lockout] != 1 {
		t.Errorf("events = %v, want 5 login-failed and 1 lockout", kinds)
	}
}

func (e *env) eventKinds(t *testing.T, phone string) map[event.Kind]int {
	t.Helper()
	tk, err := e.loginAfterLock(t, phone)
	if err != nil {
		t.Fatalf("Login() error = %v", err)
	}
	p, err := e.flow.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{})
	if err != nil {
		t.Fatalf("Authenticate() error = %v", err)
	}
	evs, err := e.store.AllEvents(ctx, p.Account.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[event.Kind]int{}
	for _, ev := range evs {
		out[ev.Kind]++
	}
	return out
}

func (e *env) loginAfterLock(t *testing.T, phone string) (session.Tokens, error) {
	e.clock.Advance(time.Hour)
	return e.login(t, phone, password, "192.0.2.200")
}

func TestRefreshRotates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	first, err := e.login(t, phone, password, ip)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	second, err := e.flow.Refresh(ctx, first.RefreshToken, session.Client{IP: ip})
	if err != nil {
		t.Fatalf("Refresh() error = %v", err)
	}
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatalf("Refresh() did not rotate")
	}
	// The spent token again: the family is revoked, the new one too.
	if _, err := e.flow.Refresh(ctx, first.RefreshToken, session.Client{IP: ip}); !errors.Is(err, session.ErrRefreshReused) {
		t.Fatalf("Refresh(spent) error = %v, want %v", err, session.ErrRefreshReused)
	}
	if _, err := e.flow.Refresh(ctx, second.RefreshToken, session.Client{IP: ip}); !errors.Is(err, session.ErrRefreshInvalid) {
		t.Errorf("Refresh(latest after reuse) error = %v, want %v", err, session.ErrRefreshInvalid)
	}
	if _, err := e.flow.Authenticate(ctx, "Bearer "+second.AccessToken, session.Client{}); !errors.Is(err, session.ErrSessionInvalid) {
		t.Errorf("Authenticate() after reuse error = %v, want %v", err, session.ErrSessionInvalid)
	}
	for _, bad := range []string{"", "x.y.z", first.RefreshToken + "x", "aaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaa.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		if _, err := e.flow.Refresh(ctx, bad, session.Client{}); !errors.Is(err, session.ErrRefreshInvalid) {
			t.Errorf("Refresh(bad) error = %v, want %v", err, session.ErrRefreshInvalid)
		}
	}
}

// TestConcurrentRefresh: the same refresh token twice at once; one
// succeeds and the family is revoked, since one presenter is a thief.
func TestConcurrentRefresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	tk, err := e.login(t, phone, password, ip)
	if err != nil {
		t.Fatal(err)
	}
	var ok, reused atomic.Int32
	var winner atomic.Value
	gate(2, func(int) {
		got, err := e.flow.Refresh(ctx, tk.RefreshToken, session.Client{IP: ip})
		switch {
		case err == nil:
			ok.Add(1)
			winner.Store(got)
		case errors.Is(err, session.ErrRefreshReused):
			reused.Add(1)
		default:
			t.Errorf("Refresh() error = %v", err)
		}
	})
	if ok.Load() != 1 || reused.Load() != 1 {
		t.Fatalf("%d succeeded, %d saw reuse; want 1 and 1", ok.Load(), reused.Load())
	}
	w := winner.Load().(session.Tokens)
	if _, err := e.flow.Refresh(ctx, w.RefreshToken, session.Client{}); !errors.Is(err, session.ErrRefreshInvalid) {
		t.Errorf("the winner's token after the reuse: %v, want %v (family revoked)", err, session.ErrRefreshInvalid)
	}
}

func TestLevelChangeShowsOnRefresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	tk, err := e.login(t, phone, password, ip)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := e.flow.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{})
	_, err = e.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(e.table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + p.Account.ID}, "sk": &types.AttributeValueMemberS{Value: "ACCOUNT"},
		},
		UpdateExpression:          aws.String("SET #l = :l"),
		ExpressionAttributeNames:  map[string]string{"#l": "level"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":l": &types.AttributeValueMemberS{Value: "standard"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	next, err := e.flow.Refresh(ctx, tk.RefreshToken, session.Client{})
	if err != nil {
		t.Fatalf("Refresh() error = %v", err)
	}
	if next.Level != "standard" {
		t.Errorf("Refresh() level = %q, want standard", next.Level)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	a, _ := e.login(t, phone, password, ip)
	b, _ := e.login(t, phone, password, ip)
	c, _ := e.login(t, phone, password, ip)
	pa, err := e.flow.Authenticate(ctx, "Bearer "+a.AccessToken, session.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.flow.Logout(ctx, pa); err != nil {
		t.Fatalf("Logout() error = %v", err)
	}
	if _, err := e.flow.Authenticate(ctx, "Bearer "+a.AccessToken, session.Client{}); !errors.Is(err, session.ErrSessionInvalid) {
		t.Errorf("Authenticate() after logout = %v, want %v", err, session.ErrSessionInvalid)
	}
	if _, err := e.flow.Refresh(ctx, a.RefreshToken, session.Client{}); !errors.Is(err, session.ErrRefreshInvalid) {
		t.Errorf("Refresh() after logout = %v, want %v", err, session.ErrRefreshInvalid)
	}
	pb, err := e.flow.Authenticate(ctx, "Bearer "+b.AccessToken, session.Client{})
	if err != nil {
		t.Fatalf("another session after logout: %v", err)
	}
	e.clock.Advance(time.Millisecond)
	if err := e.flow.LogoutEverywhere(ctx, pb); err != nil {
		t.Fatalf("LogoutEverywhere() error = %v", err)
	}
	for _, tk := range []session.Tokens{b, c} {
		if _, err := e.flow.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{}); !errors.Is(err, session.ErrSessionInvalid) {
			t.Errorf("Authenticate() after sign-out everywhere = %v, want %v", err, session.ErrSessionInvalid)
		}
	}
	e.clock.Advance(time.Millisecond)
	if _, err := e.login(t, phone, password, ip); err != nil {
		t.Errorf("a new sign-in after sign-out everywhere: %v", err)
	}
}

func TestBadAccessTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	tk, _ := e.login(t, phone, password, ip)
	tests := []struct {
		name, header string
		want         error
	}{
		{"missing", "", session.ErrMissingBearer},
		{"wrong scheme", "Basic " + tk.AccessToken, session.ErrMissingBearer},
		{"garbage", "Bearer abc.def.ghi", token.ErrTokenInvalid},
		{"alg none", "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.", token.ErrTokenInvalid},
		{"tampered", "Bearer " + tamper(tk.AccessToken), token.ErrTokenInvalid},
	}
	for _, tt := range tests {
		if _, err := e.flow.Authenticate(ctx, tt.header, session.Client{}); !errors.Is(err, tt.want) {
			t.Errorf("%s: Authenticate() error = %v, want %v", tt.name, err, tt.want)
		}
	}
	e.clock.Advance(16 * time.Minute)
	if _, err := e.flow.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{}); !errors.Is(err, token.ErrTokenExpired) {
		t.Errorf("expired: Authenticate() error = %v, want %v", err, token.ErrTokenExpired)
	}
}

// tamper flips one character of the payload, keeping the signature.
func tamper(jwt string) string {
	b := []byte(jwt)
	for i := len(b) / 2; i < len(b); i++ {
		if b[i] >= 'a' && b[i] < 'z' {
			b[i]++
			break
		}
	}
	return string(b)
}
