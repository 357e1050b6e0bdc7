package local

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// InstallScript is the script, relative to the repository root, that
// installs the emulators.
const InstallScript = "infra/emulators/install.sh"

// ErrNotInstalled reports that the emulators are missing; run InstallScript.
var ErrNotInstalled = errors.New("emulators not installed: run bash " + InstallScript)

// RepoRoot returns the repository root: the nearest directory at or above
// the working directory that holds go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find repository root: no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// emulators holds the paths of the installed DynamoDB Local and launcher.
type emulators struct {
	dynamoDir string // unpacked DynamoDB Local: DynamoDBLocal.jar, DynamoDBLocal_lib/
	classes   string // compiled LoopbackDynamoDB
}

func findEmulators() (emulators, error) {
	root, err := RepoRoot()
	if err != nil {
		return emulators{}, err
	}
	build := filepath.Join(root, "infra", "emulators", "build")
	e := emulators{
		dynamoDir: filepath.Join(build, "dynamodb-local"),
		classes:   filepath.Join(build, "classes"),
	}
	for _, p := range []string{
		filepath.Join(e.dynamoDir, "DynamoDBLocal.jar"),
		filepath.Join(e.classes, "LoopbackDynamoDB.class"),
	} {
		if _, err := os.Stat(p); err != nil {
			return emulators{}, fmt.Errorf("%w (missing %s)", ErrNotInstalled, p)
		}
	}
	return e, nil
}
