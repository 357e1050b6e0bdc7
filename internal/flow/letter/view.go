package letter

import (
	"context"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/postal"
)

// View is what the person sees of a letter: never its code or address.
type View struct {
	LetterID string `json:"letterId"`
	// Status is one of the statuses; a code whose lifetime ended shows
	// Expired even before the workflow has recorded it.
	Status         string    `json:"status"`
	Reason         string    `json:"reason,omitempty"` // why a void code is void
	OrderedAt      time.Time `json:"orderedAt"`
	DispatchedAt   time.Time `json:"dispatchedAt,omitzero"`
	TrackingNumber string    `json:"trackingNumber,omitempty"`
	TrackingURL    string    `json:"trackingUrl,omitempty"`
	DeliveredAt    time.Time `json:"deliveredAt,omitzero"`
	ExpiresAt      time.Time `json:"expiresAt,omitzero"`
	Reminder       Reminder  `json:"reminder"`
	AttemptsLeft   int       `json:"attemptsLeft"`
	ClosedAt       time.Time `json:"closedAt,omitzero"`
}

// Reminder is when the reminder of an unused code is due and when it went.
type Reminder struct {
	DueAt  time.Time `json:"dueAt,omitzero"`
	SentAt time.Time `json:"sentAt,omitzero"`
}

// Get returns one of the account's letters.
func (f *Flow) Get(ctx context.Context, accountID, letterID string) (View, error) {
	if !account.ValidID(letterID) {
		return View{}, ErrNotFound
	}
	l, err := f.Store.Letter(ctx, accountID, letterID)
	if err != nil {
		return View{}, err
	}
	return f.view(l, f.Now()), nil
}

func (f *Flow) view(l Letter, now time.Time) View {
	v := View{
		LetterID: l.ID, Status: l.Status, Reason: l.VoidReason, OrderedAt: l.OrderedAt.UTC(),
		DispatchedAt: l.DispatchedAt, TrackingNumber: l.TrackingNumber,
		TrackingURL: postal.TrackingLink(f.Limits.TrackingURL, l.TrackingNumber),
		DeliveredAt: l.DeliveredAt, ExpiresAt: l.ExpiresAt, ClosedAt: l.ClosedAt,
		Reminder:     Reminder{DueAt: l.RemindAt, SentAt: l.RemindedAt},
		AttemptsLeft: max(f.Limits.MaxAttempts-l.Attempts, 0),
	}
	switch {
	case isActive(l.Status) && !now.Before(l.ExpiresAt):
		v.Status, v.ClosedAt, v.AttemptsLeft = Expired, l.ExpiresAt, 0
	case l.Status == Sent && l.TrackingNumber != "":
		v.Status = InTransit
	case !isActive(l.Status) && l.Status != Ordered:
		v.AttemptsLeft = 0
	}
	return v
}
