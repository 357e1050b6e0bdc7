package recovery_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/recovery"
	"github.com/portalid/portalid/internal/flow/session"
)

// recover runs a recovery for login to the confirmed step.
func recoverTo(t testing.TB, e *flowtest.Env, login, contact string, in recovery.ConfirmInput) string {
	t.Helper()
	id, err := tryConfirm(t, e, login, contact, in)
	if err != nil {
		t.Fatalf("Confirm() error = %v", err)
	}
	return id
}

// tryConfirm starts a recovery for login and confirms it with in and the
// code sent to contact; it returns the recovery id and Confirm's error.
func tryConfirm(t testing.TB, e *flowtest.Env, login, contact string, in recovery.ConfirmInput) (string, error) {
	t.Helper()
	st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: login, Locale: "ru", ClientIP: ip})
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	in.ID, in.Code = st.ID, e.Sent.LastCode(t, contact)
	_, err = e.Recovery.Confirm(ctx, in)
	return st.ID, err
}

func TestRecoveryRevokesEverySessionAndTellsEveryContact(t *testing.T) {
	t.Parallel()
	for _, by := range []string{"phone", "email"} {
		t.Run(by, func(t *testing.T) {
			t.Parallel()
			e := flowtest.New(t)
			phone, email, accountID := e.Register(t, true)
			var tokens []session.Tokens
			for range 2 {
				tk, err := e.Login(phone, password, ip)
				if err != nil {
					t.Fatalf("Login() error = %v", err)
				}
				tokens = append(tokens, tk)
			}
			login, to, tmpl := phone, phone, "recovery-code-sms"
			if by == "email" {
				login, to, tmpl = email, email, "recovery-code-mail"
			}
			st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: login, Locale: "ru", ClientIP: ip})
			if err != nil {
				t.Fatalf("Start() error = %v", err)
			}
			msgs := e.Sent.To(to)
			if m := msgs[len(msgs)-1]; m.Template != tmpl || len(m.Params["code"]) != 6 || m.Params["minutes"] != "5" {
				t.Fatalf("Start() sent %+v, want a %s with a 6-digit code valid 5 min", m, tmpl)
			}
			if string(st.Kind) != by || !st.CodeExpires.Equal(e.Clock.Now().Add(300*time.Second)) || !st.Expires.Equal(e.Clock.Now().Add(time.Hour)) {
				t.Errorf("Start() = %+v, want the %s channel, code valid 300 s, recovery 1 h", st, by)
			}
			e.Clock.Advance(time.Minute)
			if _, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: st.ID, Code: e.Sent.LastCode(t, to)}); err != nil {
				t.Fatalf("Confirm() error = %v", err)
			}
			e.Clock.Advance(time.Minute)
			before := e.Sent.Count()
			res, err := e.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: st.ID, Password: newPassword, Client: event.Origin{IP: ip}})
			if err != nil || res.AccountID != accountID || res.Undelivered != nil {
				t.Fatalf("SetPassword() = %+v, %v; want the account reset, every notice delivered", res, err)
			}
			for _, tk := range tokens {
				if _, err := e.Sessions.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{}); !errors.Is(err, session.ErrSessionInvalid) {
					t.Errorf("Authenticate(old session) = %v, want %v", err, session.ErrSessionInvalid)
				}
				if _, err := e.Sessions.Refresh(ctx, tk.RefreshToken, session.Client{}); !errors.Is(err, session.ErrRefreshInvalid) {
					t.Errorf("Refresh(old session) = %v, want %v", err, session.ErrRefreshInvalid)
				}
			}
			e.PasswordIs(t, phone, password, newPassword)
			if told, want := e.Sent.Told(before), []string{phone + " password-reset-sms", email + " password-reset-mail"}; !reflect.DeepEqual(told, want) {
				t.Errorf("notices = %q, want %q", told, want)
			}
			if kinds := e.EventKinds(t, accountID); !strings.HasSuffix(kinds, "password-reset login-failed login") {
				t.Errorf("events = %s, want the reset, then the failed and the good sign-in", kinds)
			}
		})
	}
}

// TestRules: every limit of a recovery, one case each, on an injected clock.
func TestRules(t *testing.T) {
	t.Parallel()
	type step func(t *testing.T, e *flowtest.Env, c *recCase)
	confirm := func(code string, want error) step {
		return func(t *testing.T, e *flowtest.Env, c *recCase) {
			t.Helper()
			switch code {
			case "":
				code = e.Sent.LastCode(t, c.phone)
			case "wrong":
				code = flowtest.Wrong(e.Sent.LastCode(t, c.phone))
			case "old":
				code = c.old
			}
			_, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: c.id, Code: code})
			if want != errAny && !errors.Is(err, want) && !(want == nil && err == nil) {
				t.Fatalf("Confirm() error = %v, want %v", err, want)
			}
		}
	}
	resend := func(want error) step {
		return func(t *testing.T, e *flowtest.Env, c *recCase) {
			t.Helper()
			if _, err := e.Recovery.Resend(ctx, recovery.ResendInput{ID: c.id, ClientIP: ip}); !errors.Is(err, want) && !(want == nil && err == nil) {
				t.Fatalf("Resend() error = %v, want %v", err, want)
			}
		}
	}
	setPassword := func(want error) step {
		return func(t *testing.T, e *flowtest.Env, c *recCase) {
			t.Helper()
			if _, err := e.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: c.id, Password: newPassword}); !errors.Is(err, want) && !(want == nil && err == nil) {
				t.Fatalf("SetPassword() error = %v, want %v", err, want)
			}
		}
	}
	restart := func(want error) step {
		return func(t *testing.T, e *flowtest.Env, c *recCase) {
			t.Helper()
			st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: c.phone, ClientIP: ip})
			if !errors.Is(err, want) && !(want == nil && err == nil) {
				t.Fatalf("Start() error = %v, want %v", err, want)
			}
			c.id = st.ID
		}
	}
	wait := func(d time.Duration) step {
		return func(_ *testing.T, e *flowtest.Env, _ *recCase) { e.Clock.Advance(d) }
	}
	keep := func(t *testing.T, e *flowtest.Env, c *recCase) { c.old = e.Sent.LastCode(t, c.phone) }
	tests := []struct {
		name  string
		steps []step
	}{
		{"code valid just before 300 s", []step{wait(299 * time.Second), confirm("", nil)}},
		{"code expired at 300 s", []step{wait(300 * time.Second), confirm("", challenge.ErrCodeExpired)}},
		{"resend refused before 60 s", []step{wait(59 * time.Second), resend(challenge.ErrResendTooSoon)}},
		{"resend allowed at 60 s", []step{wait(60 * time.Second), resend(nil)}},
		{"only the latest code is valid", []step{keep, wait(time.Minute), resend(nil), func(t *testing.T, e *flowtest.Env, c *recCase) {
			if c.old != e.Sent.LastCode(t, c.phone) {
				confirm("old", recovery.ErrMismatch)(t, e, c)
			}
		}, confirm("", nil)}},
		{"five wrong attempts void the code", []step{
			confirm("wrong", recovery.ErrMismatch), confirm("wrong", recovery.ErrMismatch), confirm("wrong", recovery.ErrMismatch),
			confirm("wrong", recovery.ErrMismatch), confirm("wrong", challenge.ErrAttemptsExhausted), confirm("", challenge.ErrAttemptsExhausted),
		}},
		{"a new code after five wrong attempts works", []step{
			confirm("wrong", errAny), confirm("wrong", errAny), confirm("wrong", errAny), confirm("wrong", errAny), confirm("wrong", errAny),
			wait(time.Minute), resend(nil), confirm("", nil),
		}},
		{"five sends per hour per contact", []step{
			wait(time.Minute), resend(nil), wait(time.Minute), resend(nil), wait(time.Minute), resend(nil), wait(time.Minute), resend(nil),
			wait(time.Minute), resend(challenge.ErrSendLimit), wait(54 * time.Minute), resend(challenge.ErrSendLimit),
			wait(time.Minute), restart(nil), confirm("", nil),
		}},
		{"a code works once", []step{keep, confirm("", nil), confirm("old", recovery.ErrAlreadyConfirmed)}},
		{"resend after confirmation refused", []step{confirm("", nil), wait(time.Minute), resend(recovery.ErrAlreadyConfirmed)}},
		{"password before confirmation refused", []step{setPassword(recovery.ErrNotConfirmed)}},
		{"recovery expires after an hour", []step{confirm("", nil), wait(time.Hour), setPassword(recovery.ErrNotFound)}},
		{"password just before expiry", []step{confirm("", nil), wait(time.Hour - time.Second), setPassword(nil)}},
		{"a recovery completes once", []step{confirm("", nil), setPassword(nil), setPassword(recovery.ErrCompleted), resend(recovery.ErrCompleted)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := flowtest.New(t)
			phone, _, _ := e.Register(t, false)
			// The registration's SMS counts against the phone too (see
			// TestSendsShareOneBudget); an hour on, the case starts afresh.
			e.Clock.Advance(time.Hour)
			st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: phone, ClientIP: ip})
			if err != nil {
				t.Fatalf("Start() error = %v", err)
			}
			c := &recCase{id: st.ID, phone: phone}
			for _, s := range tt.steps {
				s(t, e, c)
			}
		})
	}
}

type recCase struct{ id, phone, old string }

// errAny accepts any outcome of a step whose result the case does not test.
var errAny = errors.New("any outcome")

// TestSendsShareOneBudget: the five sends an hour are per phone, whichever
// flow sends: a registration's code and recovery codes count together.
func TestSendsShareOneBudget(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, _ := e.Register(t, false) // one SMS
	var id string
	for i := range 4 {
		e.Clock.Advance(time.Minute)
		st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: phone, ClientIP: fmt.Sprintf("198.51.100.%d", i+1)})
		if err != nil {
			t.Fatalf("Start() #%d error = %v", i+1, err)
		}
		id = st.ID
	}
	e.Clock.Advance(time.Minute)
	if _, err := e.Recovery.Resend(ctx, recovery.ResendInput{ID: id, ClientIP: "198.51.100.9"}); !errors.Is(err, challenge.ErrSendLimit) {
		t.Errorf("sixth SMS to the phone within the hour = %v, want %v", err, challenge.ErrSendLimit)
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: "+79990000001", ClientIP: ip})
	if err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(20 * time.Second)
	_, err = e.Recovery.Resend(ctx, recovery.ResendInput{ID: st.ID, ClientIP: ip})
	if f, ok := fault.As(err); !ok || f.Slug != challenge.ErrResendTooSoon.Slug || f.RetryAfter != 40*time.Second {
		t.Fatalf("Resend() = %v, want resend-too-soon after 40s", err)
	}
}

func TestSendLimitPerClientAddress(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	// Unknown logins count like known ones: the limit says nothing.
	for i := range 5 {
		if _, err := e.Recovery.Start(ctx, recovery.StartInput{Login: fmt.Sprintf("+7912000000%d", i), ClientIP: ip}); err != nil {
			t.Fatalf("Start() #%d error = %v", i, err)
		}
	}
	if _, err := e.Recovery.Start(ctx, recovery.StartInput{Login: "+79120000009", ClientIP: ip}); !errors.Is(err, challenge.ErrSendLimit) {
		t.Fatalf("sixth Start() from one address = %v, want %v", err, challenge.ErrSendLimit)
	}
	if _, err := e.Recovery.Start(ctx, recovery.StartInput{Login: "+79120000009", ClientIP: "198.51.100.1"}); err != nil {
		t.Fatalf("Start() from another address = %v", err)
	}
	e.Clock.Advance(time.Hour)
	if _, err := e.Recovery.Start(ctx, recovery.StartInput{Login: "+79120000008", ClientIP: ip}); err != nil {
		t.Fatalf("Start() an hour later = %v", err)
	}
}

// TestUnknownLoginLooksKnown: a login that names no account gets the same
// answers, in shape and in kind, and nothing is sent anywhere.
func TestUnknownLoginLooksKnown(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	known, _, _ := e.Register(t, false)
	unknown := "+79990001122"
	sentBefore := e.Sent.Count()
	var statuses []recovery.Status
	for _, login := range []string{known, unknown} {
		st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: login, ClientIP: ip})
		if err != nil {
			t.Fatalf("Start(%s) error = %v", login[:4], err)
		}
		statuses = append(statuses, st)
	}
	k, u := statuses[0], statuses[1]
	if k.Kind != u.Kind || !k.Expires.Equal(u.Expires) || !k.CodeExpires.Equal(u.CodeExpires) || !k.ResendAfter.Equal(u.ResendAfter) || k.Confirmed != u.Confirmed || len(k.ID) != len(u.ID) {
		t.Errorf("Start() answers differ: known %+v, unknown %+v", k, u)
	}
	if n := e.Sent.Count() - sentBefore; n != 1 || len(e.Sent.To(unknown)) != 0 {
		t.Errorf("%d messages sent, %d to the unknown login; want one, to the known", n, len(e.Sent.To(unknown)))
	}
	right := e.Sent.LastCode(t, known)
	for i, st := range statuses {
		_, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: st.ID, Code: flowtest.Wrong(right)})
		if !errors.Is(err, recovery.ErrMismatch) {
			t.Errorf("Confirm(wrong code) #%d = %v, want %v", i, err, recovery.ErrMismatch)
		}
	}
	// Even the code the known contact got does nothing on the decoy.
	if _, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: u.ID, Code: right}); !errors.Is(err, recovery.ErrMismatch) {
		t.Errorf("Confirm(decoy) = %v, want %v", err, recovery.ErrMismatch)
	}
	e.Clock.Advance(time.Minute)
	for i, st := range statuses {
		if _, err := e.Recovery.Resend(ctx, recovery.ResendInput{ID: st.ID, ClientIP: ip}); err != nil {
			t.Errorf("Resend() #%d = %v", i, err)
		}
	}
	if len(e.Sent.To(unknown)) != 0 {
		t.Errorf("a resend of the decoy sent a message")
	}
	for range 5 {
		_, _ = e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: u.ID, Code: "123456"})
	}
	if _, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: u.ID, Code: "123456"}); !errors.Is(err, challenge.ErrAttemptsExhausted) {
		t.Errorf("sixth Confirm(decoy) = %v, want %v like a real recovery", err, challenge.ErrAttemptsExhausted)
	}
	if _, err := e.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: u.ID, Password: newPassword}); !errors.Is(err, recovery.ErrNotConfirmed) {
		t.Errorf("SetPassword(decoy) = %v, want %v", err, recovery.ErrNotConfirmed)
	}
}

// TestIdentityChecks: standard and confirmed accounts also give their
// SNILS, any account its security answer when one is set; every failure
// is the same mismatch, whichever part was wrong.
func TestIdentityChecks(t *testing.T) {
	t.Parallel()
	const snils, otherSNILS = "112-233-445 95", "08765430200"
	tests := []struct {
		name    string
		level   account.Level
		answer  string // the stored answer, normalised; "" for none
		in      recovery.ConfirmInput
		wantErr error
	}{
		{"simplified: the code alone", account.Simplified, "", recovery.ConfirmInput{}, nil},
		{"simplified: a SNILS given is ignored", account.Simplified, "", recovery.ConfirmInput{SNILS: otherSNILS}, nil},
		{"simplified with an answer: right answer", account.Simplified, "федорова", recovery.ConfirmInput{Answer: "  ФЁДОРОВА "}, nil},
		{"simplified with an answer: none given", account.Simplified, "федорова", recovery.ConfirmInput{}, recovery.ErrMismatch},
		{"simplified with an answer: wrong answer", account.Simplified, "федорова", recovery.ConfirmInput{Answer: "иванова"}, recovery.ErrMismatch},
		{"standard: right SNILS", account.Standard, "", recovery.ConfirmInput{SNILS: snils}, nil},
		{"standard: no SNILS", account.Standard, "", recovery.ConfirmInput{}, recovery.ErrMismatch},
		{"standard: wrong SNILS", account.Standard, "", recovery.ConfirmInput{SNILS: otherSNILS}, recovery.ErrMismatch},
		{"confirmed: SNILS and answer", account.Confirmed, "rex", recovery.ConfirmInput{SNILS: "11223344595", Answer: "Rex"}, nil},
		{"confirmed: SNILS without the answer", account.Confirmed, "rex", recovery.ConfirmInput{SNILS: snils}, recovery.ErrMismatch},
		{"confirmed: answer without the SNILS", account.Confirmed, "rex", recovery.ConfirmInput{Answer: "rex"}, recovery.ErrMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := flowtest.New(t)
			phone, _, id := e.Register(t, false)
			attrs := map[string]any{"level": string(tt.level)}
			if tt.level != account.Simplified {
				attrs["snilsIndex"] = e.Index.Index("snils", "11223344595")
			}
			if tt.answer != "" {
				h, err := e.Argon2.Hash(tt.answer, fixedSalt{})
				if err != nil {
					t.Fatal(err)
				}
				attrs["securityAnswerHash"] = h
			}
			e.SetAccount(t, id, attrs)
			_, err := tryConfirm(t, e, phone, phone, tt.in)
			if !errors.Is(err, tt.wantErr) && !(err == nil && tt.wantErr == nil) {
				t.Fatalf("Confirm() = %v, want %v", err, tt.wantErr)
			}
			if f, ok := fault.As(err); ok && len(f.Fields) != 0 {
				t.Errorf("Confirm() fault names fields %v: it must not say which part was wrong", f.Fields)
			}
		})
	}
}

// fixedSalt is a deterministic reader for test salts.
type fixedSalt struct{}

func (fixedSalt) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i)
	}
	return len(p), nil
}

func TestStandardAccountWithoutSNILSIndexCannotPass(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, id := e.Register(t, false)
	e.SetAccount(t, id, map[string]any{"level": "standard"})
	st, err := e.Recovery.Start(ctx, recovery.StartInput{Login: phone, ClientIP: ip})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: st.ID, Code: e.Sent.LastCode(t, phone), SNILS: "11223344595"})
	if !errors.Is(err, recovery.ErrMismatch) {
		t.Errorf("Confirm() = %v, want %v (no stored SNILS index to match)", err, recovery.ErrMismatch)
	}
}

func TestResetLiftsRequiredReset(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, id := e.Register(t, false)
	e.SetAccount(t, id, map[string]any{"resetRequired": true})
	if _, err := e.Login(phone, password, ip); !errors.Is(err, session.ErrResetRequired) {
		t.Fatalf("Login() = %v, want %v", err, session.ErrResetRequired)
	}
	rid := recoverTo(t, e, phone, phone, recovery.ConfirmInput{})
	e.Clock.Advance(time.Second)
	if _, err := e.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: rid, Password: newPassword}); err != nil {
		t.Fatalf("SetPassword() error = %v", err)
	}
	if _, err := e.Login(phone, newPassword, ip); err != nil {
		t.Errorf("Login() after the reset = %v", err)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, _ := e.Register(t, false)
	rid := recoverTo(t, e, phone, phone, recovery.ConfirmInput{})
	before, sentBefore := e.Items(t), e.Sent.Count()
	tests := []struct {
		name   string
		do     func() error
		fields []string
	}{
		{"login neither phone nor e-mail", func() error {
			_, err := e.Recovery.Start(ctx, recovery.StartInput{Login: "Canary", ClientIP: ip})
			return err
		}, []string{"/login"}},
		{"SNILS is not a recovery login", func() error {
			_, err := e.Recovery.Start(ctx, recovery.StartInput{Login: "112-233-445 95", ClientIP: ip})
			return err
		}, []string{"/login"}},
		{"malformed code, SNILS and answer", func() error {
			_, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: rid, Code: "12a456", SNILS: "112-233-445 96", Answer: "\x00"})
			return err
		}, []string{"/code", "/snils", "/answer"}},
		{"password against the policy", func() error {
			_, err := e.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: rid, Password: "x" + phone[2:] + "x"})
			return err
		}, []string{"/password"}},
		{"common password", func() error {
			_, err := e.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: rid, Password: "password1"})
			return err
		}, []string{"/password"}},
	}
	for _, tt := range tests {
		got := flowtest.Fields(tt.do())
		for i := range got {
			got[i], _, _ = strings.Cut(got[i], ":")
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.fields) {
			t.Errorf("%s: fields = %v, want %v", tt.name, got, tt.fields)
		}
	}
	if after := e.Items(t); after != before {
		t.Errorf("bad input changed the table: %d items, want %d", after, before)
	}
	if e.Sent.Count() != sentBefore {
		t.Errorf("bad input sent a message")
	}
	for _, id := range []string{"nope", "aaaaaaaaaaaaaaaaaaaaaaaaaa"} {
		if _, err := e.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: id, Code: "123456"}); !errors.Is(err, recovery.ErrNotFound) {
			t.Errorf("Confirm(%s) = %v, want %v", id, err, recovery.ErrNotFound)
		}
	}
}
