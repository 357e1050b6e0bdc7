package notify

import (
	"context"
	"errors"
	"fmt"
)

// The contact kinds Courier routes by (the values of contact kinds in the
// API and the table, kept as plain strings so notify imports no domain
// package).
const (
	KindPhone = "phone"
	KindEmail = "email"
)

// Routing errors.
var (
	ErrUnknownKind  = errors.New("unknown contact kind")
	ErrWrongChannel = errors.New("template is for another channel")
)

// Courier renders a template and sends it over the channel of a contact:
// SMS for a phone, mail for an e-mail address. It returns errors and does
// not log; the caller logs once at its boundary.
type Courier struct {
	sms  *SMS
	mail Mailer
}

// NewCourier returns a courier sending SMS through sms and mail through mail.
func NewCourier(sms *SMS, mail Mailer) *Courier {
	return &Courier{sms: sms, mail: mail}
}

// Send renders the template in the locale with params and sends it to
// address, a phone number in E.164 for kind "phone" or an e-mail address for
// kind "email". The template must be written for that channel (an SMS
// template for a phone, a mail template for an e-mail). Errors name the
// template and the kind, never the address or a parameter value; provider
// failures satisfy errors.Is(err, ErrUnavailable).
func (c *Courier) Send(ctx context.Context, kind, address, template, locale string, params map[string]string) error {
	var channel string
	switch kind {
	case KindPhone:
		channel = channelSMS
	case KindEmail:
		channel = channelMail
	default:
		return fmt.Errorf("send %s: %w %q", template, ErrUnknownKind, kind)
	}
	if t, ok := templates[template]; ok && t.channel != channel {
		return fmt.Errorf("send %s to %s: %w", template, kind, ErrWrongChannel)
	}
	m, err := Render(template, locale, params)
	if err != nil {
		return fmt.Errorf("send %s to %s: %w", template, kind, err)
	}
	if channel == channelSMS {
		err = c.sms.Send(ctx, address, m.Text)
	} else {
		err = c.mail.SendMail(ctx, address, m.Subject, m.Text)
	}
	if err != nil {
		return fmt.Errorf("send %s to %s: %w", template, kind, err)
	}
	return nil
}
