package letter

import (
	"context"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/postal"
)

var _ postal.Reporter = (*Flow)(nil)

// Report takes the postal provider's news of a letter: the tracking
// number (which answers the SendLetter step waiting for it), delivery, or
// loss and return (which end the letter and fail the step waiting on it,
// so the person is told). A repeated report changes nothing.
func (f *Flow) Report(ctx context.Context, r postal.Report) error {
	if !account.ValidID(r.AccountID) || !account.ValidID(r.LetterID) {
		return fmt.Errorf("postal report %s: %w", r.Kind, ErrNotFound)
	}
	switch r.Kind {
	case postal.Accepted:
		if r.TrackingNumber == "" {
			return fmt.Errorf("postal report on letter %s: no tracking number", r.LetterID)
		}
		l, err := f.Store.RecordLetterTracking(ctx, r.AccountID, r.LetterID, r.TrackingNumber, r.At)
		if err != nil || l.TokenStep != StepSend || l.Token == "" {
			return err
		}
		return f.Waker.Wake(ctx, l.Token, "")
	case postal.Delivered:
		return f.Store.RecordLetterDelivered(ctx, r.AccountID, r.LetterID, r.At)
	case postal.Lost, postal.Returned:
		to := Lost
		if r.Kind == postal.Returned {
			to = Returned
		}
		l, changed, err := f.Store.CloseLetter(ctx, r.AccountID, r.LetterID, []string{Sent}, to, "", r.At)
		if changed {
			metric.Add(ctx, metric.Count(metric.LettersFailed))
		}
		if err != nil || !changed || l.Token == "" {
			return err
		}
		return f.Waker.Wake(ctx, l.Token, ErrNameLetterLost)
	}
	return fmt.Errorf("postal report on letter %s: unknown kind %q", r.LetterID, r.Kind)
}
