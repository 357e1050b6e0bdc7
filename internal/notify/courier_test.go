package notify

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

type sentMail struct{ To, Subject, Text string }

type fakeMailer struct {
	sent []sentMail
	err  error
}

func (f *fakeMailer) SendMail(_ context.Context, to, subject, text string) error {
	f.sent = append(f.sent, sentMail{to, subject, text})
	return f.err
}

type sentSMS struct{ To, Text string }

func smsSent(f *fakeSNS) []sentSMS {
	var out []sentSMS
	for _, in := range f.got {
		out = append(out, sentSMS{*in.PhoneNumber, *in.Message})
	}
	return out
}

func TestCourierSend(t *testing.T) {
	t.Parallel()
	codeParams := map[string]string{"code": "123456", "minutes": "5"}
	linkParams := map[string]string{"link": "https://portal.example/c?t=abc", "days": "3"}
	code, _ := Render("registration-code", "en", codeParams)
	link, _ := Render("registration-link", "ru", linkParams)
	attempt, _ := Render("registration-attempt-mail", "ru", nil)
	tests := []struct {
		name     string
		kind     string
		address  string
		template string
		locale   string
		params   map[string]string
		wantSMS  []sentSMS
		wantMail []sentMail
		wantErr  error
	}{
		{"code by sms", KindPhone, "+79991234567", "registration-code", "en", codeParams,
			[]sentSMS{{"+79991234567", code.Text}}, nil, nil},
		{"link by mail", KindEmail, "ivan@example.ru", "registration-link", "ru", linkParams,
			nil, []sentMail{{"ivan@example.ru", link.Subject, link.Text}}, nil},
		{"attempt by mail, no params", KindEmail, "ivan@example.ru", "registration-attempt-mail", "", nil,
			nil, []sentMail{{"ivan@example.ru", attempt.Subject, attempt.Text}}, nil},
		{"mail template to a phone", KindPhone, "+79991234567", "registration-link", "ru", linkParams,
			nil, nil, ErrWrongChannel},
		{"sms template to an e-mail", KindEmail, "ivan@example.ru", "registration-code", "ru", codeParams,
			nil, nil, ErrWrongChannel},
		{"unknown kind", "snils", "12345678901", "registration-code", "ru", codeParams,
			nil, nil, ErrUnknownKind},
		{"unknown template", KindPhone, "+79991234567", "registration-letter", "ru", codeParams,
			nil, nil, ErrUnknownTemplate},
		{"missing param sends nothing", KindPhone, "+79991234567", "registration-code", "ru", map[string]string{"code": "123456"},
			nil, nil, ErrMissingParam},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sns, mail := &fakeSNS{}, &fakeMailer{}
			err := NewCourier(NewSMS(sns, "PORTALID"), mail).Send(context.Background(), tt.kind, tt.address, tt.template, tt.locale, tt.params)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Send = %v, want %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), tt.address) {
				t.Errorf("Send error %q contains the address", err)
			}
			if diff := cmp.Diff(tt.wantSMS, smsSent(sns)); diff != "" {
				t.Errorf("SMS sent mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMail, mail.sent); diff != "" {
				t.Errorf("mail sent mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCourierProviderFailure(t *testing.T) {
	t.Parallel()
	throttled := &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
	tests := []struct {
		name    string
		courier *Courier
		kind    string
		address string
		tpl     string
		want    string
	}{
		{"sms", NewCourier(NewSMS(&fakeSNS{err: throttled}, ""), &fakeMailer{}), KindPhone, "+79991234567", "registration-attempt-sms",
			"send registration-attempt-sms to phone: publish sms: api error Throttling"},
		{"mail", NewCourier(NewSMS(&fakeSNS{}, ""), &fakeMailer{err: &DeliveryError{Op: "send mail", Cause: throttled}}), KindEmail, "ivan@example.ru", "registration-attempt-mail",
			"send registration-attempt-mail to email: send mail: api error Throttling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.courier.Send(context.Background(), tt.kind, tt.address, tt.tpl, "ru", nil)
			assertUnavailable(t, err, tt.want, tt.address)
		})
	}
}
