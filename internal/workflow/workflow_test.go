package workflow_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/portalid/portalid/internal/workflow"
)

func TestFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		wantName  string
		wantCause string
	}{
		{"named", &workflow.Error{Name: "RegistryUnavailable", Cause: "pension fund answered 503"}, "RegistryUnavailable", "pension fund answered 503"},
		{"wrapped named", fmt.Errorf("check snils abc: %w", &workflow.Error{Name: "CheckRejected"}), "CheckRejected", ""},
		{"plain error hides its text", errors.New("dial tcp 10.0.0.7:443: secret detail"), workflow.TaskFailed, "the task failed"},
		{"empty name is not a name", &workflow.Error{Cause: "x"}, workflow.TaskFailed, "the task failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name, cause := workflow.Failure(tt.err)
			if name != tt.wantName || cause != tt.wantCause {
				t.Errorf("Failure(%v) = %q, %q, want %q, %q", tt.err, name, cause, tt.wantName, tt.wantCause)
			}
		})
	}
}

func TestErrorIs(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("start check: %w", &workflow.Error{Name: "CheckRejected", Cause: "snils"})
	if !errors.Is(err, &workflow.Error{Name: "CheckRejected"}) {
		t.Errorf("errors.Is(%v, CheckRejected) = false, want true", err)
	}
	if errors.Is(err, &workflow.Error{Name: "RegistryUnavailable"}) {
		t.Errorf("errors.Is(%v, RegistryUnavailable) = true, want false", err)
	}
	if got := (&workflow.Error{Name: "X", Cause: "y"}).Error(); got != "X" {
		t.Errorf("Error() = %q, want %q", got, "X")
	}
}
