package letter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/postal"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/workflow"
)

// Wait is what RecordTracking and CheckDeadlines tell the workflow: wait
// Seconds for the code (AwaitCode's timeout), or Ended: go to Conclude.
type Wait struct {
	Seconds int  `json:"seconds"`
	Ended   bool `json:"ended"`
}

// IssueCode is the first step: it draws the letter's code and stores its
// keyed hash with the code sealed for the hand-over, once (a retried step
// keeps the first code). Only the latest letter's code is valid, so the
// account's previous letter is voided, and its workflow ended.
func (f *Flow) IssueCode(ctx context.Context, in Input) error {
	l, err := f.Store.Letter(ctx, in.AccountID, in.LetterID)
	if err != nil {
		return err
	}
	if len(l.CodeHash) == 0 && l.Status == Ordered {
		code, err := secret.NewLetterCode(f.Rand)
		if err != nil {
			return err
		}
		sealed, err := f.Sealer.Seal(ctx, []byte(code.Reveal()), codeAAD(l.AccountID, l.ID))
		if err != nil {
			return fmt.Errorf("seal code of letter %s: %w", l.ID, err)
		}
		if _, err := f.Store.IssueLetterCode(ctx, l.AccountID, l.ID, f.hash(l.ID, code.Reveal()), sealed); err != nil {
			return err
		}
	}
	if l.PrevLetterID == "" {
		return nil
	}
	prev, changed, err := f.Store.CloseLetter(ctx, l.AccountID, l.PrevLetterID, append([]string{Ordered}, active...), Void, ReasonSuperseded, f.stepNow(ctx))
	if err != nil || !changed || prev.Token == "" {
		return err
	}
	return f.Waker.Wake(ctx, prev.Token, ErrNameCodeVoid)
}

// SendLetter hands the letter to the postal provider with the step's task
// token recorded on the letter; the provider's report of the tracking
// number answers the token. The provider keys letters by id and the
// sealed code is the one IssueCode drew, so a retried step never makes a
// second letter, and the hand-over (with the sent notice claimed, the
// sealed code erased) is recorded once. A refused address ends the
// letter (AddressRejected).
func (f *Flow) SendLetter(ctx context.Context, in Input, token string) error {
	l, ok, err := f.Store.SetLetterToken(ctx, in.AccountID, in.LetterID, StepSend, token, append([]string{Ordered}, active...))
	if err != nil {
		return err
	}
	if !ok {
		return f.answer(ctx, l, token)
	}
	if l.Status != Ordered {
		// A retried step: the letter is with the provider already.
		if l.TrackingNumber != "" {
			return f.Waker.Wake(ctx, token, "")
		}
		return nil
	}
	pl, err := f.postalLetter(ctx, l)
	if err != nil {
		return err
	}
	now := f.stepNow(ctx)
	err = f.Provider.Send(ctx, pl)
	switch {
	case errors.Is(err, postal.ErrAddressRejected):
		_, changed, err := f.Store.CloseLetter(ctx, l.AccountID, l.ID, []string{Ordered}, Rejected, "", now)
		if changed {
			metric.Add(ctx, metric.Count(metric.LettersFailed))
		}
		if err != nil {
			return err
		}
		return &workflow.Error{Name: ErrNameAddressRejected, Cause: "the postal provider refused the address"}
	case err != nil:
		return fmt.Errorf("send letter %s: %w", l.ID, err)
	}
	l.DispatchedAt, l.SentNoticeAt = now, now
	l.ExpiresAt, l.RemindAt = now.Add(f.Limits.CodeTTL), now.Add(f.Limits.ReminderAfter)
	if err := f.Store.DispatchLetter(ctx, l); errors.Is(err, ErrChanged) {
		return nil // an attempt running alongside recorded it, and told the person
	} else if err != nil {
		return err
	}
	if err := f.Store.LowerLetterReorderAt(ctx, l.AccountID, l.ID, l.ExpiresAt); err != nil {
		return err
	}
	a, err := f.Store.Account(ctx, l.AccountID)
	if err != nil {
		return err
	}
	return f.notify(ctx, a, "letter-sent", map[string]string{"days": days(f.Limits.CodeTTL)})
}

// postalLetter opens what the provider needs: the recipient, the address
// and the code.
func (f *Flow) postalLetter(ctx context.Context, l Letter) (postal.Letter, error) {
	if len(l.SealedCode) == 0 {
		return postal.Letter{}, fmt.Errorf("send letter %s: no code issued", l.ID)
	}
	plain, err := f.Sealer.Open(ctx, l.Sealed, addressAAD(l.AccountID, l.ID))
	if err != nil {
		return postal.Letter{}, fmt.Errorf("open letter %s: %w", l.ID, err)
	}
	var dest destination
	err = json.Unmarshal(plain, &dest)
	clear(plain)
	if err != nil {
		return postal.Letter{}, fmt.Errorf("decode letter %s: %w", l.ID, err)
	}
	pc, err := person.ParsePostcode(dest.Postcode)
	if err != nil {
		return postal.Letter{}, fmt.Errorf("letter %s postcode: %w", l.ID, err)
	}
	code, err := f.Sealer.Open(ctx, l.SealedCode, codeAAD(l.AccountID, l.ID))
	if err != nil {
		return postal.Letter{}, fmt.Errorf("open code of letter %s: %w", l.ID, err)
	}
	lc, err := secret.LetterCodeOf(string(code))
	clear(code)
	if err != nil {
		return postal.Letter{}, fmt.Errorf("code of letter %s: %w", l.ID, err)
	}
	return postal.Letter{
		AccountID: l.AccountID, ID: l.ID, Recipient: person.NewText(dest.Recipient), Postcode: pc,
		Address: person.NewText(dest.Address), Code: lc, Locale: l.Locale, ValidDays: int(f.Limits.CodeTTL / (24 * time.Hour)),
	}, nil
}

// RecordTracking follows the hand-over: once the provider reported the
// tracking number, the person is told it and the carrier's link (once).
// It returns the first wait for the code.
func (f *Flow) RecordTracking(ctx context.Context, in Input) (Wait, error) {
	a, l, err := f.Store.LetterState(ctx, in.AccountID, in.LetterID)
	if err != nil {
		return Wait{}, err
	}
	if l.TrackingNumber != "" && isActive(l.Status) {
		params := map[string]string{"tracking": l.TrackingNumber, "link": postal.TrackingLink(f.Limits.TrackingURL, l.TrackingNumber)}
		if err := f.claimAndNotify(ctx, a, l, NoticeTracking, "letter-tracking", params); err != nil {
			return Wait{}, err
		}
	}
	return f.wait(l, f.stepNow(ctx)), nil
}

// AwaitCode records the step's task token on the letter: the right code
// answers it, so the workflow ends at once; the last wrong attempt, or
// the provider's report of a lost letter, fail it. A letter that ended
// before the token could be recorded is answered here.
func (f *Flow) AwaitCode(ctx context.Context, in Input, token string) error {
	l, ok, err := f.Store.SetLetterToken(ctx, in.AccountID, in.LetterID, StepAwait, token, active)
	if err != nil || ok {
		return err
	}
	return f.answer(ctx, l, token)
}

// CheckDeadlines runs when a wait for the code ran out: past the code's
// lifetime the letter expires (and a new one may be ordered at once);
// past the reminder time the person is reminded (once). It returns the
// next wait, or Ended.
func (f *Flow) CheckDeadlines(ctx context.Context, in Input) (Wait, error) {
	a, l, err := f.Store.LetterState(ctx, in.AccountID, in.LetterID)
	if err != nil {
		return Wait{}, err
	}
	now := f.stepNow(ctx)
	if !isActive(l.Status) {
		return Wait{Ended: true}, nil
	}
	if !now.Before(l.ExpiresAt) {
		return Wait{Ended: true}, f.expire(ctx, l)
	}
	if l.RemindedAt.IsZero() && !now.Before(l.RemindAt) {
		left := days(l.ExpiresAt.Sub(now))
		if err := f.claimAndNotify(ctx, a, l, NoticeReminder, "letter-reminder", map[string]string{"days": left}); err != nil {
			return Wait{}, err
		}
		l.RemindedAt = now
	}
	return f.wait(l, now), nil
}

// expire ends a letter whose code's lifetime is over and lets a new one
// be ordered at once.
func (f *Flow) expire(ctx context.Context, l Letter) error {
	if _, _, err := f.Store.CloseLetter(ctx, l.AccountID, l.ID, active, Expired, "", l.ExpiresAt); err != nil {
		return err
	}
	return f.Store.LowerLetterReorderAt(ctx, l.AccountID, l.ID, time.Time{})
}

// endNotices are the notices of how a letter ended, by status; a used
// letter's was sent when the code was entered.
var endNotices = map[string]string{
	Expired: "letter-expired", Lost: "letter-undelivered", Returned: "letter-undelivered",
	Rejected: "letter-undelivered", Failed: "letter-undelivered", Void: "letter-void",
}

// Conclude is the last step of every path but the code's: a letter never
// handed over fails (a new one may be ordered at once), and the person is
// told how the letter ended (once). It returns the letter's status.
func (f *Flow) Conclude(ctx context.Context, in Input) (string, error) {
	a, l, err := f.Store.LetterState(ctx, in.AccountID, in.LetterID)
	if err != nil {
		return "", err
	}
	now := f.stepNow(ctx)
	switch {
	case l.Status == Ordered:
		if l, _, err = f.Store.CloseLetter(ctx, l.AccountID, l.ID, []string{Ordered}, Failed, "", now); err != nil {
			return "", err
		}
		if err := f.Store.LowerLetterReorderAt(ctx, l.AccountID, l.ID, time.Time{}); err != nil {
			return "", err
		}
	case isActive(l.Status) && !now.Before(l.ExpiresAt):
		if err := f.expire(ctx, l); err != nil {
			return "", err
		}
		l.Status = Expired
	}
	base := endNotices[l.Status]
	if l.Status == Void && l.VoidReason == ReasonSuperseded {
		base = "" // the newer letter's notices follow
	}
	if base != "" {
		if err := f.claimAndNotify(ctx, a, l, NoticeEnd, base, nil); err != nil {
			return "", err
		}
	}
	return l.Status, nil
}

// answer answers a waiting step's own token for a letter that ended
// before the step could wait: Used succeeds it, the others fail it with
// the name its Catch routes to Conclude.
func (f *Flow) answer(ctx context.Context, l Letter, token string) error {
	failure := ErrNameCodeVoid
	switch l.Status {
	case Used:
		failure = ""
	case Lost, Returned:
		failure = ErrNameLetterLost
	case Rejected:
		failure = ErrNameAddressRejected
	}
	return f.Waker.Wake(ctx, token, failure)
}

// wait is the next wait for the code at now: until the reminder is due
// (if it has not gone) or the code expires, at most maxWait, at least a
// second.
func (f *Flow) wait(l Letter, now time.Time) Wait {
	next := l.ExpiresAt
	if l.RemindedAt.IsZero() && l.RemindAt.Before(next) {
		next = l.RemindAt
	}
	d := min(next.Sub(now), maxWait)
	return Wait{Seconds: max(int(math.Ceil(d.Seconds())), 1)}
}

// days is a duration in whole days, rounded up, for a notice.
func days(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Hours() / 24)))
}
