package task

import (
	"context"
	"encoding/json"

	"github.com/portalid/portalid/internal/flow/letter"
	"github.com/portalid/portalid/internal/workflow"
)

// Letter returns the task handlers of the postal-letter workflow, by the
// names its Payloads carry.
func Letter(f *letter.Flow) map[string]workflow.Handler {
	step := func(run func(ctx context.Context, in letter.Input, token string) (any, error)) workflow.Handler {
		return func(ctx context.Context, raw json.RawMessage, token string) (json.RawMessage, error) {
			var in letter.Input
			if err := json.Unmarshal(raw, &in); err != nil || in.AccountID == "" || in.LetterID == "" {
				return nil, &workflow.Error{Name: workflow.TaskFailed, Cause: "bad task input"}
			}
			out, err := run(ctx, in, token)
			if err != nil {
				return nil, err
			}
			return json.Marshal(out)
		}
	}
	return map[string]workflow.Handler{
		"IssueLetterCode": step(func(ctx context.Context, in letter.Input, _ string) (any, error) {
			return map[string]bool{"issued": true}, f.IssueCode(ctx, in)
		}),
		"SendLetter": step(func(ctx context.Context, in letter.Input, token string) (any, error) {
			return map[string]bool{"handedOver": true}, f.SendLetter(ctx, in, token)
		}),
		"RecordLetterTracking": step(func(ctx context.Context, in letter.Input, _ string) (any, error) {
			return f.RecordTracking(ctx, in)
		}),
		"AwaitLetterCode": step(func(ctx context.Context, in letter.Input, token string) (any, error) {
			return map[string]bool{"waiting": true}, f.AwaitCode(ctx, in, token)
		}),
		"CheckLetterDeadlines": step(func(ctx context.Context, in letter.Input, _ string) (any, error) {
			return f.CheckDeadlines(ctx, in)
		}),
		"ConcludeLetter": step(func(ctx context.Context, in letter.Input, _ string) (any, error) {
			status, err := f.Conclude(ctx, in)
			return map[string]string{"status": status}, err
		}),
	}
}
