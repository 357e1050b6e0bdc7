package registration

import (
	"time"

	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/flow/challenge"
)

// Registration is one registration in progress, stored as one item.
type Registration struct {
	ID              string
	Version         int64 // 0 before the first save
	Surname         string
	GivenName       string
	Locale          string
	TermsVersion    string
	TermsAcceptedAt time.Time
	CreatedAt       time.Time
	ExpiresAt       time.Time
	Channels        map[contact.Kind]Channel
	AccountID       string // set once the account exists
}

// Channel is one contact being confirmed and the state of its latest code.
type Channel struct {
	Address string // normalised phone or e-mail, to resend to
	Index   string // blind index of Address
	// Taken is true when the contact already belongs to an account: the
	// person gets the same answers as for a new contact, but no code is
	// sent, none can match, and the owner is told of the attempt.
	Taken bool
	challenge.Code
	ConfirmedAt time.Time
}

// Confirmed reports whether the channel's contact has been confirmed.
func (c Channel) Confirmed() bool { return !c.ConfirmedAt.IsZero() }

// open reports whether the registration can still make progress at now.
func (r Registration) open(now time.Time) error {
	if r.AccountID != "" {
		return ErrCompleted
	}
	if !now.Before(r.ExpiresAt) {
		return ErrNotFound
	}
	return nil
}

// ChannelStatus is what a client learns about one channel.
type ChannelStatus struct {
	Kind        contact.Kind
	CodeExpires time.Time
	ResendAfter time.Time
	Confirmed   bool
}

// Status is what a client learns about a registration. It is the same
// whether or not a contact already belongs to an account.
type Status struct {
	ID       string
	Expires  time.Time
	Channels []ChannelStatus
}

func (f *Flow) status(r Registration) Status {
	s := Status{ID: r.ID, Expires: r.ExpiresAt}
	for _, k := range []contact.Kind{contact.Phone, contact.Email} {
		ch, ok := r.Channels[k]
		if !ok {
			continue
		}
		s.Channels = append(s.Channels, ChannelStatus{
			Kind:        k,
			CodeExpires: ch.ExpiresAt,
			ResendAfter: f.challenge.ResendAfter(ch.Code),
			Confirmed:   ch.Confirmed(),
		})
	}
	return s
}
