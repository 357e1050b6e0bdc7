package registration

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/portalid/portalid/internal/contact"
)

// sendCodes delivers each issued code, or to a taken contact a notice that
// someone tried to register with it. Sends happen after the registration
// is stored, so a lost send is repaired by a resend, never by a second
// registration.
func (f *Flow) sendCodes(ctx context.Context, r Registration, codes map[contact.Kind]string) error {
	for _, k := range []contact.Kind{contact.Phone, contact.Email} {
		ch, ok := r.Channels[k]
		if !ok {
			continue
		}
		if ch.Taken {
			if err := f.send(ctx, r, k, ch, "registration-attempt-"+map[contact.Kind]string{contact.Phone: "sms", contact.Email: "mail"}[k], nil); err != nil {
				return err
			}
			continue
		}
		if err := f.sendCode(ctx, r, k, ch, codes[k]); err != nil {
			return err
		}
	}
	return nil
}

func (f *Flow) sendCode(ctx context.Context, r Registration, k contact.Kind, ch Channel, code string) error {
	if k == contact.Phone {
		return f.send(ctx, r, k, ch, "registration-code", map[string]string{
			"code":    code,
			"minutes": strconv.Itoa(int(f.Limits.SMSCodeTTL.Minutes())),
		})
	}
	// The token travels in the fragment, which browsers never send to a
	// server, so it stays out of access logs on the way to the web client.
	link := f.LinkBase + "/confirm-email#" + url.Values{"registration": {r.ID}, "token": {code}}.Encode()
	return f.send(ctx, r, k, ch, "registration-link", map[string]string{
		"link": link,
		"days": strconv.Itoa(int(f.Limits.EmailLinkTTL.Hours() / 24)),
	})
}

func (f *Flow) send(ctx context.Context, r Registration, k contact.Kind, ch Channel, template string, params map[string]string) error {
	if err := f.Sender.Send(ctx, string(k), ch.Address, template, r.Locale, params); err != nil {
		return fmt.Errorf("send %s for registration %s: %w", template, r.ID, err)
	}
	return nil
}
