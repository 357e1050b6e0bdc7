package identity

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/portalid/portalid/internal/registry"
)

// Recorder is the registry.Answerer that records each answer on its check
// item as it arrives, so Progress shows a SNILS the pension fund
// confirmed while the passport still waits (SPEC §2.3), and then hands
// the answer on to Next (the step waiting for it). The write only moves a
// pending item of a running check, so a repeated or late answer changes
// nothing; RecordOutcome writes the final result either way, so a failed
// write is logged (without the task token or any document) and the
// answer still goes on.
type Recorder struct {
	Store Store
	Next  registry.Answerer
	Now   func() time.Time // nil: time.Now
	Log   *slog.Logger     // nil: failed writes are not logged
}

var _ registry.Answerer = (*Recorder)(nil)

// Answer implements registry.Answerer.
func (r *Recorder) Answer(ctx context.Context, token string, res registry.Result) error {
	r.record(ctx, res)
	return r.Next.Answer(ctx, token, res)
}

func (r *Recorder) record(ctx context.Context, res registry.Result) {
	if res.AccountID == "" || res.CheckID == "" || !registry.Known(res.Item) {
		return
	}
	it := Item{}
	switch res.Outcome {
	case registry.Passed:
		it.Status = Passed
	case registry.Failed:
		it.Status, it.Reason = Failed, res.Reason
	default:
		return // not an answer an item can show
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	it.DecidedAt = now()
	err := r.Store.DecideItem(ctx, res.AccountID, res.CheckID, res.Item, it)
	if err == nil || errors.Is(err, ErrChanged) || r.Log == nil {
		return
	}
	// The store's error names the check and the item only: the token and
	// the documents never reach it.
	r.Log.WarnContext(ctx, "registry answer not recorded early", "checkId", res.CheckID, "item", res.Item, "error", err.Error())
}
