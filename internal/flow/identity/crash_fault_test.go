package identity_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/faultinject"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/task"
	"github.com/portalid/portalid/internal/workflow"
)

// faultSeed seeds the injector of the fault tests.
const faultSeed = 20261123

// crash makes the step named state fail times times after it has done
// its work (its registry call, its writes, its notices) and before it
// reports: the error a Lambda invocation ends with when the function
// dies then, or panics when panics is set.
type crash struct {
	state  string
	times  int
	panics bool

	mu      sync.Mutex
	crashed int
}

func (c *crash) wrap(h workflow.Handler) workflow.Handler {
	return func(ctx context.Context, in json.RawMessage, token string) (json.RawMessage, error) {
		out, err := h(ctx, in, token)
		var p struct {
			Task string `json:"task"`
			Item string `json:"item"`
		}
		_ = json.Unmarshal(in, &p)
		c.mu.Lock()
		hit := err == nil && p.Task == c.state && (p.Item == "" || p.Item == registry.SNILS) && c.crashed < c.times
		if hit {
			c.crashed++
		}
		c.mu.Unlock()
		switch {
		case !hit:
			return out, err
		case c.panics:
			panic("task crashed after its side effects")
		}
		return nil, &workflow.Error{Name: "Lambda.ServiceException", Cause: "the function crashed before it answered"}
	}
}

// TestWorkflowUnderFaults runs an identity check whose task function
// crashes after its side effects, or whose DynamoDB calls fail: the
// workflow retries the step and ends in its documented state, with at
// most one level change and one notice per contact however often a step
// ran; and with the registries down past the 5 days, stalled.
func TestWorkflowUnderFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		crash *crash
		rates faultinject.Rates // on the task function's DynamoDB calls
		// what the execution ends with
		status    types.ExecutionStatus
		outcome   string
		wantLevel account.Level
		surfaces  bool // faults outlast the SDK's retries
		failFirst int  // the registries refuse the first failFirst requests of each item
	}{
		{
			name: "CheckItem crashes after the registry call", crash: &crash{state: "CheckItem", times: 2},
			status: types.ExecutionStatusSucceeded, outcome: identity.Passed, wantLevel: account.Standard,
		},
		{
			name: "RecordOutcome crashes after the level write and the notices", crash: &crash{state: "RecordOutcome", times: 2},
			status: types.ExecutionStatusSucceeded, outcome: identity.Passed, wantLevel: account.Standard,
		},
		{
			// A panic is a bug, not a transient fault: no Retry
			// matches it, the execution fails (docs/operations.md,
			// "Failed executions"), and what the step did stands once.
			name: "RecordOutcome panics after its side effects", crash: &crash{state: "RecordOutcome", times: 1, panics: true},
			status: types.ExecutionStatusFailed, wantLevel: account.Standard,
		},
		{
			name: "DynamoDB throttled, failing and slow under every step", rates: faultinject.Rates{Throttle: 0.25, ServerError: 0.15, Timeout: 0.05},
			status: types.ExecutionStatusSucceeded, outcome: identity.Passed, wantLevel: account.Standard,
		},
		{
			// Faults outlast the SDK's retries: steps fail with
			// StorageUnavailable, which every step's Retry matches.
			name: "DynamoDB down for the first 4 attempts of each operation", rates: faultinject.Rates{Outage: 4}, surfaces: true,
			status: types.ExecutionStatusSucceeded, outcome: identity.Passed, wantLevel: account.Standard,
		},
		{
			// The registries stay down past their Retry (longer than
			// the 5 days) while the table fails too: stalled, told once
			// (TestWorkflowPaths "registry down for good" and "no answer
			// for 5 days" are the paths without table faults).
			name: "registries down past 5 days under DynamoDB faults", failFirst: 100, rates: faultinject.Rates{Throttle: 0.12, ServerError: 0.08, Outage: 4},
			status: types.ExecutionStatusSucceeded, outcome: identity.Stalled, wantLevel: account.Simplified,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, &registry.Simulator{FailFirst: tt.failFirst})
			inj := faultinject.New(faultSeed).Set(faultinject.DynamoDB, tt.rates)
			inj.Delay = 5 * time.Millisecond
			tasks := *w.Identity
			tasks.Store = dynamo.New(dynamodb.New(w.DB.Options(), inj.DynamoDBOptions(10*time.Millisecond)), w.Table)
			var h workflow.Handler = task.Dispatcher{Tasks: task.Identity(&tasks), Log: slog.New(slog.NewJSONHandler(w.Logs, nil))}.Handle
			if tt.crash != nil {
				h = tt.crash.wrap(h)
			}
			w.SFN.RegisterTask(w.Function, h)

			phone, email, id := w.Register(t, true)
			if _, err := w.Profiles.Save(t.Context(), id, person(goodSNILS, goodSeries, goodNumber)); err != nil {
				t.Fatal(err)
			}
			c, err := w.Identity.Submit(t.Context(), id, true)
			if err != nil {
				t.Fatalf("Submit() error = %v", err)
			}
			got := w.wait(t, c.ID)
			inj.Pause()
			t.Logf("%s: %s (%s), states %v; %s", tt.name, got.Status, got.Error, got.States, inj.Report())
			if got.Status != tt.status {
				t.Fatalf("execution %s (%s: %s), want %s", got.Status, got.Error, got.Cause, tt.status)
			}
			if tt.outcome != "" {
				var out struct {
					Outcome string `json:"outcome"`
				}
				if err := json.Unmarshal([]byte(got.Output), &out); err != nil || out.Outcome != tt.outcome {
					t.Errorf("output %s, want outcome %s", got.Output, tt.outcome)
				}
				p, err := w.Identity.Progress(t.Context(), id, c.ID)
				if err != nil || p.State != tt.outcome {
					t.Errorf("progress = %+v, %v; want %s", p, err, tt.outcome)
				}
			}
			if r := inj.Report(); tt.surfaces && (r.Services[faultinject.DynamoDB].Failed == 0 || !strings.Contains(w.Logs.String(), task.ErrStorageUnavailable)) {
				t.Errorf("no step failed with %s: %s", task.ErrStorageUnavailable, r)
			}
			if tt.crash != nil && tt.crash.crashed != tt.crash.times {
				t.Errorf("crashed %d times, want %d", tt.crash.crashed, tt.crash.times)
			}

			a, err := w.Store.Account(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Level != tt.wantLevel {
				t.Errorf("level = %s, want %s", a.Level, tt.wantLevel)
			}
			var wantChanges []string
			if tt.wantLevel == account.Standard {
				wantChanges = []string{"simplified→standard "}
			}
			if diff := cmp.Diff(wantChanges, w.levelChanges(t, id)); diff != "" {
				t.Errorf("level-changed events (-want +got):\n%s", diff)
			}
			var notices []string
			for _, m := range w.Sent.Since(0) {
				if strings.HasPrefix(m.Template, "identity-check-") {
					notices = append(notices, m.Address+" "+m.Template)
				}
			}
			slices.Sort(notices)
			notice := "identity-check-" + map[account.Level]string{account.Standard: "passed", account.Simplified: "stalled"}[tt.wantLevel]
			want := []string{fmt.Sprintf("%s %s-mail", email, notice), fmt.Sprintf("%s %s-sms", phone, notice)}
			slices.Sort(want)
			if diff := cmp.Diff(want, notices); diff != "" {
				t.Errorf("notices (-want +got):\n%s", diff)
			}
		})
	}
}
