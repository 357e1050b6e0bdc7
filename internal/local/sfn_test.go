package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/workflow"
)

// requireNode skips the test when the emulators' Node (and
// aws-local-stepfunctions) are not installed, or fails it when CI=true.
func requireNode(t *testing.T) {
	t.Helper()
	if _, err := local.NodeBinary(); err != nil {
		msg := "the local Step Functions needs the emulators: run bash " + local.InstallScript + " (" + err.Error() + ")"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// One harness serves every test: loading aws-local-stepfunctions takes
// about a second. Tests register their own state machines and task
// handlers under names of their own. The harness exits with the test
// binary (its stdin closes).
var shared struct {
	once sync.Once
	sfn  *local.SFN
	url  string
	err  error
}

// stack returns the shared local Step Functions and an sfn client of it.
func stack(t *testing.T) (*local.SFN, *sfn.Client) {
	t.Helper()
	requireNode(t)
	shared.once.Do(func() {
		began := time.Now()
		s, err := local.StartSFN(context.Background(), local.SFNOptions{Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			shared.err = err
			return
		}
		srv, err := local.Serve(s, 0)
		if err != nil {
			shared.err = err
			return
		}
		shared.sfn, shared.url = s, srv.URL()
		fmt.Fprintf(os.Stderr, "local step functions ready after %s\n", time.Since(began).Round(time.Millisecond))
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.sfn, sfnClient(t, shared.url)
}

func sfnClient(t *testing.T, url string) *sfn.Client {
	t.Helper()
	cfg, err := local.AWSConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return sfn.NewFromConfig(cfg, func(o *sfn.Options) { o.BaseEndpoint = aws.String(url) })
}

// runs numbers each test run: with -count=N the shared harness sees the
// same test N times.
var runs struct {
	mu   sync.Mutex
	next int
	of   map[*testing.T]int
}

// unique turns the test's name and run into a name for its own state
// machines and functions.
func unique(t *testing.T) string {
	runs.mu.Lock()
	defer runs.mu.Unlock()
	n, ok := runs.of[t]
	if !ok {
		if runs.of == nil {
			runs.of = map[*testing.T]int{}
		}
		runs.next++
		n = runs.next
		runs.of[t] = n
	}
	return strings.NewReplacer("/", "-", " ", "_", "#", "-").Replace(t.Name()) + "-" + strconv.Itoa(n)
}

func functionARN(t *testing.T, fn string) string {
	return "arn:aws:lambda:" + local.Region + ":" + local.AccountID + ":function:" + unique(t) + "-" + fn
}

// machine registers testdata/<fixture>.asl.json for this test and
// returns its ARN.
func machine(t *testing.T, s *local.SFN, fixture string, subs map[string]string, opts ...local.SFNMachineOption) string {
	t.Helper()
	arn := local.StateMachineARN(unique(t) + "-" + fixture)
	if err := s.RegisterStateMachine(arn, "testdata/"+fixture+".asl.json", subs, opts...); err != nil {
		t.Fatal(err)
	}
	return arn
}

func start(t *testing.T, c *sfn.Client, machineARN, name, input string) string {
	t.Helper()
	in := &sfn.StartExecutionInput{StateMachineArn: aws.String(machineARN), Input: aws.String(input)}
	if name != "" {
		in.Name = aws.String(name)
	}
	out, err := c.StartExecution(t.Context(), in)
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	return aws.ToString(out.ExecutionArn)
}

// finish waits for the execution and checks that DescribeExecution and
// the history agree with what the shim reports.
func finish(t *testing.T, s *local.SFN, c *sfn.Client, arn string) local.SFNExecution {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	got, err := s.Wait(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeExecution: %v", err)
	}
	if d.Status != got.Status || aws.ToString(d.Error) != got.Error || aws.ToString(d.Output) != got.Output {
		t.Errorf("DescribeExecution = %s %q %q, want %s %q %q", d.Status, aws.ToString(d.Error), aws.ToString(d.Output), got.Status, got.Error, got.Output)
	}
	if diff := cmp.Diff(got.States, statesEntered(t, c, arn)); diff != "" {
		t.Errorf("states entered in GetExecutionHistory differ from SFNExecution.States (-shim +history):\n%s", diff)
	}
	return got
}

// statesEntered lists the states entered, from GetExecutionHistory read
// two events a page.
func statesEntered(t *testing.T, c *sfn.Client, arn string) []string {
	t.Helper()
	var names []string
	p := sfn.NewGetExecutionHistoryPaginator(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 2})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		for _, ev := range page.Events {
			if strings.HasSuffix(string(ev.Type), "StateEntered") {
				names = append(names, aws.ToString(ev.StateEnteredEventDetails.Name))
			}
		}
	}
	return names
}

func outputOf(t *testing.T, e local.SFNExecution) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(e.Output), &m); err != nil {
		t.Fatalf("output %q: %v", e.Output, err)
	}
	return m
}

// fast is the time scale of most tests: a simulated day in 10 ms.
var fast = local.WithSFNTime(local.SFNTime{Day: 10 * time.Millisecond})

func TestSFNHappyPath(t *testing.T) {
	t.Parallel()
	s, c := stack(t)
	var gotIn atomic.Value
	s.RegisterTask(functionARN(t, "reserve"), func(ctx context.Context, in json.RawMessage, token string) (json.RawMessage, error) {
		gotIn.Store(string(in))
		if token != "" {
			t.Errorf("token = %q for a task that is not .waitForTaskToken", token)
		}
		if info, ok := local.SFNTask(ctx); !ok || info.State != "Reserve" || info.Now.IsZero() {
			t.Errorf("SFNTask(ctx) = %+v, %v", info, ok)
		}
		return json.RawMessage(`{"slot":7}`), nil
	})
	m := machine(t, s, "example-happy", map[string]string{"ReserveFunctionArn": functionARN(t, "reserve")}, fast)

	arn := start(t, c, m, "check-1", `{"checkId":"c1","pauseSeconds":86400}`)
	got := finish(t, s, c, arn)

	if got.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("status = %s (%s: %s), want SUCCEEDED", got.Status, got.Error, got.Cause)
	}
	if diff := cmp.Diff([]string{"Reserve", "Pause", "Done"}, got.States); diff != "" {
		t.Errorf("states entered (-want +got):\n%s", diff)
	}
	want := map[string]any{"checkId": "c1", "pauseSeconds": float64(86400), "reserved": map[string]any{"slot": float64(7)}}
	if diff := cmp.Diff(want, outputOf(t, got)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if in, _ := gotIn.Load().(string); in != `{"checkId":"c1"}` {
		t.Errorf("handler input = %s, want the Payload {\"checkId\":\"c1\"}", in)
	}
	if got.Transitions != 3 {
		t.Errorf("transitions = %d, want 3", got.Transitions)
	}
	if want := strings.Replace(m, ":stateMachine:", ":execution:", 1) + ":check-1"; arn != want {
		t.Errorf("execution ARN = %s, want %s", arn, want)
	}
}

// TestSFNRetryAndCatch runs every path of example-check.
func TestSFNRetryAndCatch(t *testing.T) {
	t.Parallel()
	unavailable := &workflow.Error{Name: "RegistryUnavailable", Cause: "pension fund answered 503"}
	tests := []struct {
		name      string
		failures  []error // returned by the first attempts, in order; then success
		wantCalls int
		wantState []string
		wantTrans int
		status    types.ExecutionStatus
		wantError string // execution error, or the caught error in $.failure
		wantCause string
	}{
		{
			name: "passes at once", wantCalls: 1, status: types.ExecutionStatusSucceeded,
			wantState: []string{"CheckRegistry", "MarkPassed"}, wantTrans: 2,
		},
		{
			name: "retried by name then passes", failures: []error{unavailable, unavailable},
			wantCalls: 3, status: types.ExecutionStatusSucceeded,
			wantState: []string{"CheckRegistry", "MarkPassed"}, wantTrans: 4,
		},
		{
			name: "retries exhausted then caught by States.ALL", failures: []error{unavailable, unavailable, unavailable},
			wantCalls: 3, status: types.ExecutionStatusFailed,
			wantState: []string{"CheckRegistry", "MarkBroken"}, wantTrans: 4,
			wantError: "CheckBroken", wantCause: "the registry check could not complete",
		},
		{
			name: "caught by name, not retried", failures: []error{fmt.Errorf("check c1: %w", &workflow.Error{Name: "CheckRejected", Cause: "snils mismatch"})},
			wantCalls: 1, status: types.ExecutionStatusSucceeded,
			wantState: []string{"CheckRegistry", "MarkRejected"}, wantTrans: 2,
			wantError: "CheckRejected", wantCause: "snils mismatch",
		},
		{
			name: "unexpected error is TaskFailed without detail", failures: []error{errors.New("dial 10.1.2.3: canary-detail")},
			wantCalls: 1, status: types.ExecutionStatusFailed,
			wantState: []string{"CheckRegistry", "MarkBroken"}, wantTrans: 2,
			wantError: "CheckBroken", wantCause: "the registry check could not complete",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := stack(t)
			var calls atomic.Int32
			s.RegisterTask(functionARN(t, "check"), func(ctx context.Context, in json.RawMessage, _ string) (json.RawMessage, error) {
				n := int(calls.Add(1))
				if n <= len(tt.failures) {
					return nil, tt.failures[n-1]
				}
				return in, nil
			})
			m := machine(t, s, "example-check", map[string]string{"CheckFunctionArn": functionARN(t, "check")}, fast)
			arn := start(t, c, m, "", `{"checkId":"c1"}`)
			got := finish(t, s, c, arn)

			if got.Status != tt.status {
				t.Fatalf("status = %s (%s: %s), want %s", got.Status, got.Error, got.Cause, tt.status)
			}
			if n := int(calls.Load()); n != tt.wantCalls {
				t.Errorf("task ran %d times, want %d", n, tt.wantCalls)
			}
			if diff := cmp.Diff(tt.wantState, got.States); diff != "" {
				t.Errorf("states entered (-want +got):\n%s", diff)
			}
			if got.Transitions != tt.wantTrans {
				t.Errorf("transitions = %d, want %d", got.Transitions, tt.wantTrans)
			}
			switch {
			case got.Status == types.ExecutionStatusFailed:
				if got.Error != tt.wantError || got.Cause != tt.wantCause {
					t.Errorf("error = %q %q, want %q %q", got.Error, got.Cause, tt.wantError, tt.wantCause)
				}
			case tt.wantError != "":
				failure, _ := outputOf(t, got)["failure"].(map[string]any)
				if failure["Error"] != tt.wantError || failure["Cause"] != tt.wantCause {
					t.Errorf("$.failure = %v, want Error %q Cause %q", failure, tt.wantError, tt.wantCause)
				}
			}
			history, err := c.GetExecutionHistory(t.Context(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(history.Events)
			if strings.Contains(string(b), "canary-detail") {
				t.Error("the Go error's text reached the execution history")
			}
		})
	}
}

func TestSFNParallel(t *testing.T) {
	t.Parallel()
	s, c := stack(t)
	verdict := func(v string) workflow.Handler {
		return func(ctx context.Context, in json.RawMessage, _ string) (json.RawMessage, error) {
			return json.Marshal(map[string]string{"verdict": v})
		}
	}
	s.RegisterTask(functionARN(t, "snils"), verdict("snils-ok"))
	s.RegisterTask(functionARN(t, "passport"), verdict("passport-ok"))
	m := machine(t, s, "example-parallel", map[string]string{
		"SnilsFunctionArn":    functionARN(t, "snils"),
		"PassportFunctionArn": functionARN(t, "passport"),
	}, fast)

	got := finish(t, s, c, start(t, c, m, "", `{"checkId":"c1"}`))

	if got.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("status = %s (%s: %s), want SUCCEEDED", got.Status, got.Error, got.Cause)
	}
	if diff := cmp.Diff(map[string]any{"snils": "snils-ok", "passport": "passport-ok"}, outputOf(t, got)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	// The branches run concurrently: their states may come in either order.
	if len(got.States) != 4 || got.States[0] != "CheckBoth" || got.States[3] != "Combine" ||
		!(got.States[1] == "CheckSnils" && got.States[2] == "CheckPassport" || got.States[1] == "CheckPassport" && got.States[2] == "CheckSnils") {
		t.Errorf("states entered = %v, want CheckBoth, both checks, Combine", got.States)
	}
	if got.Transitions != 4 {
		t.Errorf("transitions = %d, want 4", got.Transitions)
	}
}

// callbackTask registers a .waitForTaskToken handler that hands each
// token to the test and checks it is the one in the Payload.
func callbackTask(t *testing.T, s *local.SFN) <-chan string {
	t.Helper()
	tokens := make(chan string, 4)
	s.RegisterTask(functionARN(t, "ask"), func(ctx context.Context, in json.RawMessage, token string) (json.RawMessage, error) {
		var p struct{ Token string }
		if err := json.Unmarshal(in, &p); err != nil || p.Token != token || token == "" {
			t.Errorf("payload %s, token %q: want the task token in both", in, token)
		}
		tokens <- token
		return json.RawMessage(`{"sent":true}`), nil
	})
	return tokens
}

func receive(t *testing.T, tokens <-chan string) string {
	t.Helper()
	select {
	case tok := <-tokens:
		return tok
	case <-time.After(30 * time.Second):
		t.Fatal("no task token handed to the task handler")
		return ""
	}
}

func TestSFNWaitForTaskToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		answer    func(*sfn.Client, string) error
		wantState string
		wantOut   any // $.answer, or $.failure.Error
	}{
		{
			name: "SendTaskSuccess",
			answer: func(c *sfn.Client, token string) error {
				_, err := c.SendTaskSuccess(context.Background(), &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"verdict":"ok"}`)})
				return err
			},
			wantState: "MarkPassed", wantOut: map[string]any{"verdict": "ok"},
		},
		{
			name: "SendTaskFailure caught by name",
			answer: func(c *sfn.Client, token string) error {
				_, err := c.SendTaskFailure(context.Background(), &sfn.SendTaskFailureInput{TaskToken: aws.String(token), Error: aws.String("CheckRejected"), Cause: aws.String("passport invalid")})
				return err
			},
			wantState: "MarkRejected", wantOut: "CheckRejected",
		},
		{
			name: "SendTaskFailure caught by States.TaskFailed",
			answer: func(c *sfn.Client, token string) error {
				_, err := c.SendTaskFailure(context.Background(), &sfn.SendTaskFailureInput{TaskToken: aws.String(token), Error: aws.String("RegistryGone")})
				return err
			},
			wantState: "MarkBroken", wantOut: "RegistryGone",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := stack(t)
			tokens := callbackTask(t, s)
			// A simulated day of 1 s: the 5-day timeout is 5 s away.
			m := machine(t, s, "example-callback", map[string]string{"AskFunctionArn": functionARN(t, "ask")},
				local.WithSFNTime(local.SFNTime{Day: time.Second}))
			arn := start(t, c, m, "", `{"checkId":"c1"}`)
			token := receive(t, tokens)
			if e, _ := s.Execution(arn); e.Status != types.ExecutionStatusRunning {
				t.Errorf("status while waiting for the token = %s, want RUNNING", e.Status)
			}
			if err := tt.answer(c, token); err != nil {
				t.Fatal(err)
			}
			got := finish(t, s, c, arn)

			if got.Status != types.ExecutionStatusSucceeded {
				t.Fatalf("status = %s (%s: %s), want SUCCEEDED", got.Status, got.Error, got.Cause)
			}
			if diff := cmp.Diff([]string{"AskRegistry", tt.wantState}, got.States); diff != "" {
				t.Errorf("states entered (-want +got):\n%s", diff)
			}
			out := outputOf(t, got)
			var gotOut any = out["answer"]
			if f, ok := out["failure"].(map[string]any); ok {
				gotOut = f["Error"]
			}
			if diff := cmp.Diff(tt.wantOut, gotOut); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			// The token is spent.
			_, err := c.SendTaskSuccess(t.Context(), &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)})
			var timedOut *types.TaskTimedOut
			if !errors.As(err, &timedOut) {
				t.Errorf("second SendTaskSuccess: %v, want TaskTimedOut", err)
			}
		})
	}
}

func TestSFNWaitForTaskTokenTimesOut(t *testing.T) {
	t.Parallel()
	s, c := stack(t)
	tokens := callbackTask(t, s)
	m := machine(t, s, "example-callback", map[string]string{"AskFunctionArn": functionARN(t, "ask")}, fast)

	began := time.Now()
	arn := start(t, c, m, "", `{"checkId":"c1"}`)
	token := receive(t, tokens)
	got := finish(t, s, c, arn)
	elapsed := time.Since(began)

	// Caught by States.Timeout, not by the States.TaskFailed before it.
	if diff := cmp.Diff([]string{"AskRegistry", "MarkStalled"}, got.States); diff != "" {
		t.Errorf("states entered (-want +got):\n%s", diff)
	}
	if f, _ := outputOf(t, got)["failure"].(map[string]any); f["Error"] != "States.Timeout" {
		t.Errorf("$.failure = %v, want States.Timeout", f)
	}
	if elapsed < 50*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("5 simulated days at 10 ms a day took %s, want about 50 ms", elapsed)
	}
	_, err := c.SendTaskSuccess(t.Context(), &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)})
	var timedOut *types.TaskTimedOut
	if !errors.As(err, &timedOut) {
		t.Errorf("SendTaskSuccess after the timeout: %v, want TaskTimedOut", err)
	}
	h, err := c.GetExecutionHistory(t.Context(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ev := range h.Events {
		found = found || ev.Type == types.HistoryEventTypeTaskTimedOut
	}
	if !found {
		t.Error("no TaskTimedOut event in the history")
	}
}

// TestSFNTimeoutSecondsPath: a .waitForTaskToken task takes its timeout
// from the state's input, as in AWS, though the engine hands the task
// only its Parameters; the handler sees its Payload unchanged and the
// execution's simulated time through workflow.Now.
func TestSFNTimeoutSecondsPath(t *testing.T) {
	t.Parallel()
	s, c := stack(t)
	payloads := make(chan string, 1)
	s.RegisterTask(functionARN(t, "ask"), func(ctx context.Context, in json.RawMessage, _ string) (json.RawMessage, error) {
		info, _ := local.SFNTask(ctx)
		if got := workflow.Now(ctx, time.Now); info.Now.IsZero() || !got.Equal(info.Now) {
			t.Errorf("workflow.Now(ctx) = %v, want the execution's time %v", got, info.Now)
		}
		var p map[string]any
		_ = json.Unmarshal(in, &p)
		delete(p, "token")
		b, _ := json.Marshal(p)
		payloads <- string(b)
		return json.RawMessage(`{}`), nil
	})
	m := machine(t, s, "example-timeout-path", map[string]string{"AskFunctionArn": functionARN(t, "ask")},
		local.WithSFNTime(local.SFNTime{Day: 20 * time.Millisecond}))
	began := time.Now()
	got := finish(t, s, c, start(t, c, m, "", `{"checkId":"c1","wait":{"seconds":432000}}`))
	elapsed := time.Since(began)
	if diff := cmp.Diff([]string{"AskRegistry", "MarkStalled"}, got.States); diff != "" {
		t.Errorf("states entered (-want +got):\n%s", diff)
	}
	if elapsed < 100*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("5 simulated days at 20 ms a day took %s, want about 100 ms", elapsed)
	}
	if p := <-payloads; p != `{"checkId":"c1"}` {
		t.Errorf("handler payload = %s, want only what Parameters give it", p)
	}
	if strings.Contains(got.Output, "portalidLocal") {
		t.Errorf("the carried timeout leaked into the output: %s", got.Output)
	}
}

func TestSFNStartExecutionIdempotent(t *testing.T) {
	t.Parallel()
	s, c := stack(t)
	tokens := callbackTask(t, s)
	m := machine(t, s, "example-callback", map[string]string{"AskFunctionArn": functionARN(t, "ask")},
		local.WithSFNTime(local.SFNTime{Day: time.Second}))

	first := start(t, c, m, "check-c1", `{"checkId":"c1"}`)
	token := receive(t, tokens)
	if again := start(t, c, m, "check-c1", `{"checkId":"c1"}`); again != first {
		t.Errorf("same name and input while running: %s, want %s", again, first)
	}
	var exists *types.ExecutionAlreadyExists
	_, err := c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(m), Name: aws.String("check-c1"), Input: aws.String(`{"checkId":"c2"}`)})
	if !errors.As(err, &exists) {
		t.Errorf("same name, other input: %v, want ExecutionAlreadyExists", err)
	}
	if _, err := c.SendTaskSuccess(t.Context(), &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)}); err != nil {
		t.Fatal(err)
	}
	finish(t, s, c, first)
	_, err = c.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: aws.String(m), Name: aws.String("check-c1"), Input: aws.String(`{"checkId":"c1"}`)})
	if !errors.As(err, &exists) {
		t.Errorf("same name and input after the end: %v, want ExecutionAlreadyExists", err)
	}
	select {
	case tok := <-tokens:
		t.Errorf("the idempotent start ran the task again (token %s)", tok)
	default:
	}
}

func TestSFNLongWaits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		time     local.SFNTime
		deadline time.Duration // from now, simulated
		status   types.ExecutionStatus
		min, max time.Duration
	}{
		// 5 days, then until 7 days after the start: 140 ms at 20 ms a day.
		{"scaled", local.SFNTime{Day: 20 * time.Millisecond}, 7 * 24 * time.Hour, types.ExecutionStatusSucceeded, 130 * time.Millisecond, time.Second},
		{"instant", local.SFNTime{Day: 20 * time.Millisecond, Instant: true}, 7 * 24 * time.Hour, types.ExecutionStatusSucceeded, 0, 500 * time.Millisecond},
		// The execution's 10-day TimeoutSeconds ends a 20-day wait.
		{"execution timeout", local.SFNTime{Day: 20 * time.Millisecond}, 20 * 24 * time.Hour, types.ExecutionStatusTimedOut, 190 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := stack(t)
			m := machine(t, s, "example-wait", nil, local.WithSFNTime(tt.time))
			input := fmt.Sprintf(`{"deadline":%q}`, time.Now().Add(tt.deadline).UTC().Format(time.RFC3339))
			got := finish(t, s, c, start(t, c, m, "", input))
			elapsed := got.Stop.Sub(got.Start)
			if got.Status != tt.status {
				t.Fatalf("status = %s (%s: %s), want %s", got.Status, got.Error, got.Cause, tt.status)
			}
			if elapsed < tt.min || elapsed > tt.max {
				t.Errorf("took %s, want %s to %s", elapsed, tt.min, tt.max)
			}
			if got.States[0] != "WaitFiveDays" {
				t.Errorf("states entered = %v", got.States)
			}
		})
	}
}

func TestSFNStopExecution(t *testing.T) {
	t.Parallel()
	s, c := stack(t)
	tokens := callbackTask(t, s)
	m := machine(t, s, "example-callback", map[string]string{"AskFunctionArn": functionARN(t, "ask")},
		local.WithSFNTime(local.SFNTime{Day: time.Second}))
	arn := start(t, c, m, "", `{"checkId":"c1"}`)
	token := receive(t, tokens)
	if _, err := c.StopExecution(t.Context(), &sfn.StopExecutionInput{ExecutionArn: aws.String(arn), Error: aws.String("Withdrawn"), Cause: aws.String("the person withdrew")}); err != nil {
		t.Fatal(err)
	}
	got := finish(t, s, c, arn)
	if got.Status != types.ExecutionStatusAborted || got.Error != "Withdrawn" {
		t.Errorf("after StopExecution: %s %q, want ABORTED Withdrawn", got.Status, got.Error)
	}
	_, err := c.SendTaskSuccess(t.Context(), &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)})
	var timedOut *types.TaskTimedOut
	if !errors.As(err, &timedOut) {
		t.Errorf("SendTaskSuccess after StopExecution: %v, want TaskTimedOut", err)
	}
}

func TestSFNAPIErrors(t *testing.T) {
	t.Parallel()
	s, c := stack(t)
	m := machine(t, s, "example-wait", nil, fast)
	ctx := t.Context()
	tests := []struct {
		name string
		call func() error
		want any
	}{
		{"unknown state machine", func() error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(local.StateMachineARN("nope"))})
			return err
		}, new(*types.StateMachineDoesNotExist)},
		{"bad name", func() error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(m), Name: aws.String("a b")})
			return err
		}, new(*types.InvalidName)},
		{"bad input", func() error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(m), Input: aws.String("{")})
			return err
		}, new(*types.InvalidExecutionInput)},
		{"unknown execution", func() error {
			_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(strings.Replace(m, ":stateMachine:", ":execution:", 1) + ":nope")})
			return err
		}, new(*types.ExecutionDoesNotExist)},
		{"malformed token", func() error {
			_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("forged"), Output: aws.String("{}")})
			return err
		}, new(*types.InvalidToken)},
		{"unknown token", func() error {
			_, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String("local1.AAAA")})
			return err
		}, new(*types.TaskDoesNotExist)},
		{"output not JSON", func() error {
			_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("local1.AAAA"), Output: aws.String("nope")})
			return err
		}, new(*types.InvalidOutput)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.As(err, tt.want) {
				t.Errorf("error = %v, want %T", err, tt.want)
			}
		})
	}
}

func TestSFNTaskNotRegistered(t *testing.T) {
	t.Parallel()
	s, c := stack(t)
	m := machine(t, s, "example-check", map[string]string{"CheckFunctionArn": functionARN(t, "nobody")}, fast)
	arn := start(t, c, m, "", `{}`)
	finish(t, s, c, arn)
	h, err := c.GetExecutionHistory(t.Context(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), ReverseOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range h.Events {
		if ev.Type == types.HistoryEventTypeTaskFailed {
			if got := aws.ToString(ev.TaskFailedEventDetails.Error); got != local.ErrNameTaskNotRegistered {
				t.Errorf("TaskFailed error = %q, want %q", got, local.ErrNameTaskNotRegistered)
			}
			return
		}
	}
	t.Error("no TaskFailed event")
}

func TestSFNRegisterStateMachineRefuses(t *testing.T) {
	t.Parallel()
	s, _ := stack(t)
	tests := []struct {
		name, definition string
		subs             map[string]string
		want             string
	}{
		{"missing substitution", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${AFunctionArn}","End":true}}}`, nil, "${AFunctionArn}"},
		{"not valid ASL", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}`, nil, "InvalidDefinition"},
		{"HeartbeatSeconds", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:000000000000:function:a","HeartbeatSeconds":60,"End":true}}}`, nil, "HeartbeatSeconds is not supported"},
		{"duplicate state name", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}]}}}`, nil, "used more than once"},
		{"not JSON after substitution", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":${R},"End":true}}}`, map[string]string{"R": "{"}, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := t.TempDir() + "/bad.asl.json"
			if err := os.WriteFile(path, []byte(tt.definition), 0o600); err != nil {
				t.Fatal(err)
			}
			err := s.RegisterStateMachine(local.StateMachineARN(unique(t)), path, tt.subs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("RegisterStateMachine = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
