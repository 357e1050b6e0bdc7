package task_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/task"
	"github.com/portalid/portalid/internal/workflow"
)

// TestIdentityTasks: every task the identity-check ASL names has a
// handler, and the handlers of the earlier definition (CheckSnils,
// CheckPassport) stay for the executions started under it.
func TestIdentityTasks(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "statemachines", "identity-check.asl.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if p, ok := v["Payload"].(map[string]any); ok {
				if name, ok := p["task"].(string); ok {
					names = append(names, name)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var doc any
	def := strings.ReplaceAll(string(raw), "${RegistryTimeoutSeconds}", "1")
	if err := json.Unmarshal([]byte(def), &doc); err != nil {
		t.Fatal(err)
	}
	walk(doc)
	handlers := task.Identity(&identity.Flow{})
	slices.Sort(names)
	if want := []string{"CheckItem", "RecordOutcome"}; !slices.Equal(names, want) {
		t.Errorf("the ASL names tasks %v, want %v", names, want)
	}
	for _, n := range append(names, "CheckSnils", "CheckPassport") {
		if handlers[n] == nil {
			t.Errorf("no handler for task %s", n)
		}
	}
}

// TestCheckItemInput: CheckItem refuses an input it cannot read, and an
// item no registry checks, before reading anything.
func TestCheckItemInput(t *testing.T) {
	t.Parallel()
	h := task.Identity(&identity.Flow{})["CheckItem"]
	tests := []struct {
		name, in string
		want     func(error) bool
	}{
		{"not an object", `[1]`, func(err error) bool {
			var we *workflow.Error
			return errors.As(err, &we) && we.Name == workflow.TaskFailed
		}},
		{"unknown item", `{"task":"CheckItem","item":"inn","accountId":"a","checkId":"c"}`, func(err error) bool {
			return errors.Is(err, identity.ErrUnknownItem)
		}},
		{"no item", `{"task":"CheckItem","accountId":"a","checkId":"c"}`, func(err error) bool {
			return errors.Is(err, identity.ErrUnknownItem)
		}},
	}
	for _, tt := range tests {
		if _, err := h(context.Background(), json.RawMessage(tt.in), "tok"); !tt.want(err) {
			t.Errorf("%s: CheckItem error = %v", tt.name, err)
		}
	}
}
