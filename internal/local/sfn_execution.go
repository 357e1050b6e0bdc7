package local

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// sfnExecution is the record of one execution; the SFN's mu guards it.
type sfnExecution struct {
	arn, machine, name string
	input              string
	status             types.ExecutionStatus
	output             string
	err, cause         string
	start, stop        time.Time
	states             []string
	transitions        int
	history            []historyEvent
	done               chan struct{} // closed when the execution has ended
}

func (e *sfnExecution) snapshot() SFNExecution {
	return SFNExecution{
		ARN:             e.arn,
		StateMachineARN: e.machine,
		Name:            e.name,
		Status:          e.status,
		Input:           e.input,
		Output:          e.output,
		Error:           e.err,
		Cause:           e.cause,
		States:          append([]string(nil), e.states...),
		Transitions:     e.transitions,
		Start:           e.start,
		Stop:            e.stop,
	}
}

// historyEvent is a HistoryEvent of GetExecutionHistory, in the JSON the
// sfn client reads. Only the details of the event's own type are set.
type historyEvent struct {
	ID              int64   `json:"id"`
	PreviousEventID int64   `json:"previousEventId"`
	Timestamp       float64 `json:"timestamp"` // epoch seconds
	Type            string  `json:"type"`

	ExecutionStarted   *executionStartedDetails `json:"executionStartedEventDetails,omitempty"`
	ExecutionSucceeded *outputDetails           `json:"executionSucceededEventDetails,omitempty"`
	ExecutionFailed    *errorDetails            `json:"executionFailedEventDetails,omitempty"`
	ExecutionAborted   *errorDetails            `json:"executionAbortedEventDetails,omitempty"`
	ExecutionTimedOut  *errorDetails            `json:"executionTimedOutEventDetails,omitempty"`
	StateEntered       *stateEnteredDetails     `json:"stateEnteredEventDetails,omitempty"`
	StateExited        *stateExitedDetails      `json:"stateExitedEventDetails,omitempty"`
	TaskScheduled      *taskScheduledDetails    `json:"taskScheduledEventDetails,omitempty"`
	TaskStarted        *taskResourceDetails     `json:"taskStartedEventDetails,omitempty"`
	TaskSucceeded      *taskOutputDetails       `json:"taskSucceededEventDetails,omitempty"`
	TaskFailed         *taskErrorDetails        `json:"taskFailedEventDetails,omitempty"`
	TaskTimedOut       *taskErrorDetails        `json:"taskTimedOutEventDetails,omitempty"`
}

type executionStartedDetails struct {
	Input        *string      `json:"input,omitempty"`
	InputDetails *dataDetails `json:"inputDetails,omitempty"`
	RoleArn      string       `json:"roleArn"`
}

type outputDetails struct {
	Output        *string      `json:"output,omitempty"`
	OutputDetails *dataDetails `json:"outputDetails,omitempty"`
}

type errorDetails struct {
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
}

type stateEnteredDetails struct {
	Name         string       `json:"name"`
	Input        *string      `json:"input,omitempty"`
	InputDetails *dataDetails `json:"inputDetails,omitempty"`
}

type stateExitedDetails struct {
	Name          string       `json:"name"`
	Output        *string      `json:"output,omitempty"`
	OutputDetails *dataDetails `json:"outputDetails,omitempty"`
}

type taskResourceDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
}

type taskScheduledDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
	Region       string `json:"region"`
	Parameters   string `json:"parameters"`
}

type taskOutputDetails struct {
	ResourceType  string       `json:"resourceType"`
	Resource      string       `json:"resource"`
	Output        *string      `json:"output,omitempty"`
	OutputDetails *dataDetails `json:"outputDetails,omitempty"`
}

type taskErrorDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
	Error        string `json:"error,omitempty"`
	Cause        string `json:"cause,omitempty"`
}

type dataDetails struct {
	Truncated bool `json:"truncated"`
}

// withoutData returns ev without its inputs and outputs
// (includeExecutionData false).
func (ev historyEvent) withoutData() historyEvent {
	if d := ev.ExecutionStarted; d != nil {
		ev.ExecutionStarted = &executionStartedDetails{RoleArn: d.RoleArn}
	}
	if ev.ExecutionSucceeded != nil {
		ev.ExecutionSucceeded = &outputDetails{}
	}
	if d := ev.StateEntered; d != nil {
		ev.StateEntered = &stateEnteredDetails{Name: d.Name}
	}
	if d := ev.StateExited; d != nil {
		ev.StateExited = &stateExitedDetails{Name: d.Name}
	}
	if d := ev.TaskScheduled; d != nil {
		c := *d
		c.Parameters = ""
		ev.TaskScheduled = &c
	}
	if d := ev.TaskSucceeded; d != nil {
		ev.TaskSucceeded = &taskOutputDetails{ResourceType: d.ResourceType, Resource: d.Resource}
	}
	return ev
}

// localRoleARN is the role executions "run as" in their history.
var localRoleARN = "arn:aws:iam::" + AccountID + ":role/portalid-local-step-functions"

// record appends ev to e's history, numbering it.
func (e *sfnExecution) record(at time.Time, ev historyEvent) {
	ev.ID = int64(len(e.history) + 1)
	ev.PreviousEventID = ev.ID - 1
	ev.Timestamp = float64(at.UnixNano()) / 1e9
	e.history = append(e.history, ev)
}

// apply records a state event of the harness the way AWS's history shows
// it: <Type>StateEntered / Exited, and for a Task each attempt's
// TaskScheduled, TaskStarted and TaskSucceeded, TaskFailed or
// TaskTimedOut.
func (e *sfnExecution) apply(ev harnessEvent) {
	at := time.UnixMilli(int64(ev.At))
	isTask := ev.Type == "Task"
	resourceType, resource := splitResource(ev.Resource)
	scheduled := func() {
		e.record(at, historyEvent{Type: "TaskScheduled", TaskScheduled: &taskScheduledDetails{
			ResourceType: resourceType, Resource: resource, Region: Region, Parameters: string(ev.Input),
		}})
		e.record(at, historyEvent{Type: "TaskStarted", TaskStarted: &taskResourceDetails{resourceType, resource}})
	}
	switch ev.Kind {
	case "entered":
		e.states = append(e.states, ev.Name)
		e.transitions++
		e.record(at, historyEvent{Type: ev.Type + "StateEntered", StateEntered: &stateEnteredDetails{
			Name: ev.Name, Input: jsonText(ev.Input), InputDetails: &dataDetails{},
		}})
		if isTask {
			scheduled()
		}
	case "retried":
		e.transitions++
		if isTask {
			scheduled()
		}
	case "failed":
		d := &taskErrorDetails{ResourceType: resourceType, Resource: resource, Error: ev.Error, Cause: ev.Cause}
		switch {
		case isTask && ev.Error == "States.Timeout":
			e.record(at, historyEvent{Type: "TaskTimedOut", TaskTimedOut: d})
		case isTask:
			e.record(at, historyEvent{Type: "TaskFailed", TaskFailed: d})
		case ev.Type == "Parallel" || ev.Type == "Map":
			e.record(at, historyEvent{Type: ev.Type + "StateFailed"})
		}
	case "exited":
		out := jsonText(ev.Output)
		if isTask {
			e.record(at, historyEvent{Type: "TaskSucceeded", TaskSucceeded: &taskOutputDetails{
				ResourceType: resourceType, Resource: resource, Output: out, OutputDetails: &dataDetails{},
			}})
		}
		e.record(at, historyEvent{Type: ev.Type + "StateExited", StateExited: &stateExitedDetails{
			Name: ev.Name, Output: out, OutputDetails: &dataDetails{},
		}})
	}
}

// finish records how e ended.
func (e *sfnExecution) finish(end harnessEnd) {
	e.stop = time.UnixMilli(int64(end.At))
	e.transitions = end.Transitions
	e.err, e.cause = end.Error, end.Cause
	switch end.Status {
	case "SUCCEEDED":
		e.status = types.ExecutionStatusSucceeded
		e.output = string(end.Output)
		if e.output == "" {
			e.output = "null"
		}
		e.record(e.stop, historyEvent{Type: "ExecutionSucceeded", ExecutionSucceeded: &outputDetails{
			Output: &e.output, OutputDetails: &dataDetails{},
		}})
	case "TIMED_OUT":
		e.status = types.ExecutionStatusTimedOut
		e.record(e.stop, historyEvent{Type: "ExecutionTimedOut", ExecutionTimedOut: &errorDetails{e.err, e.cause}})
	case "ABORTED":
		e.status = types.ExecutionStatusAborted
		e.record(e.stop, historyEvent{Type: "ExecutionAborted", ExecutionAborted: &errorDetails{e.err, e.cause}})
	default:
		e.status = types.ExecutionStatusFailed
		e.record(e.stop, historyEvent{Type: "ExecutionFailed", ExecutionFailed: &errorDetails{e.err, e.cause}})
	}
	close(e.done)
}

// splitResource returns the resourceType and resource of a Task's history
// events: arn:aws:states:::lambda:invoke gives "lambda" and "invoke";
// another ARN its service and the whole ARN.
func splitResource(arn string) (resourceType, resource string) {
	if rest, ok := strings.CutPrefix(arn, "arn:aws:states:::"); ok {
		t, r, _ := strings.Cut(rest, ":")
		return t, r
	}
	if parts := strings.SplitN(arn, ":", 4); len(parts) == 4 && parts[0] == "arn" {
		return parts[2], arn
	}
	return "", arn
}

func jsonText(raw json.RawMessage) *string {
	s := string(raw)
	if s == "" {
		s = "null"
	}
	return &s
}

// harnessEvent records an event the harness reports.
func (s *SFN) harnessEvent(arn string, ev harnessEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.executions[arn]; ok && e.status == types.ExecutionStatusRunning {
		e.apply(ev)
	}
}

// harnessEnd records the end of an execution.
func (s *SFN) harnessEnd(arn string, end harnessEnd) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.executions[arn]; ok && e.status == types.ExecutionStatusRunning {
		e.finish(end)
	}
}

// harnessExited fails the executions still running when the harness
// exits.
func (s *SFN) harnessExited() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.executions {
		if e.status == types.ExecutionStatusRunning {
			e.finish(harnessEnd{
				Status: "FAILED", Error: "Local.HarnessExited",
				Cause: "the local step functions harness exited", At: float64(time.Now().UnixMilli()),
				Transitions: e.transitions,
			})
		}
	}
}
