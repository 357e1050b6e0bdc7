package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/registry"
)

// ErrUnknownItem reports a task for an item the check does not hold
// (or no registry checks).
var ErrUnknownItem = errors.New("unknown check item")

// CheckItem is the step that checks one item (CheckItem in the workflow's
// Map; CheckSnils and CheckPassport in executions started before it): it
// hands the submitted document to its registry with the step's task token
// and records when. A retried step submits again (the registry keys
// requests by check and item); the submission time stays the first one.
func (f *Flow) CheckItem(ctx context.Context, in Input, item, token string) error {
	if !registry.Known(item) {
		return fmt.Errorf("check %s: %w", in.CheckID, ErrUnknownItem)
	}
	c, err := f.Store.Check(ctx, in.AccountID, in.CheckID)
	if err != nil {
		return fmt.Errorf("check %s %s: %w", item, in.CheckID, err)
	}
	if c.item(item).Status == "" {
		return fmt.Errorf("check %s %s: %w", item, in.CheckID, ErrUnknownItem)
	}
	plain, err := f.Sealer.Open(ctx, c.Sealed, checkAAD(in.AccountID, in.CheckID))
	if err != nil {
		return fmt.Errorf("open check %s: %w", in.CheckID, err)
	}
	var docs documents
	if err := json.Unmarshal(plain, &docs); err != nil {
		return fmt.Errorf("decode check %s: %w", in.CheckID, err)
	}
	doc := registry.NewDocument(docs.SNILS)
	switch item {
	case registry.Passport:
		doc = registry.NewDocument(docs.Passport)
	case registry.ForeignDocument:
		doc = docs.foreign()
	}
	err = f.Registry.Submit(ctx, registry.Request{AccountID: in.AccountID, CheckID: in.CheckID, Item: item, Document: doc, Token: token})
	if err != nil {
		return fmt.Errorf("check %s %s: %w", item, in.CheckID, err)
	}
	return f.Store.MarkSubmitted(ctx, in.AccountID, in.CheckID, item, f.Now())
}

// OutcomeInput is the RecordOutcome step's input: the ids and what each
// branch ended with.
type OutcomeInput struct {
	AccountID string            `json:"accountId"`
	CheckID   string            `json:"checkId"`
	Results   []registry.Result `json:"results"`
}

// RecordOutcome is the last step: every item passed → the account becomes
// standard (with its document indexes and a level-changed event, in one
// transaction); any failed → failed, with the reasons, and the claims on
// the documents released; otherwise stalled. For a re-check of a
// standard or confirmed account: passed → the level stays, the document
// indexes move to the new ones and the previous documents' claims are
// released; failed or stalled → the account drops to simplified (with a
// level-changed event naming the reason) and the new claims are released. The person is notified
// once: the outcome and the "notified" mark are written together, before
// the notice goes out, so a retried step finds the check decided and
// sends nothing. It returns the check's state.
func (f *Flow) RecordOutcome(ctx context.Context, in OutcomeInput) (string, error) {
	for race := 0; race < 8; race++ {
		a, c, err := f.Store.OutcomeState(ctx, in.AccountID, in.CheckID)
		if err != nil {
			return "", err
		}
		if c.State != Running {
			return c.State, nil // recorded (and notified) by an earlier attempt
		}
		o := f.decide(a, c, in.Results)
		err = f.Store.RecordOutcome(ctx, o)
		if errors.Is(err, ErrChanged) {
			continue
		}
		if err != nil {
			return "", err
		}
		if o.Check.State == Stalled {
			metric.Add(ctx, metric.Count(metric.ChecksStalled))
		}
		if err := f.notify(ctx, a, o.Check.State); err != nil {
			return "", err
		}
		return o.Check.State, nil
	}
	return "", ErrBusy
}

func (f *Flow) decide(a account.Account, c Check, results []registry.Result) Outcome {
	now := f.Now()
	items := c.Items()
	for _, r := range results {
		it := c.item(r.Item)
		if it == nil || it.Status == "" {
			continue // no item of the check
		}
		status, reason := Unavailable, ""
		switch r.Outcome {
		case registry.Passed:
			status = Passed
		case registry.Failed:
			status, reason = Failed, r.Reason
		}
		// The Recorder may have written the answer as it arrived: its
		// decision time stays.
		if it.Status != status || it.Reason != reason || it.DecidedAt.IsZero() {
			it.DecidedAt = now
		}
		it.Status, it.Reason = status, reason
	}
	passed, failed := len(items) > 0, false
	for _, name := range items {
		it := c.item(name)
		if it.Status == Pending { // an item that said nothing
			it.Status, it.DecidedAt = Unavailable, now
		}
		passed = passed && it.Status == Passed
		failed = failed || it.Status == Failed
	}
	switch {
	case passed:
		c.State = Passed
	case failed:
		c.State = Failed
	default:
		c.State = Stalled
	}
	c.UpdatedAt, c.Notified = now, true
	o := Outcome{Check: c}
	levelChanged := func(to account.Level, details map[string]string) {
		d := map[string]string{"from": string(a.Level), "to": string(to), "checkId": c.ID}
		for k, v := range details {
			d[k] = v
		}
		ev := event.Chain(a.ID, a.Events, now, event.Origin{}, d, event.LevelChanged)
		o.Level, o.Events = to, &ev
	}
	switch {
	case c.State == Passed:
		o.SNILSIndex, o.ForeignIndex = c.SNILSIndex, c.ForeignIndex
		// A re-check passed: the previous documents' claims go, except
		// those the edit kept.
		o.ReleaseSNILS = other(c.PrevSNILSIndex, c.SNILSIndex)
		o.ReleasePassport = other(c.PrevPassportIndex, c.PassportIndex)
		o.ReleaseForeign = other(c.PrevForeignIndex, c.ForeignIndex)
		if !a.AtLeast(account.Standard) {
			levelChanged(account.Standard, map[string]string{"method": "registry-check"})
		}
	case a.AtLeast(account.Standard):
		// A re-check that failed or stalled: the account keeps its level
		// only if the new data passes (SPEC §2.3), so it drops to
		// simplified and gives up the new claims; it keeps the previous
		// ones (its SNILS login among them). A confirmed account drops
		// the same way: its confirmation rested on the previous data, so
		// the confirmation method is cleared too.
		levelChanged(account.Simplified, map[string]string{"reason": "recheck-" + c.State})
		o.releaseNew(c)
		o.ClearConfirmation = a.Level == account.Confirmed
	case c.State == Failed:
		o.releaseNew(c)
	}
	return o
}

// releaseNew gives up the check's own claims, except those the account
// held before it.
func (o *Outcome) releaseNew(c Check) {
	o.ReleaseSNILS = other(c.SNILSIndex, c.PrevSNILSIndex)
	o.ReleasePassport = other(c.PassportIndex, c.PrevPassportIndex)
	o.ReleaseForeign = other(c.ForeignIndex, c.PrevForeignIndex)
}

// other is index unless it is keep (a claim that must stay).
func other(index, keep string) string {
	if index == keep {
		return ""
	}
	return index
}

// notify tells the person the outcome on their preferred channels.
func (f *Flow) notify(ctx context.Context, a account.Account, state string) error {
	base := map[string]string{Passed: "identity-check-passed", Failed: "identity-check-failed", Stalled: "identity-check-stalled"}[state]
	var errs []error
	for _, c := range a.Contacts {
		channel, tmpl := account.ChannelEmail, base+"-mail"
		if c.Kind == "phone" {
			channel, tmpl = account.ChannelSMS, base+"-sms"
		}
		if len(a.NotificationChannels) > 0 && !contains(a.NotificationChannels, channel) {
			continue
		}
		if err := f.Sender.Send(ctx, c.Kind, c.Address, tmpl, a.Locale, nil); err != nil {
			errs = append(errs, fmt.Errorf("notify %s of check outcome: %w", a.ID, err))
		}
	}
	return errors.Join(errs...)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
