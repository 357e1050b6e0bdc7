package local

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
)

// Install runs InstallScript, which returns at once when the emulators are
// already installed and up to date with package-lock.json. Its progress
// goes to w.
func Install(ctx context.Context, w io.Writer) error {
	root, err := RepoRoot()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, InstallScript))
	cmd.Dir = root
	cmd.Stdout = w
	cmd.Stderr = w
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install emulators (%s): %w", InstallScript, err)
	}
	return nil
}
