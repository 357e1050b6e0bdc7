package settings_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/settings"
	"github.com/portalid/portalid/internal/secret"
)

func TestSetSecurityQuestion(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phone, _, id := e.Register(t, false)
	p, _ := e.Principal(t, phone, ip)
	err := e.Settings.SetSecurityQuestion(ctx, p, settings.QuestionInput{
		Question: "  Девичья фамилия   матери? ", Answer: " Фёдорова ", CurrentPassword: password,
	})
	if err != nil {
		t.Fatalf("SetSecurityQuestion() error = %v", err)
	}
	a, err := e.Store.Account(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.SecurityQuestion != "Девичья фамилия матери?" {
		t.Errorf("stored question = %q, want it trimmed and collapsed", a.SecurityQuestion)
	}
	if !strings.HasPrefix(a.SecurityAnswerHash, "$argon2id$") || strings.Contains(strings.ToLower(a.SecurityAnswerHash), "федорова") {
		t.Fatalf("stored answer is not an argon2id hash")
	}
	if ok, _ := secret.VerifyPassword(a.SecurityAnswerHash, "федорова"); !ok {
		t.Errorf("stored hash is not of the normalised answer")
	}
	if kinds := e.EventKinds(t, id); !strings.HasSuffix(kinds, "security-question-set") {
		t.Errorf("events = %s, want security-question-set last", kinds)
	}

	if err := e.Settings.SetSecurityQuestion(ctx, p, settings.QuestionInput{Question: "Кличка собаки?", Answer: "Рекс", CurrentPassword: "Wrong-password-1"}); !errors.Is(err, settings.ErrPasswordWrong) {
		t.Errorf("SetSecurityQuestion(wrong password) = %v, want %v", err, settings.ErrPasswordWrong)
	}
	before := e.Items(t)
	err = e.Settings.SetSecurityQuestion(ctx, p, settings.QuestionInput{Question: "?", Answer: " \t ", CurrentPassword: ""})
	want := []string{"/question:security-question-invalid", "/answer:security-answer-invalid", "/currentPassword:password-required"}
	if got := flowtest.Fields(err); !reflect.DeepEqual(got, want) {
		t.Errorf("SetSecurityQuestion(bad input) fields = %v, want %v", got, want)
	}
	if after := e.Items(t); after != before {
		t.Errorf("bad input changed the table")
	}
}

func TestNotificationChannels(t *testing.T) {
	t.Parallel()
	e := flowtest.New(t)
	phoneOnly, _, _ := e.Register(t, false)
	both, _, bothID := e.Register(t, true)
	tests := []struct {
		name     string
		login    string
		channels []string
		want     []string
		fields   []string
	}{
		{"sms with a phone", phoneOnly, []string{"sms"}, []string{"sms"}, nil},
		{"both, stored in order", both, []string{"email", "sms"}, []string{"sms", "email"}, nil},
		{"e-mail without an e-mail address", phoneOnly, []string{"email"}, nil, []string{"/channels/0:channel-without-contact"}},
		{"unknown channel", phoneOnly, []string{"sms", "fax"}, nil, []string{"/channels/1:channel-unknown"}},
		{"repeated channel", both, []string{"sms", "sms"}, nil, []string{"/channels/1:channel-repeated"}},
		{"none", both, []string{}, nil, []string{"/channels:channels-required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := e.Principal(t, tt.login, ip)
			got, err := e.Settings.SetNotificationChannels(ctx, p.Account, tt.channels)
			if f := flowtest.Fields(err); !reflect.DeepEqual(f, tt.fields) || (tt.fields == nil && err != nil) {
				t.Fatalf("SetNotificationChannels(%q) = %v, fields %v; want fields %v", tt.channels, err, f, tt.fields)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SetNotificationChannels(%q) = %q, want %q", tt.channels, got, tt.want)
			}
		})
	}
	a, err := e.Store.Account(ctx, bothID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.NotificationChannels, []string{"sms", "email"}) {
		t.Errorf("stored channels = %q, want [sms email] (failed requests change nothing)", a.NotificationChannels)
	}
}
