package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/portalid/portalid/internal/local"
)

// runtimeFunctionEnv makes the test binary a Lambda function (see
// TestMain): "echo" answers with what the runtime told it, "fail" returns
// an error for every invocation.
const runtimeFunctionEnv = "PORTALID_TEST_RUNTIME_FUNCTION"

func TestMain(m *testing.M) {
	switch os.Getenv(runtimeFunctionEnv) {
	case "echo":
		lambda.Start(func(ctx context.Context, in json.RawMessage) (map[string]any, error) {
			lc, _ := lambdacontext.FromContext(ctx)
			deadline, _ := ctx.Deadline()
			return map[string]any{
				"in": in, "requestId": lc.AwsRequestID, "arn": lc.InvokedFunctionArn,
				"deadlineAhead": time.Until(deadline) > 0,
			}, nil
		})
	case "fail":
		lambda.Start(func(context.Context, json.RawMessage) (string, error) {
			return "", errors.New("nothing works")
		})
	}
	os.Exit(m.Run())
}

// serveRuntime serves rt on loopback for the test.
func serveRuntime(t *testing.T, rt *local.Runtime) *local.Server {
	t.Helper()
	srv, err := local.Serve(rt, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv
}

// startFunction runs the test binary as the function named kind under rt.
func startFunction(t *testing.T, rt *local.Runtime, kind string) {
	t.Helper()
	srv := serveRuntime(t, rt)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), runtimeFunctionEnv+"="+kind,
		"AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(srv.URL(), "http://"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
}

func TestRuntimeInvokesABootstrap(t *testing.T) {
	t.Parallel()
	rt := local.NewRuntime("arn:aws:lambda:us-east-1:000000000000:function:echo")
	startFunction(t, rt, "echo")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	// Two invocations: the first is the cold start, the second reuses the
	// process (next is called again after the response).
	for _, in := range []string{`{"n":1}`, `{"n":2}`} {
		res, err := rt.Invoke(ctx, []byte(in))
		if err != nil {
			t.Fatalf("Invoke(%s) error = %v", in, err)
		}
		var out struct {
			In            json.RawMessage `json:"in"`
			RequestID     string          `json:"requestId"`
			ARN           string          `json:"arn"`
			DeadlineAhead bool            `json:"deadlineAhead"`
		}
		if err := json.Unmarshal(res.Payload, &out); err != nil {
			t.Fatalf("Invoke(%s) payload %q: %v", in, res.Payload, err)
		}
		if res.Error || string(out.In) != in || out.RequestID == "" || out.ARN != rt.FunctionARN || !out.DeadlineAhead || !res.At.After(rt.FirstPoll()) {
			t.Errorf("Invoke(%s) = %+v, payload %s; want the event back with request id, ARN and a deadline ahead", in, res, res.Payload)
		}
	}
}

func TestRuntimeReportsFunctionErrors(t *testing.T) {
	t.Parallel()
	rt := local.NewRuntime("arn:aws:lambda:us-east-1:000000000000:function:fail")
	startFunction(t, rt, "fail")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	res, err := rt.Invoke(ctx, []byte(`{}`))
	if err != nil {
		t.Fatalf("Invoke() error = %v", err)
	}
	if !res.Error || res.ErrorType != "errorString" || !strings.Contains(string(res.Payload), "nothing works") {
		t.Errorf("Invoke() = %+v (%s), want an error of type errorString", res, res.Payload)
	}
}

func TestRuntimeInitError(t *testing.T) {
	t.Parallel()
	rt := local.NewRuntime("arn:aws:lambda:us-east-1:000000000000:function:broken")
	srv := serveRuntime(t, rt)
	res, err := http.Post(srv.URL()+local.RuntimeAPIVersion+"/init/error", "application/json",
		strings.NewReader(`{"errorType":"ConfigError","errorMessage":"TABLE_NAME is not set"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Errorf("POST init/error = %d, want 202", res.StatusCode)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := rt.Invoke(ctx, []byte(`{}`)); !errors.Is(err, local.ErrRuntimeInit) {
		t.Errorf("Invoke() after an init error = %v, want %v", err, local.ErrRuntimeInit)
	}
}

func TestRuntimeRefusesUnknownInvocations(t *testing.T) {
	t.Parallel()
	srv := serveRuntime(t, local.NewRuntime("arn:aws:lambda:us-east-1:000000000000:function:x"))
	tests := []struct {
		name, method, path string
		want               int
	}{
		{"response to no invocation", http.MethodPost, "/invocation/nope/response", http.StatusBadRequest},
		{"unknown verb", http.MethodPost, "/invocation/nope/other", http.StatusNotFound},
		{"wrong version", http.MethodGet, "/2020-01-01/runtime/invocation/next", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if !strings.HasPrefix(path, "/20") {
				path = local.RuntimeAPIVersion + path
			}
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, srv.URL()+path, strings.NewReader("{}"))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("%s %s = %d, want %d", tt.method, path, res.StatusCode, tt.want)
			}
		})
	}
}
