package operator_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/operator"
	"github.com/portalid/portalid/internal/flow/recovery"
	"github.com/portalid/portalid/internal/flow/session"
)

const ip = "203.0.113.40"

// freshPhone is a phone no account has.
func freshPhone() string { return fmt.Sprintf("+7999%07d", people.Add(1)) }

// matched compares the person's own passport, as the operator does before
// confirming or restoring.
func (w *world) matched(t testing.TB, principal string, p person) {
	t.Helper()
	if _, c, err := w.Op.ComparePassport(ctx, principal, p.AccountID, p.passport()); err != nil || !c.Matched {
		t.Fatalf("ComparePassport(own passport) = %+v, %v; want a match", c, err)
	}
}

// TestRestoreEndsSessionsAndSendsTheCodeToTheNewContact walks the whole
// restoration: the person signed in on two devices, lost the phone, and
// gets the account back at the centre.
func TestRestoreEndsSessionsAndSendsTheCodeToTheNewContact(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	op := w.operator(t, "op-0101", centre)
	p := w.standard(t)
	var sessions []session.Tokens
	for range 2 {
		tk, err := w.Login(p.Phone, flowtest.Password, ip)
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, tk)
	}
	w.matched(t, op, p)
	phone := freshPhone()
	sent := w.Sent.Count()

	got, r, err := w.Op.Restore(ctx, op, p.AccountID, operator.RestoreInput{Phone: phone})
	if err != nil {
		t.Fatalf("Restore() error = %v", err)
	}
	if got.ID != "op-0101" || !reflect.DeepEqual(r.Changed, []string{"phone"}) || r.Recovery.Kind != contact.Phone || r.Undelivered != nil {
		t.Errorf("Restore() = %+v, %+v; want the phone changed by op-0101, a code by SMS, every notice delivered", got, r)
	}
	for _, tk := range sessions {
		if _, err := w.Sessions.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{}); !errors.Is(err, session.ErrSessionInvalid) {
			t.Errorf("Authenticate(session from before) = %v, want %v", err, session.ErrSessionInvalid)
		}
		if _, err := w.Sessions.Refresh(ctx, tk.RefreshToken, session.Client{}); !errors.Is(err, session.ErrRefreshInvalid) {
			t.Errorf("Refresh(session from before) = %v, want %v", err, session.ErrRefreshInvalid)
		}
	}
	if owner, old := w.Owner(t, "phone", phone), w.Owner(t, "phone", p.Phone); owner != p.AccountID || old != "" {
		t.Errorf("phone claims: new %q, old %q; want the new one the account's and the old one free", owner, old)
	}
	told := w.Sent.Told(sent)
	want := []string{phone + " recovery-code-sms", p.Phone + " contact-changed-sms", p.Email + " contact-changed-mail"}
	if !reflect.DeepEqual(told, want) {
		t.Errorf("messages = %q, want %q", told, want)
	}
	if _, err := w.Login(p.Email, flowtest.Password, ip); !errors.Is(err, session.ErrResetRequired) {
		t.Errorf("Login(old password) = %v, want %v until the reset", err, session.ErrResetRequired)
	}
	evs := w.operatorEvents(t, p.AccountID)
	if tail := evs[len(evs)-2:]; !reflect.DeepEqual(tail, []string{"operator-action restore-access op-0101 " + centre, "contact-changed phone/replaced op-0101 " + centre}) {
		t.Errorf("last events = %q, want the restoration and the phone replaced, by op-0101", tail)
	}

	// The person completes the reset with the code alone: the operator's
	// passport check stood in for the SNILS.
	w.Clock.Advance(time.Minute)
	if _, err := w.Recovery.Confirm(ctx, recovery.ConfirmInput{ID: r.Recovery.ID, Code: w.Sent.LastCode(t, phone)}); err != nil {
		t.Fatalf("recovery Confirm(code only) error = %v", err)
	}
	if _, err := w.Recovery.SetPassword(ctx, recovery.PasswordInput{ID: r.Recovery.ID, Password: flowtest.NewPassword}); err != nil {
		t.Fatalf("recovery SetPassword() error = %v", err)
	}
	w.PasswordIs(t, phone, flowtest.Password, flowtest.NewPassword)
}

// TestRestoreRules: one restoration per case on a fresh standard account
// (after a matching comparison unless said otherwise).
func TestRestoreRules(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	op := w.operator(t, "op-0102", centre)
	other := w.standard(t)
	tests := []struct {
		name     string
		simple   bool
		noCheck  bool
		in       func(p person) operator.RestoreInput
		want     error
		fields   []string
		changed  []string
		codeTo   func(p person, in operator.RestoreInput) string
		contacts func(p person, in operator.RestoreInput) []string
	}{
		{name: "a new phone", in: func(person) operator.RestoreInput { return operator.RestoreInput{Phone: freshPhone()} },
			changed: []string{"phone"}, codeTo: newPhone, contacts: func(p person, in operator.RestoreInput) []string { return []string{in.Phone, p.Email} }},
		{name: "a new e-mail", in: func(person) operator.RestoreInput {
			return operator.RestoreInput{Email: fmt.Sprintf("restored%d@example.org", people.Add(1))}
		}, changed: []string{"email"}, codeTo: newEmail, contacts: func(p person, in operator.RestoreInput) []string { return []string{p.Phone, in.Email} }},
		{name: "both", in: func(person) operator.RestoreInput {
			return operator.RestoreInput{Phone: freshPhone(), Email: fmt.Sprintf("restored%d@example.org", people.Add(1))}
		}, changed: []string{"phone", "email"}, codeTo: newPhone, contacts: func(_ person, in operator.RestoreInput) []string { return []string{in.Phone, in.Email} }},
		{name: "the same phone", in: func(p person) operator.RestoreInput { return operator.RestoreInput{Phone: p.Phone} },
			changed: nil, codeTo: newPhone, contacts: func(p person, _ operator.RestoreInput) []string { return []string{p.Phone, p.Email} }},
		{name: "another account's phone", in: func(person) operator.RestoreInput { return operator.RestoreInput{Phone: other.Phone} }, want: operator.ErrContactTaken},
		{name: "without a comparison", noCheck: true, in: func(person) operator.RestoreInput { return operator.RestoreInput{Phone: freshPhone()} }, want: operator.ErrPassportCheckRequired},
		{name: "a simplified account", simple: true, noCheck: true, in: func(person) operator.RestoreInput { return operator.RestoreInput{Phone: freshPhone()} }, want: account.ErrNotStandard},
		{name: "no contact", in: func(person) operator.RestoreInput { return operator.RestoreInput{} }, fields: []string{"/phone:contact-required", "/email:contact-required"}},
		{name: "bad contacts", in: func(person) operator.RestoreInput { return operator.RestoreInput{Phone: "12", Email: "nobody"} }, fields: []string{"/phone:phone-invalid", "/email:email-invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := w.simplified(t)
			if !tt.simple {
				p = w.standard(t)
			}
			if !tt.noCheck {
				w.matched(t, op, p)
			}
			in := tt.in(p)
			items := w.Items(t)
			_, r, err := w.Op.Restore(ctx, op, p.AccountID, in)
			if tt.fields != nil {
				if got := flowtest.Fields(err); !reflect.DeepEqual(got, tt.fields) {
					t.Errorf("Restore() fields = %q, want %q", got, tt.fields)
				}
			} else if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Fatalf("Restore() error = %v, want %v", err, tt.want)
			}
			if err != nil {
				if after := w.Items(t); after != items {
					t.Errorf("a refused restoration wrote %d items", after-items)
				}
				return
			}
			if !reflect.DeepEqual(r.Changed, tt.changed) {
				t.Errorf("Restore() changed %q, want %q", r.Changed, tt.changed)
			}
			to := tt.codeTo(p, in)
			if msgs := w.Sent.To(to); len(msgs) == 0 || msgs[len(msgs)-1].Params["code"] == "" {
				t.Errorf("no recovery code went to the new contact")
			}
			a, err := w.Store.Account(ctx, p.AccountID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range a.Contacts {
				got = append(got, c.Address)
			}
			if want := tt.contacts(p, in); !reflect.DeepEqual(got, want) || !a.ResetRequired {
				t.Errorf("contacts = %q, reset required %v; want %q and a reset required", got, a.ResetRequired, want)
			}
		})
	}
}

func newPhone(p person, in operator.RestoreInput) string {
	if in.Phone != "" {
		return in.Phone
	}
	return p.Phone
}

func newEmail(_ person, in operator.RestoreInput) string { return in.Email }

// TestRestoreSendLimit: codes to one contact count against its send
// limit, whichever flow sends them: the sixth in an hour is refused and
// changes nothing.
func TestRestoreSendLimit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	op := w.operator(t, "op-0103", centre)
	p := w.standard(t)
	w.matched(t, op, p)
	phone := freshPhone()
	for i := range 5 {
		if _, _, err := w.Op.Restore(ctx, op, p.AccountID, operator.RestoreInput{Phone: phone}); err != nil {
			t.Fatalf("restoration %d: %v", i+1, err)
		}
	}
	items := w.Items(t)
	if _, _, err := w.Op.Restore(ctx, op, p.AccountID, operator.RestoreInput{Phone: phone}); !errors.Is(err, challenge.ErrSendLimit) {
		t.Errorf("sixth restoration in an hour = %v, want %v", err, challenge.ErrSendLimit)
	}
	if after := w.Items(t); after != items {
		t.Errorf("the refused restoration wrote %d items", after-items)
	}
}
