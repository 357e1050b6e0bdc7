package letter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/secret"
)

// Confirmed is the answer to the right code.
type Confirmed struct {
	LetterID           string         `json:"letterId"`
	Status             string         `json:"status"`
	Level              account.Level  `json:"level"`
	ConfirmationMethod account.Method `json:"confirmationMethod"`
}

// EnterCode checks the code a person typed for one of their letters. The
// attempt is counted before the code is compared, and at most
// Limits.MaxAttempts are counted per letter, however many guesses run at
// once; the last wrong one voids the code (code-attempts-exhausted) and
// ends the workflow. The right code, in one transaction, uses the letter
// and raises the account to confirmed by method letter with a
// level-changed event; then the workflow ends and the person is told.
// A notice that could not go out is returned in undelivered; the
// confirmation stands.
func (f *Flow) EnterCode(ctx context.Context, a account.Account, letterID, code string, o event.Origin) (c Confirmed, undelivered, err error) {
	code, err = secret.ParseLetterCode(code)
	if err != nil {
		return Confirmed{}, nil, fault.InvalidFields(fault.Field{Pointer: "/code", Reason: secret.ErrLetterCodeInvalid.Slug})
	}
	if !account.ValidID(letterID) {
		return Confirmed{}, nil, ErrNotFound
	}
	now := f.Now()
	l, counted, err := f.Store.CountLetterAttempt(ctx, a.ID, letterID, f.Limits.MaxAttempts, now)
	if err != nil {
		return Confirmed{}, nil, err
	}
	if !counted {
		return Confirmed{}, nil, refusal(l, now, f.Limits.MaxAttempts)
	}
	if !secret.Equal(f.hash(l.ID, code), l.CodeHash) {
		return Confirmed{}, nil, f.missed(ctx, l)
	}
	err = challenge.Retry(ctx, ErrChanged, ErrBusy, func(race int) error {
		if race > 0 {
			// The account moved on (a sign-in event) or the waiting step
			// changed its token: read both again.
			var rerr error
			if a, l, rerr = f.Store.LetterState(ctx, a.ID, l.ID); rerr != nil {
				return rerr
			}
			if !isActive(l.Status) || !now.Before(l.ExpiresAt) {
				return refusal(l, now, f.Limits.MaxAttempts)
			}
		}
		conf, err := a.Confirm(account.MethodLetter, now, o, map[string]string{"letterId": l.ID})
		if err != nil {
			return err
		}
		return f.Store.UseLetterCode(ctx, l, conf, now)
	})
	if err != nil {
		return Confirmed{}, nil, err
	}
	if l.TokenStep == StepAwait && l.Token != "" {
		if err := f.Waker.Wake(ctx, l.Token, ""); err != nil {
			// The workflow ends at its next deadline check instead.
			undelivered = errors.Join(undelivered, fmt.Errorf("end letter %s workflow: %w", l.ID, err))
		}
	}
	metric.Add(ctx, metric.Confirmed(account.MethodLetter))
	undelivered = errors.Join(undelivered, f.notify(ctx, a, "letter-confirmed", nil))
	return Confirmed{LetterID: l.ID, Status: Used, Level: account.Confirmed, ConfirmationMethod: account.MethodLetter}, undelivered, nil
}

// missed answers a wrong code: a mismatch, or, when it was the last
// attempt, the code is voided and the workflow waiting on it ends.
func (f *Flow) missed(ctx context.Context, l Letter) error {
	if l.Attempts < f.Limits.MaxAttempts {
		return challenge.ErrCodeMismatch
	}
	closed, changed, err := f.Store.CloseLetter(ctx, l.AccountID, l.ID, active, Void, ReasonAttempts, f.Now())
	if err != nil {
		return err
	}
	if changed && closed.TokenStep == StepAwait && closed.Token != "" {
		if err := f.Waker.Wake(ctx, closed.Token, ErrNameCodeVoid); err != nil {
			return err
		}
	}
	return challenge.ErrAttemptsExhausted
}

// refusal explains why an attempt on l was not counted at now.
func refusal(l Letter, now time.Time, maxAttempts int) error {
	switch {
	case l.Status == Ordered:
		return ErrNotSent
	case l.Status == Used:
		return ErrUsed
	case l.Status == Expired || isActive(l.Status) && !now.Before(l.ExpiresAt):
		return challenge.ErrCodeExpired
	case l.Status == Void && l.VoidReason == ReasonAttempts, isActive(l.Status) && l.Attempts >= maxAttempts:
		return challenge.ErrAttemptsExhausted
	}
	return ErrClosed
}
