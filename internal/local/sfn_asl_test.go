package local_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/portalid/portalid/internal/local"
)

// TestASLValidatorFixtures runs asl-validator 4.0.0's CLI, once, on every
// ASL file of testdata as written, ${…} placeholders included (the way the
// deployed definitions are checked), and on one broken definition it must
// reject.
func TestASLValidatorFixtures(t *testing.T) {
	t.Parallel()
	requireNode(t)
	node, err := local.NodeBinary()
	if err != nil {
		t.Fatal(err)
	}
	root, err := local.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("testdata/*.asl.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.asl.json (%v)", err)
	}
	bad := filepath.Join(t.TempDir(), "dangling-next.asl.json")
	if err := os.WriteFile(bad, []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Missing"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join(root, "infra/emulators/node_modules/asl-validator/dist/bin/asl-validator.js")}
	for _, f := range append(files, bad) {
		args = append(args, "--json-path", f)
	}
	out, _ := exec.CommandContext(t.Context(), node, args...).CombinedOutput() // exits 1: bad is invalid
	for _, f := range files {
		if !strings.Contains(string(out), "✓ State machine definition \""+f+"\" is valid") {
			t.Errorf("asl-validator does not accept %s", f)
		}
	}
	if !strings.Contains(string(out), "✕ State machine definition \""+bad+"\" is invalid") {
		t.Errorf("asl-validator accepts a Next to a missing state")
	}
	if t.Failed() {
		t.Logf("asl-validator output:\n%s", out)
	}
}

// TestSFNStop checks that Stop ends the harness process and its group
// and fails what was still running.
func TestSFNStop(t *testing.T) {
	t.Parallel()
	requireNode(t)
	s, err := local.StartSFN(t.Context(), local.SFNOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pid := s.PID()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-s.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	if err := syscall.Kill(-pid, 0); err != syscall.ESRCH {
		t.Errorf("process group %d still exists after Stop (kill 0: %v)", pid, err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	arn := local.StateMachineARN("after-stop")
	if err := s.RegisterStateMachine(arn, "testdata/example-wait.asl.json", nil); err == nil || !strings.Contains(err.Error(), "exited") {
		t.Errorf("RegisterStateMachine after Stop = %v, want an error saying the harness exited", err)
	}
}
