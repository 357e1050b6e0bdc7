// Package postal is the port to the postal provider that carries the
// registered letters of identity confirmation (SPEC §2.4): a letter with
// an activation code is handed over, and the provider reports later, by
// the letter's id, that it took the letter (with the tracking number),
// delivered it, lost it or had it returned. The package also holds a
// simulator of the provider for make run and the tests, and the text a
// letter carries.
package postal

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/secret"
)

// The kinds of report a provider sends about a letter.
const (
	// Accepted: the letter is in the post; the report carries its
	// tracking number (typically the day after the hand-over).
	Accepted = "accepted"
	// Delivered: the letter reached the addressee's box or counter.
	Delivered = "delivered"
	// Lost: the provider lost the letter.
	Lost = "lost"
	// Returned: the letter went back to the sender (no such addressee,
	// not collected).
	Returned = "returned"
)

// The refusals of Send.
var (
	// ErrAddressRejected: the provider does not deliver to the address;
	// the letter was not taken.
	ErrAddressRejected = fault.New(fault.Invalid, "address-rejected")
	// ErrUnavailable: the provider did not take the request (down,
	// overloaded); the caller may try again later.
	ErrUnavailable = fault.New(fault.Unavailable, "postal-unavailable")
)

// Letter is one registered letter to hand over. Everything but the ids
// is personal data or a secret and prints as "[redacted]".
type Letter struct {
	// AccountID and ID name the letter; the provider keys requests by
	// ID (a repeat is not a second letter) and its reports carry both
	// back.
	AccountID string
	ID        string
	Recipient person.Text // the addressee's full name
	Postcode  person.Postcode
	Address   person.Text // the rest of the address, one line
	Code      secret.LetterCode
	Locale    string // of the letter's text: "ru" or "en"
	// ValidDays is how long the code is valid from dispatch, in days.
	ValidDays int
}

// Report is a provider's news of a letter.
type Report struct {
	AccountID string
	LetterID  string
	Kind      string // Accepted, Delivered, Lost or Returned
	// TrackingNumber is set on Accepted.
	TrackingNumber string
	At             time.Time
}

// Provider carries letters.
type Provider interface {
	// Send hands a letter over: ErrAddressRejected or ErrUnavailable when
	// it is not taken. Sending a letter ID again is not a second letter.
	Send(ctx context.Context, l Letter) error
}

// Reporter takes a provider's reports to the letters' owner.
type Reporter interface {
	Report(ctx context.Context, r Report) error
}

// TrackingLink fills a carrier's tracking URL template: "{tracking}" is
// replaced by the number ("" when there is no number or no template).
func TrackingLink(template, number string) string {
	if template == "" || number == "" || !strings.Contains(template, "{tracking}") {
		return ""
	}
	return strings.ReplaceAll(template, "{tracking}", number)
}

// Text returns what a letter says, in its locale: the subject line of
// the envelope window and the body, with the code grouped as printed.
func Text(l Letter) (subject, body string) {
	days := strconv.Itoa(l.ValidDays)
	if l.Locale == "en" {
		return "Registered letter: identity confirmation code",
			"To " + l.Recipient.Value() + "\n" + l.Postcode.Value() + ", " + l.Address.Value() + "\n\n" +
				"Your code to confirm your identity on the state-services portal:\n\n    " + l.Code.Grouped() + "\n\n" +
				"Sign in to the portal and enter it in the identity confirmation section within " + days + " days of the letter's dispatch. " +
				"Letters and case do not matter. Never tell the code to anyone, portal staff included."
	}
	return "Заказное письмо: код подтверждения личности",
		"Кому: " + l.Recipient.Value() + "\n" + l.Postcode.Value() + ", " + l.Address.Value() + "\n\n" +
			"Ваш код подтверждения личности на портале государственных услуг:\n\n    " + l.Code.Grouped() + "\n\n" +
			"Войдите на портал и введите его в разделе подтверждения личности в течение " + days + " дн. с отправки письма. " +
			"Регистр букв не важен. Никому не сообщайте код, даже сотрудникам портала."
}
