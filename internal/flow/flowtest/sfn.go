package flowtest

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"

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
