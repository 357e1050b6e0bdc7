package template

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lambdaTransient are the errors of a Lambda invocation that say nothing
// about the task's own outcome: the service failing or throttling, and the
// function dying (Lambda.Unknown, Sandbox.Timedout: out of memory, killed,
// timed out). The tasks are idempotent (the workflow fault tests retry
// them after their side effects), so every Lambda task retries them. A
// panic is a bug and is not among them: the execution fails and alarms.
var lambdaTransient = []string{
	"Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
	"Lambda.TooManyRequestsException", "Lambda.Unknown", "Sandbox.Timedout",
}

// TestLambdaTasksRetryTransientErrors: every Lambda task state of every
// workflow, nested in Map and Parallel states too, has one Retry rule that
// catches all of lambdaTransient.
func TestLambdaTasksRetryTransientErrors(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	files, err := filepath.Glob(filepath.Join(d.root, "statemachines", "*.asl.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Placeholders stand for numbers and ARNs; any number parses.
		var def aslMachine
		if err := json.Unmarshal(placeholder.ReplaceAll(b, []byte("1")), &def); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		tasks := 0
		def.walk(func(name string, s aslState) {
			if s.Type != "Task" || !strings.HasPrefix(s.Resource, "arn:aws:states:::lambda:invoke") {
				return
			}
			tasks++
			if !slices.ContainsFunc(s.Retry, func(r aslRetry) bool {
				return !slices.ContainsFunc(lambdaTransient, func(e string) bool { return !slices.Contains(r.ErrorEquals, e) })
			}) {
				t.Errorf("%s: task %s has no Retry rule catching all of %v", filepath.Base(f), name, lambdaTransient)
			}
		})
		if tasks == 0 {
			t.Errorf("%s: no Lambda task found; the walk is broken", filepath.Base(f))
		}
	}
}

type aslMachine struct {
	States map[string]aslState `json:"States"`
}

type aslState struct {
	Type          string       `json:"Type"`
	Resource      string       `json:"Resource"`
	Retry         []aslRetry   `json:"Retry"`
	Branches      []aslMachine `json:"Branches"`
	Iterator      *aslMachine  `json:"Iterator"`
	ItemProcessor *aslMachine  `json:"ItemProcessor"`
}

type aslRetry struct {
	ErrorEquals []string `json:"ErrorEquals"`
}

func (m aslMachine) walk(visit func(string, aslState)) {
	for name, s := range m.States {
		visit(name, s)
		for _, b := range s.Branches {
			b.walk(visit)
		}
		for _, inner := range []*aslMachine{s.Iterator, s.ItemProcessor} {
			if inner != nil {
				inner.walk(visit)
			}
		}
	}
}
