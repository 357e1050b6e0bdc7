package task

import (
	"context"
	"encoding/json"

	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/workflow"
)

// Identity returns the task handlers of the identity-check workflow, by
// the names its Payloads carry: CheckItem (the item in the Payload's
// "item") and RecordOutcome; CheckSnils and CheckPassport still serve the
// executions started before the workflow checked its items in a Map.
func Identity(f *identity.Flow) map[string]workflow.Handler {
	item := func(name string) workflow.Handler {
		return func(ctx context.Context, in json.RawMessage, token string) (json.RawMessage, error) {
			var p identity.Input
			if err := json.Unmarshal(in, &p); err != nil {
				return nil, &workflow.Error{Name: workflow.TaskFailed, Cause: "bad task input"}
			}
			if err := f.CheckItem(ctx, p, name, token); err != nil {
				return nil, err
			}
			return json.RawMessage(`{"submitted":true}`), nil
		}
	}
	return map[string]workflow.Handler{
		"CheckSnils":    item(registry.SNILS),
		"CheckPassport": item(registry.Passport),
		"CheckItem": func(ctx context.Context, in json.RawMessage, token string) (json.RawMessage, error) {
			var p struct {
				identity.Input
				Item string `json:"item"`
			}
			if err := json.Unmarshal(in, &p); err != nil {
				return nil, &workflow.Error{Name: workflow.TaskFailed, Cause: "bad task input"}
			}
			return item(p.Item)(ctx, in, token)
		},
		"RecordOutcome": func(ctx context.Context, in json.RawMessage, _ string) (json.RawMessage, error) {
			var p identity.OutcomeInput
			if err := json.Unmarshal(in, &p); err != nil {
				return nil, &workflow.Error{Name: workflow.TaskFailed, Cause: "bad task input"}
			}
			state, err := f.RecordOutcome(ctx, p)
			if err != nil {
				return nil, err
			}
			return json.Marshal(map[string]string{"outcome": state})
		},
	}
}
