package local

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// The API speaks awsJson1_0, which the sfn client (v1.41.2) sends: a POST
// with X-Amz-Target: AWSStepFunctions.<Operation> and a JSON body,
// answered with JSON, errors as {"__type": code, "message": …}.
const (
	sfnTargetPrefix = "AWSStepFunctions."
	sfnContentType  = "application/x-amz-json-1.0"
	sfnMaxBody      = 1 << 20
	sfnMaxPayload   = 256 << 10 // bytes: input, output and task results
	sfnMaxName      = 80
	historyPageSize = 100
	historyMaxPage  = 1000
	stopWait        = 5 * time.Second
)

// sfnError is an API error answered with status 400 (500 for the
// harness's own failures).
type sfnError struct {
	Code    string
	Message string
}

func (e *sfnError) Error() string { return e.Code + ": " + e.Message }

func apiError(code, format string, args ...any) *sfnError {
	return &sfnError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ServeHTTP answers the Step Functions API operations: StartExecution,
// DescribeExecution, GetExecutionHistory, SendTaskSuccess,
// SendTaskFailure and StopExecution.
func (s *SFN) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newUUID()
	w.Header().Set("x-amzn-RequestId", requestID)
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), sfnTargetPrefix)
	if r.Method != http.MethodPost || !ok {
		writeSFNError(w, apiError("UnknownOperationException", "expected POST with X-Amz-Target: %s<Operation>", sfnTargetPrefix))
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		writeSFNError(w, apiError("SerializationException", "cannot read the request body"))
		return
	}
	handlers := map[string]func(context.Context, []byte) (any, error){
		"StartExecution":      s.startExecution,
		"DescribeExecution":   s.describeExecution,
		"GetExecutionHistory": s.getExecutionHistory,
		"SendTaskSuccess":     s.sendTaskSuccess,
		"SendTaskFailure":     s.sendTaskFailure,
		"StopExecution":       s.stopExecution,
	}
	h, ok := handlers[op]
	if !ok {
		writeSFNError(w, apiError("UnknownOperationException", "the local Step Functions does not support %s", op))
		return
	}
	out, err := h(r.Context(), body)
	if err != nil {
		writeSFNError(w, err)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeSFNError(w, err)
		return
	}
	w.Header().Set("Content-Type", sfnContentType)
	_, _ = w.Write(b)
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, sfnMaxBody))
}

func writeSFNError(w http.ResponseWriter, err error) {
	// The harness answers with API error codes; its own failures (and any
	// other error) are the service's, 500.
	var e *sfnError
	var h *harnessError
	status := http.StatusBadRequest
	switch {
	case errors.As(err, &e):
	case errors.As(err, &h):
		e = &sfnError{Code: h.Code, Message: h.Message}
		if h.Code == "ServiceUnavailable" || h.Code == "InternalError" {
			status = http.StatusInternalServerError
		}
	default:
		e, status = &sfnError{Code: "InternalError", Message: err.Error()}, http.StatusInternalServerError
	}
	b, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	w.Header().Set("Content-Type", sfnContentType)
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func decode(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return apiError("SerializationException", "the request body is not valid JSON for this operation")
	}
	return nil
}

// epoch is a timestamp as awsJson sends it: seconds since the epoch.
func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func (s *SFN) startExecution(ctx context.Context, body []byte) (any, error) {
	var in struct {
		StateMachineArn string  `json:"stateMachineArn"`
		Name            *string `json:"name"`
		Input           *string `json:"input"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	prefix, ok := executionARNPrefix(in.StateMachineArn)
	if !ok {
		return nil, apiError("InvalidArn", "invalid state machine ARN %q", in.StateMachineArn)
	}
	name := newUUID()
	if in.Name != nil {
		name = *in.Name
	}
	if err := validName(name); err != nil {
		return nil, err
	}
	input := "{}"
	if in.Input != nil {
		input = *in.Input
	}
	if len(input) > sfnMaxPayload || !json.Valid([]byte(input)) {
		return nil, apiError("InvalidExecutionInput", "the input must be JSON of at most %d bytes", sfnMaxPayload)
	}
	arn := prefix + name

	s.mu.Lock()
	m, ok := s.machines[in.StateMachineArn]
	if !ok {
		s.mu.Unlock()
		return nil, apiError("StateMachineDoesNotExist", "state machine does not exist: %s", in.StateMachineArn)
	}
	// STANDARD workflows: the same name and input while the first
	// execution runs is the same execution; otherwise the name is taken.
	if e, ok := s.executions[arn]; ok {
		s.mu.Unlock()
		if e.status == types.ExecutionStatusRunning && e.input == input {
			return map[string]any{"executionArn": arn, "startDate": epoch(e.start)}, nil
		}
		return nil, apiError("ExecutionAlreadyExists", "execution already exists: %s", arn)
	}
	e := &sfnExecution{
		arn: arn, machine: in.StateMachineArn, name: name, input: input,
		status: types.ExecutionStatusRunning, start: time.Now(), done: make(chan struct{}),
	}
	e.record(e.start, historyEvent{Type: "ExecutionStarted", ExecutionStarted: &executionStartedDetails{
		Input: &e.input, InputDetails: &dataDetails{}, RoleArn: localRoleARN,
	}})
	s.executions[arn] = e
	t := m.time
	s.mu.Unlock()

	err := s.harness.call(ctx, harnessRequest{
		Op: "start", Machine: m.arn, Execution: arn, Name: name, Input: input,
		Time: &harnessTime{DayMs: float64(t.day()) / float64(time.Millisecond), Instant: t.Instant},
	})
	if err != nil {
		s.mu.Lock()
		delete(s.executions, arn)
		s.mu.Unlock()
		return nil, err
	}
	return map[string]any{"executionArn": arn, "startDate": epoch(e.start)}, nil
}

// validName applies the rules for execution names: 1 to 80 characters,
// no white space, brackets, wildcards, special or control characters.
func validName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > sfnMaxName || !utf8.ValidString(name) {
		return apiError("InvalidName", "the name must have 1 to %d characters", sfnMaxName)
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`<>{}[]?*"#%\^|~`+"`"+`$&,;:/`, r) {
			return apiError("InvalidName", "invalid character %q in the name", r)
		}
	}
	return nil
}

// execution returns the execution arn; s.mu must be held.
func (s *SFN) execution(arn string) (*sfnExecution, error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 8 || parts[0] != "arn" || parts[2] != "states" || parts[5] != "execution" || parts[6] == "" || parts[7] == "" {
		return nil, apiError("InvalidArn", "invalid execution ARN %q", arn)
	}
	e, ok := s.executions[arn]
	if !ok {
		return nil, apiError("ExecutionDoesNotExist", "execution does not exist: %s", arn)
	}
	return e, nil
}

func (s *SFN) describeExecution(_ context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn string `json:"executionArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.execution(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"executionArn":    e.arn,
		"stateMachineArn": e.machine,
		"name":            e.name,
		"status":          e.status,
		"startDate":       epoch(e.start),
		"input":           e.input,
		"inputDetails":    map[string]bool{"included": true},
		"redriveCount":    0,
		"redriveStatus":   types.ExecutionRedriveStatusNotRedrivable,
	}
	if e.status != types.ExecutionStatusRunning {
		out["stopDate"] = epoch(e.stop)
	}
	if e.status == types.ExecutionStatusSucceeded {
		out["output"] = e.output
		out["outputDetails"] = map[string]bool{"included": true}
	}
	if e.err != "" {
		out["error"] = e.err
	}
	if e.cause != "" {
		out["cause"] = e.cause
	}
	return out, nil
}

func (s *SFN) getExecutionHistory(_ context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn         string `json:"executionArn"`
		MaxResults           int    `json:"maxResults"`
		NextToken            string `json:"nextToken"`
		ReverseOrder         bool   `json:"reverseOrder"`
		IncludeExecutionData *bool  `json:"includeExecutionData"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	size := in.MaxResults
	if size <= 0 {
		size = historyPageSize
	}
	if size > historyMaxPage {
		return nil, apiError("ValidationException", "maxResults must be at most %d", historyMaxPage)
	}
	from := 0
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		n, perr := strconv.Atoi(string(b))
		if err != nil || perr != nil || n < 0 {
			return nil, apiError("InvalidToken", "invalid nextToken")
		}
		from = n
	}
	s.mu.Lock()
	e, err := s.execution(in.ExecutionArn)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	events := make([]historyEvent, len(e.history))
	copy(events, e.history)
	s.mu.Unlock()

	if in.ReverseOrder {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	if from > len(events) {
		return nil, apiError("InvalidToken", "invalid nextToken")
	}
	page := events[from:min(from+size, len(events))]
	if in.IncludeExecutionData != nil && !*in.IncludeExecutionData {
		for i := range page {
			page[i] = page[i].withoutData()
		}
	}
	out := map[string]any{"events": page}
	if next := from + len(page); next < len(events) {
		out["nextToken"] = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(next)))
	}
	return out, nil
}

func (s *SFN) sendTaskSuccess(ctx context.Context, body []byte) (any, error) {
	var in struct {
		TaskToken string `json:"taskToken"`
		Output    string `json:"output"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.Output) > sfnMaxPayload || !json.Valid([]byte(in.Output)) {
		return nil, apiError("InvalidOutput", "the output must be JSON of at most %d bytes", sfnMaxPayload)
	}
	if err := s.harness.call(ctx, harnessRequest{Op: "sendTaskSuccess", Token: in.TaskToken, Output: in.Output}); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *SFN) sendTaskFailure(ctx context.Context, body []byte) (any, error) {
	var in struct {
		TaskToken string `json:"taskToken"`
		Error     string `json:"error"`
		Cause     string `json:"cause"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.Error) > 256 || len(in.Cause) > 32768 {
		return nil, apiError("ValidationException", "error is at most 256 and cause at most 32768 characters")
	}
	if err := s.harness.call(ctx, harnessRequest{Op: "sendTaskFailure", Token: in.TaskToken, Error: in.Error, Cause: in.Cause}); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *SFN) stopExecution(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn string `json:"executionArn"`
		Error        string `json:"error"`
		Cause        string `json:"cause"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	e, err := s.execution(in.ExecutionArn)
	running := err == nil && e.status == types.ExecutionStatusRunning
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if running {
		err := s.harness.call(ctx, harnessRequest{Op: "stop", Execution: e.arn, Error: in.Error, Cause: in.Cause})
		var h *harnessError
		if err != nil && !(errors.As(err, &h) && h.Code == "ExecutionDoesNotExist") { // it ended meanwhile
			return nil, err
		}
		// The harness reports the end at once; wait for it so that a
		// DescribeExecution right after shows it.
		select {
		case <-e.done:
		case <-time.After(stopWait):
		case <-ctx.Done():
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stop := e.stop
	if stop.IsZero() {
		stop = time.Now()
	}
	return map[string]any{"stopDate": epoch(stop)}, nil
}
