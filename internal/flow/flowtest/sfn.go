package flowtest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/portalid/portalid/internal/local"
)

// sfnStack is the local Step Functions the workflow tests of one test
// binary share (loading aws-local-stepfunctions takes about a second);
// each test registers the real ASL under a name and a task function of
// its own.
var sfnStack struct {
	once sync.Once
	sfn  *local.SFN
	url  string
	err  error
}

// StepFunctions returns the shared local Step Functions and an sfn client
// of it. It skips the test when the emulators are not installed, and
// fails it then in CI.
func StepFunctions(t testing.TB) (*local.SFN, *sfn.Client) {
	t.Helper()
	if _, err := local.NodeBinary(); err != nil {
		msg := "the workflow tests need the emulators: run bash " + local.InstallScript
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	sfnStack.once.Do(func() {
		s, err := local.StartSFN(context.Background(), local.SFNOptions{Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			sfnStack.err = err
			return
		}
		srv, err := local.Serve(s, 0)
		if err != nil {
			sfnStack.err = err
			return
		}
		sfnStack.sfn, sfnStack.url = s, srv.URL()
	})
	if sfnStack.err != nil {
		t.Fatal(sfnStack.err)
	}
	cfg, err := local.AWSConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return sfnStack.sfn, sfn.NewFromConfig(cfg, func(o *sfn.Options) { o.BaseEndpoint = aws.String(sfnStack.url) })
}

// ExecutionARN is the ARN of the execution name of the state machine
// machineARN.
func ExecutionARN(machineARN, name string) string {
	return strings.Replace(machineARN, ":stateMachine:", ":execution:", 1) + ":" + name
}

// Wait waits, 90 seconds at most, for the execution name of machineARN
// to end, and returns it.
func Wait(t testing.TB, s *local.SFN, machineARN, name string) local.SFNExecution {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	got, err := s.Wait(ctx, ExecutionARN(machineARN, name))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// History returns the whole history of the execution name of machineARN
// as JSON, for canary searches.
func History(t testing.TB, c *sfn.Client, machineARN, name string) string {
	t.Helper()
	var b strings.Builder
	p := sfn.NewGetExecutionHistoryPaginator(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(ExecutionARN(machineARN, name))})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		raw, _ := json.Marshal(page.Events)
		b.Write(raw)
	}
	return b.String()
}

// Logs is a concurrency-safe buffer for the logs a test captures.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns what was written.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
