package local

import (
	"os"
	"strings"
)

// unsafeEnv are variables that would make a local process pick credentials
// or a profile other than the dummy ones (an AWS_PROFILE naming a missing
// profile even makes config loading fail).
var unsafeEnv = []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"}

// MergeEnv returns base (KEY=VALUE pairs, as from os.Environ) with the
// pairs of set replacing or adding their keys, and without AWS_PROFILE,
// AWS_DEFAULT_PROFILE and AWS_SESSION_TOKEN.
func MergeEnv(base []string, set ...string) []string {
	drop := map[string]bool{}
	for _, k := range unsafeEnv {
		drop[k] = true
	}
	for _, kv := range set {
		k, _, _ := strings.Cut(kv, "=")
		drop[k] = true
	}
	out := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}

// SetEnv sets the KEY=VALUE pairs in this process's environment and unsets
// AWS_PROFILE, AWS_DEFAULT_PROFILE and AWS_SESSION_TOKEN, as MergeEnv does
// for a child's.
func SetEnv(pairs ...string) error {
	for _, k := range unsafeEnv {
		if err := os.Unsetenv(k); err != nil {
			return err
		}
	}
	for _, kv := range pairs {
		k, v, _ := strings.Cut(kv, "=")
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	return nil
}
