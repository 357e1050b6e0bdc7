package task_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/postal"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/task"
	"github.com/portalid/portalid/internal/workflow"
)

func TestLambdaErrorType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		wantType string
	}{
		{"registry outage", fmt.Errorf("check snils c1: %w", registry.ErrUnavailable), task.ErrRegistryUnavailable},
		{"storage outage", fmt.Errorf("get check: %w", fault.New(fault.Unavailable, "storage-unavailable")), task.ErrStorageUnavailable},
		{"named", fmt.Errorf("x: %w", &workflow.Error{Name: "CheckRejected", Cause: "c"}), "CheckRejected"},
		{"anything else", errors.New("dial tcp 10.0.0.1: secret detail"), workflow.TaskFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := task.Dispatcher{Log: slog.New(slog.DiscardHandler), Tasks: map[string]workflow.Handler{
				"Do": func(context.Context, json.RawMessage, string) (json.RawMessage, error) { return nil, tt.err },
			}}
			_, err := d.Lambda(context.Background(), json.RawMessage(`{"task":"Do"}`))
			// aws-lambda-go uses the value as it is only when it is an
			// InvokeResponse_Error value, unwrapped (lambda/errors.go).
			ive, ok := err.(messages.InvokeResponse_Error) //nolint:errorlint // the runtime asserts the type exactly
			if !ok || ive.Type != tt.wantType {
				t.Errorf("Lambda() error = %#v, want InvokeResponse_Error{Type: %s}", err, tt.wantType)
			}
			if strings.Contains(ive.Message, "secret detail") {
				t.Errorf("the cause leaks the error text: %q", ive.Message)
			}
		})
	}
}

// TestASLErrorNames checks every error name the workflows' ASL matches
// against the names Go can raise (or Step Functions raises), and runs
// asl-validator on each definition after substitution.
func TestASLErrorNames(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "..", "statemachines", "*.asl.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no statemachines/*.asl.json: %v", err)
	}
	subs := strings.NewReplacer("${TaskFunctionArn}", "arn:aws:lambda:us-east-1:000000000000:function:tasks",
		"${RegistryTimeoutSeconds}", "432000", "${PostalReportTimeoutSeconds}", "604800")
	var names []string
	defs := map[string]string{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		def := subs.Replace(string(raw))
		if strings.Contains(def, "${") {
			t.Fatalf("%s: a placeholder this test does not know is left", f)
		}
		var doc any
		if err := json.Unmarshal([]byte(def), &doc); err != nil {
			t.Fatalf("%s: the substituted definition is not JSON: %v", f, err)
		}
		names = append(names, errorNames(doc)...)
		defs[filepath.Base(f)] = def
	}
	for _, n := range names {
		// States.*, Lambda.* and Sandbox.* are raised by Step Functions and
		// the Lambda service (Sandbox.Timedout: the function was killed).
		if strings.HasPrefix(n, "States.") || strings.HasPrefix(n, "Lambda.") || strings.HasPrefix(n, "Sandbox.") || slices.Contains(task.Names, n) {
			continue
		}
		t.Errorf("the ASL matches %q, which no task raises", n)
	}
	for _, n := range task.Names {
		if n != task.ErrUnknownTask && n != workflow.TaskFailed && !slices.Contains(names, n) {
			t.Errorf("Go raises %s, which the ASL never matches", n)
		}
	}
	root, err := local.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	node, err := local.NodeBinary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip("asl-validator needs the emulators: run bash " + local.InstallScript)
	}
	for name, def := range defs {
		out, err := exec.Command(node, filepath.Join(root, "infra/emulators/node_modules/asl-validator/dist/bin/asl-validator.js"),
			"--json-definition", def).CombinedOutput()
		if err != nil {
			t.Errorf("asl-validator refuses the substituted %s: %v\n%s", name, err, out)
		}
	}
}

// errorNames lists every name an ErrorEquals of the definition holds.
func errorNames(v any) []string {
	var names []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "ErrorEquals" {
				for _, n := range x.([]any) {
					names = append(names, n.(string))
				}
			}
			names = append(names, errorNames(x)...)
		}
	case []any:
		for _, x := range v {
			names = append(names, errorNames(x)...)
		}
	}
	return names
}

func TestPostalOutageName(t *testing.T) {
	t.Parallel()
	if got := task.Name(fmt.Errorf("send letter l1: %w", postal.ErrUnavailable)); got.Name != task.ErrPostalUnavailable {
		t.Errorf("Name(postal outage) = %s, want %s", got.Name, task.ErrPostalUnavailable)
	}
}
