package settings_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
)

func TestAddAndReplaceContacts(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, id := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)

	// Add an e-mail address: the code goes there; the phone is told.
	const mail = "new.address@example.org"
	st, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: " New.Address@Example.ORG ", Locale: "en", CurrentPassword: flowtest.Password})
	if err != nil {
		t.Fatalf("StartContactChange(email) error = %v", err)
	}
	if m := e.Sent.To(mail); len(m) != 1 || m[0].Template != "contact-code-mail" || len(m[0].Params["code"]) != 6 {
		t.Fatalf("sent %+v, want one contact-code-mail with a code to the new address", m)
	}
	if !st.CodeExpires.Equal(e.Clock.Now().Add(300*time.Second)) || !st.ResendAfter.Equal(e.Clock.Now().Add(60*time.Second)) {
		t.Errorf("StartContactChange() = %+v, want the code valid 300 s, a resend after 60 s", st)
	}
	before := e.Sent.Count()
	out, err := e.Settings.ConfirmContactChange(ctx, p, "email", e.Sent.LastCode(t, mail))
	if err != nil || out.Undelivered != nil {
		t.Fatalf("ConfirmContactChange() = %+v, %v", out, err)
	}
	if got := contactsOf(t, e, id); !reflect.DeepEqual(got, []string{"phone " + phone, "email " + mail}) {
		t.Errorf("contacts = %q, want the phone and the new e-mail", got)
	}
	if e.Owner(t, "email", mail) != id {
		t.Errorf("the new e-mail is not claimed by the account")
	}
	if _, err := e.Login(mail, password, ip); err != nil {
		t.Errorf("Login(new e-mail) = %v", err)
	}
	if told := e.Sent.Told(before); !reflect.DeepEqual(told, []string{phone + " contact-changed-sms"}) {
		t.Errorf("notices = %q, want the phone told", told)
	}

	// Replace the phone: the old one is freed and told.
	p, _ = e.Principal(t, phone, ip)
	const newPhone = "+79161234567"
	e.Clock.Advance(time.Minute)
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "phone", Value: "8 916 123-45-67", CurrentPassword: flowtest.Password}); err != nil {
		t.Fatalf("StartContactChange(phone) error = %v", err)
	}
	before = e.Sent.Count()
	if _, err := e.Settings.ConfirmContactChange(ctx, p, "phone", e.Sent.LastCode(t, newPhone)); err != nil {
		t.Fatalf("ConfirmContactChange(phone) error = %v", err)
	}
	if got := contactsOf(t, e, id); !reflect.DeepEqual(got, []string{"phone " + newPhone, "email " + mail}) {
		t.Errorf("contacts = %q, want the new phone and the e-mail", got)
	}
	if e.Owner(t, "phone", phone) != "" || e.Owner(t, "phone", newPhone) != id {
		t.Errorf("claims: old phone owned by %q, new by %q; want none and the account", e.Owner(t, "phone", phone), e.Owner(t, "phone", newPhone))
	}
	if _, err := e.Login(phone, password, ip); !errors.Is(err, session.ErrLoginFailed) {
		t.Errorf("Login(old phone) = %v, want %v", err, session.ErrLoginFailed)
	}
	if told := e.Sent.Told(before); !reflect.DeepEqual(told, []string{phone + " contact-changed-sms", mail + " contact-changed-mail"}) {
		t.Errorf("notices = %q, want the old phone and the e-mail told", told)
	}
	if kinds := e.EventKinds(t, id); kinds != "account-created login contact-changed login login contact-changed" {
		t.Errorf("events = %s", kinds)
	}
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: mail, CurrentPassword: flowtest.Password}); !errors.Is(err, settings.ErrContactUnchanged) {
		t.Errorf("StartContactChange(own e-mail) = %v, want %v", err, settings.ErrContactUnchanged)
	}
}

func contactsOf(t *testing.T, e *flowtest.Env, id string) []string {
	t.Helper()
	a, err := e.Store.Account(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range a.Contacts {
		out = append(out, c.Kind+" "+c.Address)
		if c.ConfirmedAt.IsZero() || c.Index == "" {
			t.Errorf("contact %s has no confirmation time or index", c.Kind)
		}
	}
	return out
}

// TestContactChangeRules: every limit of a contact change, one case each,
// on an injected clock.
func TestContactChangeRules(t *testing.T) {
	t.Parallel()
	const to = "+79167654321"
	type step func(t *testing.T, e *flowtest.Env, c *changeCase)
	errAny := errors.New("any")
	check := func(t *testing.T, what string, err, want error) {
		t.Helper()
		if want != errAny && !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Fatalf("%s error = %v, want %v", what, err, want)
		}
	}
	start := func(want error) step {
		return func(t *testing.T, e *flowtest.Env, c *changeCase) {
			t.Helper()
			_, err := e.Settings.StartContactChange(ctx, c.p, settings.ContactInput{Kind: "phone", Value: to, CurrentPassword: flowtest.Password})
			check(t, "StartContactChange()", err, want)
		}
	}
	confirm := func(code string, want error) step {
		return func(t *testing.T, e *flowtest.Env, c *changeCase) {
			t.Helper()
			switch code {
			case "":
				code = e.Sent.LastCode(t, to)
			case "wrong":
				code = flowtest.Wrong(e.Sent.LastCode(t, to))
			case "old":
				code = c.old
			}
			_, err := e.Settings.ConfirmContactChange(ctx, c.p, "phone", code)
			check(t, "ConfirmContactChange()", err, want)
		}
	}
	wait := func(d time.Duration) step {
		return func(_ *testing.T, e *flowtest.Env, _ *changeCase) { e.Clock.Advance(d) }
	}
	keep := func(t *testing.T, e *flowtest.Env, c *changeCase) { c.old = e.Sent.LastCode(t, to) }
	tests := []struct {
		name  string
		steps []step
	}{
		{"code valid just before 300 s", []step{start(nil), wait(299 * time.Second), confirm("", nil)}},
		{"code expired at 300 s", []step{start(nil), wait(300 * time.Second), confirm("", challenge.ErrCodeExpired)}},
		{"new code refused before 60 s", []step{start(nil), wait(59 * time.Second), start(challenge.ErrResendTooSoon)}},
		{"new code allowed at 60 s", []step{start(nil), wait(60 * time.Second), start(nil), confirm("", nil)}},
		{"only the latest code is valid", []step{start(nil), keep, wait(time.Minute), start(nil), func(t *testing.T, e *flowtest.Env, c *changeCase) {
			if c.old != e.Sent.LastCode(t, to) {
				confirm("old", challenge.ErrCodeMismatch)(t, e, c)
			}
		}, confirm("", nil)}},
		{"five wrong attempts void the code", []step{start(nil),
			confirm("wrong", challenge.ErrCodeMismatch), confirm("wrong", challenge.ErrCodeMismatch), confirm("wrong", challenge.ErrCodeMismatch),
			confirm("wrong", challenge.ErrCodeMismatch), confirm("wrong", challenge.ErrAttemptsExhausted), confirm("", challenge.ErrAttemptsExhausted),
		}},
		{"a new code after five wrong attempts works", []step{start(nil),
			confirm("wrong", errAny), confirm("wrong", errAny), confirm("wrong", errAny), confirm("wrong", errAny), confirm("wrong", errAny),
			wait(time.Minute), start(nil), confirm("", nil),
		}},
		{"five sends per hour per contact", []step{
			start(nil), wait(time.Minute), start(nil), wait(time.Minute), start(nil), wait(time.Minute), start(nil),
			wait(time.Minute), start(nil), wait(time.Minute), start(challenge.ErrSendLimit),
			wait(54 * time.Minute), start(challenge.ErrSendLimit), wait(time.Minute), start(nil), confirm("", nil),
		}},
		{"nothing to confirm", []step{confirm("123456", settings.ErrNoContactChange)}},
		{"a code works once", []step{start(nil), keep, confirm("", nil), confirm("old", settings.ErrNoContactChange)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := flowtest.New(t)
			phone, _, _ := e.Register(t, false)
			p, _ := e.Principal(t, phone, ip)
			c := &changeCase{p: p}
			for _, s := range tt.steps {
				s(t, e, c)
			}
		})
	}
}

type changeCase struct {
	p   session.Principal
	old string
}

func TestContactChangeSendLimitPerClientAddress(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, _ := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)
	for i := range 5 {
		e.Clock.Advance(time.Minute)
		if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: fmt.Sprintf("n%d@example.org", i), CurrentPassword: flowtest.Password}); err != nil {
			t.Fatalf("StartContactChange() #%d error = %v", i+1, err)
		}
	}
	e.Clock.Advance(time.Minute)
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: "n9@example.org", CurrentPassword: flowtest.Password}); !errors.Is(err, challenge.ErrSendLimit) {
		t.Fatalf("sixth StartContactChange() from one address = %v, want %v", err, challenge.ErrSendLimit)
	}
}

// TestTakenContactLooksFree: a contact of another account gets the same
// answer as a free one; no code is sent, the owner is told, and no code
// can confirm it.
func TestTakenContactLooksFree(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	ownerPhone, _, ownerID := e.Register(t, false)
	phone, _, id := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)
	const free = "+79160000042"
	var answers []settings.ChangeStatus
	for _, to := range []string{free, ownerPhone} {
		before := e.Sent.Count()
		st, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "phone", Value: to, CurrentPassword: flowtest.Password})
		if err != nil {
			t.Fatalf("StartContactChange() error = %v", err)
		}
		answers = append(answers, st)
		if got := e.Sent.Told(before); len(got) != 1 {
			t.Fatalf("sent %q, want one message", got)
		}
		e.Clock.Advance(time.Minute)
	}
	if a, b := answers[0], answers[1]; a.Kind != b.Kind || a.CodeExpires.Sub(a.ResendAfter) != b.CodeExpires.Sub(b.ResendAfter) {
		t.Errorf("answers differ: free %+v, taken %+v", a, b)
	}
	if m := e.Sent.To(ownerPhone); m[len(m)-1].Template != "contact-attempt-sms" || len(m[len(m)-1].Params) != 0 {
		t.Errorf("owner got %+v, want a contact-attempt notice without a code", m[len(m)-1])
	}
	for _, code := range []string{"000000", "123456", e.Sent.LastCode(t, free)} {
		if _, err := e.Settings.ConfirmContactChange(ctx, p, "phone", code); !errors.Is(err, challenge.ErrCodeMismatch) {
			t.Errorf("ConfirmContactChange(taken) = %v, want %v", err, challenge.ErrCodeMismatch)
		}
	}
	if e.Owner(t, "phone", ownerPhone) != ownerID || e.Owner(t, "phone", phone) != id {
		t.Errorf("a claim moved")
	}
}

func TestContactChangeBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, _ := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)
	before, sent := e.Items(t), e.Sent.Count()
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "phone", Value: "Canary", CurrentPassword: flowtest.Password}); !reflect.DeepEqual(flowtest.Fields(err), []string{"/value:phone-invalid"}) {
		t.Errorf("StartContactChange(bad phone) = %v", err)
	}
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: "a@", CurrentPassword: flowtest.Password}); !reflect.DeepEqual(flowtest.Fields(err), []string{"/value:email-invalid"}) {
		t.Errorf("StartContactChange(bad e-mail) = %v", err)
	}
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "fax", Value: "1", CurrentPassword: flowtest.Password}); !errors.Is(err, settings.ErrKindUnknown) {
		t.Errorf("StartContactChange(fax) = %v, want %v", err, settings.ErrKindUnknown)
	}
	if _, err := e.Settings.ConfirmContactChange(ctx, p, "phone", "12a456"); !reflect.DeepEqual(flowtest.Fields(err), []string{"/code:code-invalid"}) {
		t.Errorf("ConfirmContactChange(bad code) = %v", err)
	}
	if e.Items(t) != before || e.Sent.Count() != sent {
		t.Errorf("bad input changed the table or sent a message")
	}
}

// TestContactChangeNeedsThePassword: a contact recovers the account, so a
// session alone cannot change it (ASVS 3.7.1). No password is a field
// error; a wrong one sends nothing, writes only the failed sign-in, and
// five of them lock the login like wrong sign-ins do.
func TestContactChangeNeedsThePassword(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, id := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)
	const to = "owner.new@example.org"
	sent := e.Sent.Count()
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: to}); !reflect.DeepEqual(flowtest.Fields(err), []string{"/currentPassword:password-required"}) {
		t.Fatalf("StartContactChange(no password) = %v, want /currentPassword:password-required", err)
	}
	for i := range 5 {
		_, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: to, CurrentPassword: fmt.Sprintf("Wrong-%d-password", i)})
		if !errors.Is(err, settings.ErrPasswordWrong) {
			t.Fatalf("StartContactChange(wrong password) #%d = %v, want %v", i+1, err, settings.ErrPasswordWrong)
		}
	}
	if e.Sent.Count() != sent || len(e.Sent.To(to)) != 0 {
		t.Fatalf("a refused contact change sent a message")
	}
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: to, CurrentPassword: flowtest.Password}); !errors.Is(err, session.ErrLoginLocked) {
		t.Fatalf("StartContactChange(right password) while locked = %v, want %v", err, session.ErrLoginLocked)
	}
	if kinds := e.EventKinds(t, id); strings.Count(kinds, "login-failed") != 5 || !strings.Contains(kinds, "lockout") {
		t.Errorf("events = %s, want five login-failed and a lockout", kinds)
	}
	e.Clock.Advance(15 * time.Minute)
	if _, err := e.Settings.StartContactChange(ctx, p, settings.ContactInput{Kind: "email", Value: to, CurrentPassword: flowtest.Password}); err != nil {
		t.Fatalf("StartContactChange() after the lockout = %v", err)
	}
	if len(e.Sent.To(to)) != 1 {
		t.Errorf("sent to the new address %d messages, want its code", len(e.Sent.To(to)))
	}
}
