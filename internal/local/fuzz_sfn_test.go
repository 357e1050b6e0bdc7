package local

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const fuzzExecutionARN = "arn:aws:states:eu-central-1:000000000000:execution:identity:run-1"

// fuzzSFN is a local Step Functions with one ended execution of 250
// history events and no harness: the operations it serves here never
// reach one.
func fuzzSFN() *SFN {
	e := &sfnExecution{arn: fuzzExecutionARN, machine: "arn:aws:states:eu-central-1:000000000000:stateMachine:identity",
		name: "run-1", input: "{}", output: `{"ok":true}`, status: types.ExecutionStatusSucceeded, done: make(chan struct{})}
	at := time.Unix(1_790_000_000, 0)
	for range 250 {
		e.record(at, historyEvent{Type: "PassStateEntered"})
	}
	return &SFN{machines: map[string]*sfnMachine{}, executions: map[string]*sfnExecution{fuzzExecutionARN: e}}
}

// FuzzSFNAPI posts any body to the awsJson operations that read a
// request without running a workflow: the answer is always JSON, 200 or
// a 400 with one of the API's error codes, never a 500; the history's
// nextToken pages through to the end.
func FuzzSFNAPI(f *testing.F) {
	ops := []string{"StartExecution", "DescribeExecution", "GetExecutionHistory", "StopExecution", "Nope"}
	f.Add(uint8(2), []byte(`{"executionArn":"`+fuzzExecutionARN+`","maxResults":100}`))
	f.Add(uint8(2), []byte(`{"executionArn":"`+fuzzExecutionARN+`","nextToken":"MjAw","reverseOrder":true,"includeExecutionData":false}`))
	f.Add(uint8(2), []byte(`{"executionArn":"`+fuzzExecutionARN+`","nextToken":"LTE"}`))
	f.Add(uint8(1), []byte(`{"executionArn":"`+fuzzExecutionARN+`"}`))
	f.Add(uint8(0), []byte(`{"stateMachineArn":"arn:aws:states:eu-central-1:000000000000:stateMachine:identity","name":"a b","input":"{"}`))
	f.Add(uint8(3), []byte(`{"executionArn":"arn:aws:states:x"}`))
	f.Add(uint8(4), []byte(`{}`))
	f.Add(uint8(1), []byte(`{`))
	codes := []string{"UnknownOperationException", "SerializationException", "InvalidArn", "InvalidName", "InvalidExecutionInput",
		"StateMachineDoesNotExist", "ExecutionDoesNotExist", "ValidationException", "InvalidToken"}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		s := fuzzSFN()
		name := ops[int(op)%len(ops)]
		status, out := postSFN(t, s, name, body)
		if status == http.StatusBadRequest {
			if code, _ := out["__type"].(string); !slices.Contains(codes, code) {
				t.Fatalf("%s(%q) error %v", name, body, out)
			}
			return
		}
		if status != http.StatusOK {
			t.Fatalf("%s(%q) = %d %v", name, body, status, out)
		}
		for pages := 0; name == "GetExecutionHistory"; pages++ {
			next, ok := out["nextToken"].(string)
			if !ok {
				return
			}
			var in map[string]any
			_ = json.Unmarshal(body, &in)
			in["nextToken"] = next
			b, _ := json.Marshal(in)
			if status, out = postSFN(t, s, name, b); status != http.StatusOK || pages > 250 {
				t.Fatalf("%s(%s) = %d %v after %d pages", name, b, status, out, pages)
			}
		}
	})
}

func postSFN(t *testing.T, s *SFN, op string, body []byte) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", sfnTargetPrefix+op)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s(%q) answered %d with %q, not a JSON object", op, body, w.Code, w.Body.String())
	}
	return w.Code, out
}
