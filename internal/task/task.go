// Package task is the inbound edge of the Step Functions tasks: one Lambda
// function runs every Task state of the workflows, dispatching on the
// Payload's "task". It is the only place that knows Step Functions: fault
// kinds become the ASL error names Retry and Catch match, and the Lambda
// boundary returns them as the function error's type.
package task

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/letter"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/postal"
	"github.com/portalid/portalid/internal/transient"
	"github.com/portalid/portalid/internal/workflow"
)

// The ASL error names the tasks raise (besides workflow.TaskFailed).
const (
	// ErrRegistryUnavailable: a registry refused a request; Retry with
	// backoff, then Catch → the item is unavailable.
	ErrRegistryUnavailable = "RegistryUnavailable"
	// ErrStorageUnavailable: DynamoDB (or another AWS service a task
	// calls) stayed throttled or failing after the SDK's own retries;
	// Retry.
	ErrStorageUnavailable = "StorageUnavailable"
	// ErrUnknownTask: the Payload names no task this function runs.
	ErrUnknownTask = "UnknownTask"
	// ErrPostalUnavailable: the postal provider did not take a letter;
	// Retry with backoff, then Catch → the letter failed.
	ErrPostalUnavailable = "PostalUnavailable"
)

// Names lists every error name Go can raise through Dispatcher (or
// answer a task token with), for the test that compares them with the
// names the ASL matches.
var Names = []string{
	ErrRegistryUnavailable, ErrStorageUnavailable, ErrUnknownTask, workflow.TaskFailed,
	ErrPostalUnavailable, letter.ErrNameAddressRejected, letter.ErrNameLetterLost, letter.ErrNameCodeVoid,
}

// Dispatcher runs the task named in the Payload.
type Dispatcher struct {
	Tasks map[string]workflow.Handler
	Log   *slog.Logger // nil: slog.Default()
	// Metrics writes the metrics a task noted (internal/metric) once it
	// ends; nil writes none.
	Metrics *metric.Emitter
}

type envelope struct {
	Task      string `json:"task"`
	AccountID string `json:"accountId"`
	CheckID   string `json:"checkId"`
	Item      string `json:"item"`
	LetterID  string `json:"letterId"`
	Token     string `json:"token"`
}

// Handle is a workflow.Handler over every task: it decodes the task name,
// runs its handler, logs once, and returns any failure as a
// *workflow.Error with the ASL name (never wrapped). token is the task
// token when the runtime gives it apart from the Payload (the local Step
// Functions); otherwise the Payload's "token" is used.
func (d Dispatcher) Handle(ctx context.Context, in json.RawMessage, token string) (json.RawMessage, error) {
	var env envelope
	if err := json.Unmarshal(in, &env); err != nil {
		return nil, &workflow.Error{Name: workflow.TaskFailed, Cause: "the task input is not a JSON object"}
	}
	if token == "" {
		token = env.Token
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	ctx, counted := metric.Collect(ctx)
	defer func() {
		if err := d.Metrics.Emit(counted); err != nil {
			log.WarnContext(ctx, "metrics not written", "error", err.Error())
		}
	}()
	h, ok := d.Tasks[env.Task]
	if !ok {
		log.ErrorContext(ctx, "unknown task", "task", safe(env.Task))
		return nil, &workflow.Error{Name: ErrUnknownTask, Cause: "no such task"}
	}
	began := time.Now()
	out, err := h(ctx, in, token)
	attrs := []any{"task", env.Task, "accountId", env.AccountID, "durationMs", time.Since(began).Milliseconds()}
	if env.CheckID != "" {
		attrs = append(attrs, "checkId", env.CheckID)
	}
	if env.Item != "" {
		attrs = append(attrs, "item", safe(env.Item))
	}
	if env.LetterID != "" {
		attrs = append(attrs, "letterId", env.LetterID)
	}
	if err != nil {
		we := Name(err)
		level := slog.LevelWarn
		if we.Name == workflow.TaskFailed {
			level = slog.LevelError
		}
		attrs = append(attrs, "error", we.Name)
		if f, ok := fault.As(err); ok {
			attrs = append(attrs, "fault", f.Slug)
		}
		log.Log(ctx, level, "task failed", attrs...)
		return nil, we
	}
	log.InfoContext(ctx, "task done", attrs...)
	return out, nil
}

// Lambda is the function handler for lambda.Start: the Payload in, the
// task's result out, a failure as messages.InvokeResponse_Error, whose
// Type becomes the error name Step Functions matches (aws-lambda-go
// v1.55.1 uses a returned InvokeResponse_Error value as it is; any other
// error would be named after its Go type).
func (d Dispatcher) Lambda(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
	out, err := d.Handle(ctx, in, "")
	if err != nil {
		name, cause := workflow.Failure(err)
		return nil, messages.InvokeResponse_Error{Type: name, Message: cause}
	}
	return out, nil
}

// Name maps an error to the ASL error it is raised as: a named
// *workflow.Error as it is, a registry outage as RegistryUnavailable,
// other Unavailable faults and transient AWS faults (transient.Is) as
// StorageUnavailable, anything else as
// TaskFailed with a fixed cause (its text may hold identifiers).
func Name(err error) *workflow.Error {
	var we *workflow.Error
	if errors.As(err, &we) && we.Name != "" {
		return &workflow.Error{Name: we.Name, Cause: we.Cause}
	}
	if f, ok := fault.As(err); ok && f.Kind == fault.Unavailable {
		if f.Slug == "registry-unavailable" {
			return &workflow.Error{Name: ErrRegistryUnavailable, Cause: "the registry did not take the request"}
		}
		if f.Slug == postal.ErrUnavailable.Slug {
			return &workflow.Error{Name: ErrPostalUnavailable, Cause: "the postal provider did not take the letter"}
		}
		return &workflow.Error{Name: ErrStorageUnavailable, Cause: "storage is unavailable"}
	}
	// Any other AWS fault the SDK's retries did not get past (KMS, Step
	// Functions, a deadline): the step's Retry tries again.
	if transient.Is(err) {
		return &workflow.Error{Name: ErrStorageUnavailable, Cause: "a service is unavailable"}
	}
	name, cause := workflow.Failure(err)
	return &workflow.Error{Name: name, Cause: cause}
}

// safe keeps an unexpected task or item name out of the logs unless it is
// short and plain (letters and hyphens).
func safe(s string) string {
	if len(s) > 40 {
		return "[long]"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return "[odd]"
		}
	}
	return s
}
