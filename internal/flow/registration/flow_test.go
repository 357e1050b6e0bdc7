package registration_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/registration"
)

const (
	phone    = "+79123456789"
	email    = "anna@example.org"
	ip       = "203.0.113.7"
	password = "Lantern-Orbit-47"
)

var ctx = context.Background()

func TestRegisterWithPhone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, err := e.flow.Start(ctx, startInput("8 (912) 345-67-89", "", ip))
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	msgs := e.sent.to(phone)
	if len(msgs) != 1 || msgs[0].Template != "registration-code" || len(msgs[0].Params["code"]) != 6 {
		t.Fatalf("Start() sent %+v, want one registration-code SMS to the normalised phone", msgs)
	}
	if got, want := st.Channels[0].CodeExpires, e.clock.Now().Add(300*time.Second); !got.Equal(want) {
		t.Errorf("code expires %v, want %v", got, want)
	}
	if _, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Code: e.sent.lastCode(t, phone)}); err != nil {
		t.Fatalf("Confirm() error = %v", err)
	}
	c, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: st.ID, Password: password})
	if err != nil {
		t.Fatalf("SetPassword() error = %v", err)
	}
	if c.Level != account.Simplified {
		t.Errorf("SetPassword() level = %q, want simplified", c.Level)
	}
	a, err := e.store.Account(ctx, c.AccountID)
	if err != nil {
		t.Fatalf("Account() error = %v", err)
	}
	if a.Level != account.Simplified || len(a.Contacts) != 1 || a.Contacts[0].Address != phone {
		t.Errorf("stored account = level %q contacts %d, want simplified with the phone", a.Level, len(a.Contacts))
	}
	if a.PasswordHash == password || a.PasswordHash[:10] != "$argon2id$" {
		t.Errorf("stored password is not an argon2id hash")
	}
	if a.TermsVersion != "2026-01" || !a.TermsAcceptedAt.Equal(e.clock.Now()) {
		t.Errorf("terms = %q at %v, want 2026-01 at start", a.TermsVersion, a.TermsAcceptedAt)
	}
}

func TestRegisterWithEmailOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, err := e.flow.Start(ctx, startInput("", "Anna@Example.ORG", ip))
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	msgs := e.sent.to(email)
	if len(msgs) != 1 || msgs[0].Template != "registration-link" {
		t.Fatalf("Start() sent %+v, want one registration-link mail", msgs)
	}
	if got, want := st.Channels[0].CodeExpires, e.clock.Now().Add(72*time.Hour); !got.Equal(want) {
		t.Errorf("link expires %v, want %v", got, want)
	}
	e.clock.Advance(71 * time.Hour)
	if _, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Token: e.sent.lastCode(t, email)}); err != nil {
		t.Fatalf("Confirm(token) error = %v", err)
	}
	if _, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: st.ID, Password: password}); err != nil {
		t.Fatalf("SetPassword() error = %v", err)
	}
}

func TestRules(t *testing.T) {
	t.Parallel()
	type step func(t *testing.T, e *env, id string)
	confirm := func(code string, want error) step {
		return func(t *testing.T, e *env, id string) {
			t.Helper()
			if code == "" {
				code = e.sent.lastCode(t, phone)
			}
			_, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: id, Code: code})
			if want != errAny && !errors.Is(err, want) && !(want == nil && err == nil) {
				t.Fatalf("Confirm() error = %v, want %v", err, want)
			}
		}
	}
	wait := func(d time.Duration) step { return func(_ *testing.T, e *env, _ string) { e.clock.Advance(d) } }
	resend := func(want error) step {
		return func(t *testing.T, e *env, id string) {
			t.Helper()
			_, err := e.flow.Resend(ctx, registration.ResendInput{ID: id, ClientIP: ip})
			if !errors.Is(err, want) && !(want == nil && err == nil) {
				t.Fatalf("Resend() error = %v, want %v", err, want)
			}
		}
	}
	var oldCode string
	keepCode := func(t *testing.T, e *env, _ string) { oldCode = e.sent.lastCode(t, phone) }
	wrong := func(t *testing.T, e *env, id string) string {
		if e.sent.lastCode(t, phone) == "000000" {
			return "111111"
		}
		return "000000"
	}
	wrongCode := func(want error) step {
		return func(t *testing.T, e *env, id string) { t.Helper(); confirm(wrong(t, e, id), want)(t, e, id) }
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"code valid just before 300 s", []step{wait(299 * time.Second), confirm("", nil)}},
		{"code expired at 300 s", []step{wait(300 * time.Second), confirm("", registration.ErrCodeExpired)}},
		{"resend refused before 60 s", []step{wait(59 * time.Second), resend(registration.ErrResendTooSoon)}},
		{"resend allowed at 60 s", []step{wait(60 * time.Second), resend(nil)}},
		{"only the latest code is valid", []step{
			keepCode, wait(time.Minute), resend(nil),
			func(t *testing.T, e *env, id string) {
				if oldCode != e.sent.lastCode(t, phone) {
					confirm(oldCode, registration.ErrCodeMismatch)(t, e, id)
				}
			},
			confirm("", nil),
		}},
		{"five wrong attempts void the code", []step{
			wrongCode(registration.ErrCodeMismatch), wrongCode(registration.ErrCodeMismatch),
			wrongCode(registration.ErrCodeMismatch), wrongCode(registration.ErrCodeMismatch),
			wrongCode(registration.ErrAttemptsExhausted),
			confirm("", registration.ErrAttemptsExhausted),
		}},
		{"a new code after five wrong attempts works", []step{
			wrongCode(errAny), wrongCode(errAny), wrongCode(errAny), wrongCode(errAny), wrongCode(errAny),
			wait(time.Minute), resend(nil), confirm("", nil),
		}},
		{"five sends per hour per contact", []step{
			wait(time.Minute), resend(nil), wait(time.Minute), resend(nil),
			wait(time.Minute), resend(nil), wait(time.Minute), resend(nil),
			wait(time.Minute), resend(registration.ErrSendLimit),
			wait(54 * time.Minute), resend(registration.ErrSendLimit),
			wait(time.Minute), resend(nil),
		}},
		{"a code works once", []step{
			keepCode, confirm("", nil),
			func(t *testing.T, e *env, id string) { confirm(oldCode, registration.ErrAlreadyConfirmed)(t, e, id) },
		}},
		{"resend after confirmation refused", []step{confirm("", nil), wait(time.Minute), resend(registration.ErrAlreadyConfirmed)}},
		{"password before confirmation refused", []step{
			func(t *testing.T, e *env, id string) {
				_, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: id, Password: password})
				if !errors.Is(err, registration.ErrNotConfirmed) {
					t.Fatalf("SetPassword() error = %v, want %v", err, registration.ErrNotConfirmed)
				}
			},
		}},
		{"registration expires", []step{
			confirm("", nil), wait(96 * time.Hour),
			func(t *testing.T, e *env, id string) {
				_, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: id, Password: password})
				if !errors.Is(err, registration.ErrNotFound) {
					t.Fatalf("SetPassword() error = %v, want %v", err, registration.ErrNotFound)
				}
			},
		}},
		{"second password refused", []step{
			confirm("", nil),
			func(t *testing.T, e *env, id string) {
				if _, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: id, Password: password}); err != nil {
					t.Fatalf("SetPassword() error = %v", err)
				}
				_, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: id, Password: password + "x"})
				if !errors.Is(err, registration.ErrCompleted) {
					t.Fatalf("second SetPassword() error = %v, want %v", err, registration.ErrCompleted)
				}
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			st, err := e.flow.Start(ctx, startInput(phone, "", ip))
			if err != nil {
				t.Fatalf("Start() error = %v", err)
			}
			for _, s := range tt.steps {
				s(t, e, st.ID)
			}
		})
	}
}

// errAny accepts any outcome of a step whose result the case does not test.
var errAny = errors.New("any outcome")

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, err := e.flow.Start(ctx, startInput(phone, "", ip))
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	e.clock.Advance(20 * time.Second)
	_, err = e.flow.Resend(ctx, registration.ResendInput{ID: st.ID, ClientIP: ip})
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.RateLimited || f.RetryAfter != 40*time.Second {
		t.Fatalf("Resend() = %v, want rate-limited with retry after 40s", err)
	}
}

func TestSendLimitPerClientAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 5 {
		if _, err := e.flow.Start(ctx, startInput(fmt.Sprintf("+7912000000%d", i), "", ip)); err != nil {
			t.Fatalf("Start() #%d error = %v", i, err)
		}
	}
	_, err := e.flow.Start(ctx, startInput("+79120000009", "", ip))
	if !errors.Is(err, registration.ErrSendLimit) {
		t.Fatalf("sixth Start() from one address error = %v, want %v", err, registration.ErrSendLimit)
	}
	if _, err := e.flow.Start(ctx, startInput("+79120000009", "", "198.51.100.1")); err != nil {
		t.Fatalf("Start() from another address error = %v", err)
	}
	// IPv6 addresses count per /64.
	for i := range 5 {
		if _, err := e.flow.Start(ctx, startInput(fmt.Sprintf("+7913000000%d", i), "", fmt.Sprintf("2001:db8:1:2::%d", i+1))); err != nil {
			t.Fatalf("Start() IPv6 #%d error = %v", i, err)
		}
	}
	if _, err := e.flow.Start(ctx, startInput("+79130000009", "", "2001:db8:1:2::99")); !errors.Is(err, registration.ErrSendLimit) {
		t.Fatalf("sixth Start() from one /64 error = %v, want %v", err, registration.ErrSendLimit)
	}
}

func TestExistingContactLooksNew(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	register(t, e, phone, "10.0.0.1")
	before := len(e.sent.to(phone))

	st, err := e.flow.Start(ctx, startInput(phone, "", "10.0.0.2"))
	if err != nil {
		t.Fatalf("Start() with a registered phone error = %v, want the same answer as for a new one", err)
	}
	if len(st.Channels) != 1 || st.Channels[0].Kind != "phone" || st.Channels[0].Confirmed {
		t.Errorf("Start() status = %+v, want one unconfirmed phone channel", st)
	}
	msgs := e.sent.to(phone)[before:]
	if len(msgs) != 1 || msgs[0].Template != "registration-attempt-sms" || len(msgs[0].Params) != 0 {
		t.Fatalf("owner got %+v, want one registration-attempt notice without a code", msgs)
	}
	for _, code := range []string{"000000", "123456"} {
		if _, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Code: code}); !errors.Is(err, registration.ErrCodeMismatch) {
			t.Errorf("Confirm() on a taken contact error = %v, want %v", err, registration.ErrCodeMismatch)
		}
	}
	e.clock.Advance(time.Minute)
	if _, err := e.flow.Resend(ctx, registration.ResendInput{ID: st.ID, ClientIP: "10.0.0.2"}); err != nil {
		t.Errorf("Resend() on a taken contact error = %v, want the same answer as for a new one", err)
	}
	if n := len(e.sent.to(phone)); n != before+1 {
		t.Errorf("owner got %d more messages after resend, want none", n-before-1)
	}
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, err := e.flow.Start(ctx, startInput(phone, email, ip))
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	if _, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Code: e.sent.lastCode(t, phone)}); err != nil {
		t.Fatalf("Confirm() error = %v", err)
	}
	tests := []struct{ password, reason string }{
		{"Ab1", "password-too-short"},
		{"abcdefgh", "password-needs-digit"},
		{"12345678", "password-needs-letter"},
		{"x9123456789x", "password-contains-personal-data"},
		{"anna@example.org1", "password-contains-personal-data"},
		{"Ivanova1Иванова", "password-contains-personal-data"},
		{"password1", "password-too-common"},
		{string(make([]byte, 129)), "password-too-long"},
	}
	for _, tt := range tests {
		before := e.items(t)
		_, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: st.ID, Password: tt.password})
		f, ok := fault.As(err)
		if !ok || len(f.Fields) != 1 || f.Fields[0].Pointer != "/password" || f.Fields[0].Reason != tt.reason {
			t.Errorf("SetPassword(%q) = %v (%+v), want field /password %s", tt.password, err, f, tt.reason)
		}
		if after := e.items(t); after != before {
			t.Errorf("SetPassword(%q) changed the table: %d items, want %d", tt.password, after, before)
		}
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name   string
		in     registration.StartInput
		fields []string
	}{
		{"no contact", startInput("", "", ip), []string{"/phone"}},
		{"bad phone", startInput("+7 123", "", ip), []string{"/phone"}},
		{"bad e-mail", startInput("", "anna@", ip), []string{"/email"}},
		{"bad names", registration.StartInput{Surname: "R2-D2", GivenName: "", Phone: phone, TermsVersion: "1", ClientIP: ip}, []string{"/surname", "/givenName"}},
		{"terms not accepted", registration.StartInput{Surname: "Иванова", GivenName: "Анна", Phone: phone, ClientIP: ip}, []string{"/termsVersion"}},
	}
	for _, tt := range tests {
		before := e.items(t)
		_, err := e.flow.Start(ctx, tt.in)
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.Invalid {
			t.Errorf("%s: Start() error = %v, want a validation fault", tt.name, err)
			continue
		}
		var got []string
		for _, fl := range f.Fields {
			got = append(got, fl.Pointer)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.fields) {
			t.Errorf("%s: Start() fields = %v, want %v", tt.name, got, tt.fields)
		}
		if after := e.items(t); after != before {
			t.Errorf("%s: Start() changed the table", tt.name)
		}
	}
	if e.sent.Count() != 0 {
		t.Errorf("bad input sent %d messages, want none", e.sent.Count())
	}
	for _, in := range []registration.ConfirmInput{{ID: "nope", Code: "123456"}, {ID: "x", Code: "12a456"}, {ID: "x", Token: "short"}, {ID: "x"}, {ID: "x", Code: "123456", Token: "t"}} {
		if _, err := e.flow.Confirm(ctx, in); err == nil {
			t.Errorf("Confirm(%+v) error = nil, want a fault", in)
		}
	}
	if n := e.items(t); n != 0 {
		t.Errorf("table has %d items after bad input only, want 0", n)
	}
}

// register runs a whole registration for phone and returns the account id.
func register(t *testing.T, e *env, phone, ip string) string {
	t.Helper()
	st, err := e.flow.Start(ctx, startInput(phone, "", ip))
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	if _, err := e.flow.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Code: e.sent.lastCode(t, phone)}); err != nil {
		t.Fatalf("Confirm() error = %v", err)
	}
	c, err := e.flow.SetPassword(ctx, registration.PasswordInput{ID: st.ID, Password: password})
	if err != nil {
		t.Fatalf("SetPassword() error = %v", err)
	}
	return c.AccountID
}
