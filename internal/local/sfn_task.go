package local

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/portalid/portalid/internal/workflow"
)

// taskPath is where the harness posts each Task attempt.
const taskPath = "/task"

// maxTaskBody bounds a task call: a task's input is at most 256 KiB.
const maxTaskBody = 1 << 20

// ErrNameTaskNotRegistered is the error name of a Task attempt whose
// resource has no handler (see RegisterTask).
const ErrNameTaskNotRegistered = "Local.TaskNotRegistered"

// SFNTaskInfo describes the Task attempt a handler is running.
type SFNTaskInfo struct {
	Execution string // execution ARN
	State     string // state name
	Resource  string // the Task's Resource
	// Now is the simulated time of the attempt: the execution's start plus
	// the simulated time since (see SFNTime).
	Now time.Time
}

type sfnTaskKey struct{}

// SFNTask returns the Task attempt ctx belongs to, when a handler runs
// under the local Step Functions.
func SFNTask(ctx context.Context) (SFNTaskInfo, bool) {
	info, ok := ctx.Value(sfnTaskKey{}).(SFNTaskInfo)
	return info, ok
}

// taskEndpoint answers the harness's task calls on 127.0.0.1 with the
// registered handlers. Only the harness knows the secret, so no other
// local process can run a handler through it.
type taskEndpoint struct {
	sfn *SFN
}

type taskCall struct {
	Execution    string          `json:"execution"`
	State        string          `json:"state"`
	Resource     string          `json:"resource"`
	FunctionName string          `json:"functionName"`
	Input        json.RawMessage `json:"input"`
	TaskToken    string          `json:"taskToken"`
	Now          time.Time       `json:"now"`
}

type taskAnswer struct {
	Output json.RawMessage `json:"output,omitempty"`
	Error  *string         `json:"error,omitempty"`
	Cause  string          `json:"cause,omitempty"`
}

func (t *taskEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	want := "Bearer " + t.sfn.secret
	if r.Method != http.MethodPost || r.URL.Path != taskPath {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	var call taskCall
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxTaskBody)).Decode(&call); err != nil {
		http.Error(w, "bad task call", http.StatusBadRequest)
		return
	}
	answer := t.run(r.Context(), call)
	body, err := json.Marshal(answer)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// run calls the handler of call's resource and turns its result into what
// the ASL sees: the output, or an error name and cause (workflow.Failure).
func (t *taskEndpoint) run(ctx context.Context, call taskCall) taskAnswer {
	key := call.Resource
	if call.FunctionName != "" {
		key = call.FunctionName
	}
	log := t.sfn.log.With("task", key, "state", call.State, "execution", call.Execution)
	h, ok := t.sfn.task(key)
	if !ok {
		log.WarnContext(ctx, "task not registered")
		return failed(ErrNameTaskNotRegistered, "no task handler is registered for "+key)
	}
	ctx = context.WithValue(ctx, sfnTaskKey{}, SFNTaskInfo{
		Execution: call.Execution, State: call.State, Resource: call.Resource, Now: call.Now,
	})
	// Deadlines a task computes for its workflow's waits are on the
	// execution's simulated clock.
	ctx = workflow.WithNow(ctx, call.Now)
	began := time.Now()
	out, err := callHandler(ctx, h, call)
	if err == nil && !json.Valid(out) {
		err = fmt.Errorf("task %s returned output that is not JSON", key)
	}
	if err != nil {
		name, cause := workflow.Failure(err)
		log.InfoContext(ctx, "task failed", "error", name, "durationMs", time.Since(began).Milliseconds())
		return failed(name, cause)
	}
	return taskAnswer{Output: out}
}

// callHandler runs h, turning a panic into an error (a TaskFailed to the
// ASL) so one bad handler cannot take the local stack down.
func callHandler(ctx context.Context, h workflow.Handler, call taskCall) (out json.RawMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("task handler panicked: %v", p)
		}
	}()
	input := call.Input
	if len(input) == 0 {
		input = json.RawMessage("null")
	}
	out, err = h(ctx, input, call.TaskToken)
	if err == nil && len(out) == 0 {
		out = json.RawMessage("null")
	}
	return out, err
}

func failed(name, cause string) taskAnswer {
	return taskAnswer{Error: &name, Cause: cause}
}
