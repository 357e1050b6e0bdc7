package template

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// readSamconfig reads the subset of TOML samconfig.toml uses: [a.b.c]
// tables and key = value lines (basic strings, booleans, numbers), into
// "env.command.parameters" -> key -> value.
func readSamconfig(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]string{}
	table := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			table = strings.Trim(line, "[]")
			if out[table] == nil {
				out[table] = map[string]string{}
			}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("samconfig.toml:%d: not key = value: %q", n, line)
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if strings.HasPrefix(v, `"`) {
				if v, err = strconv.Unquote(v); err != nil {
					t.Fatalf("samconfig.toml:%d: bad string: %v", n, err)
				}
			}
			if table == "" {
				continue // version = 0.1
			}
			out[table][k] = v
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var override = regexp.MustCompile(`([A-Za-z0-9]+)=(?:"((?:[^"\\]|\\.)*)"|(\S+))`)

// overrides parses sam's parameter_overrides: Key="Value" or Key=Value,
// separated by spaces.
func overrides(s string) map[string]string {
	out := map[string]string{}
	for _, m := range override.FindAllStringSubmatch(s, -1) {
		v := m[3]
		if m[3] == "" {
			v = strings.ReplaceAll(m[2], `\"`, `"`)
		}
		out[m[1]] = v
	}
	return out
}

// TestSamconfig checks the deploy environments: their stack names and
// stages, a change set to confirm for prod, gradual deploys and an alarm
// address in prod (dev deploys at once), and that every override names a
// template Parameter with a value it accepts.
func TestSamconfig(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	cfg := readSamconfig(t, filepath.Join(d.root, "samconfig.toml"))
	envs := []struct {
		env, stack, stage string
		confirm, gradual  bool
	}{
		{"default", "portalid-dev", "dev", false, false},
		{"prod", "portalid-prod", "prod", true, true},
	}
	for _, e := range envs {
		t.Run(e.env, func(t *testing.T) {
			t.Parallel()
			get := func(key string) string {
				if v, ok := cfg[e.env+".deploy.parameters"][key]; ok {
					return v
				}
				return cfg[e.env+".global.parameters"][key]
			}
			if got := get("stack_name"); got != e.stack {
				t.Errorf("[%s] stack_name = %q, want %q", e.env, got, e.stack)
			}
			if get("region") == "" {
				t.Errorf("[%s] sets no region", e.env)
			}
			if !slices.Contains(strings.Fields(get("capabilities")), "CAPABILITY_IAM") {
				t.Errorf("[%s] capabilities = %q, want CAPABILITY_IAM (SAM creates the function roles)", e.env, get("capabilities"))
			}
			if got := get("confirm_changeset") == "true"; got != e.confirm {
				t.Errorf("[%s] confirm_changeset = %v, want %v", e.env, got, e.confirm)
			}
			ov := overrides(get("parameter_overrides"))
			if ov["Stage"] != e.stage {
				t.Errorf("[%s] parameter_overrides Stage = %q, want %q", e.env, ov["Stage"], e.stage)
			}
			for _, name := range sorted(ov) {
				checkOverride(t, d, e.env, name, ov[name])
			}
			deploy := ov["DeploymentType"]
			if deploy == "" {
				deploy, _ = scalar(lookup(d.top, "Parameters", "DeploymentType", "Default"))
			}
			if gradual := deploy != "AllAtOnce"; gradual != e.gradual {
				t.Errorf("[%s] deploys with DeploymentType %q; want gradual (canary or linear) %v", e.env, deploy, e.gradual)
			}
			if e.env == "prod" && ov["AlarmEmail"] == "" {
				t.Error("[prod] must set AlarmEmail: alarms nobody receives are no alarms")
			}
			if e.env == "prod" {
				for _, p := range pairs(lookup(d.top, "Parameters")) {
					def, _ := scalar(lookup(p.val, "Default"))
					if _, set := ov[p.key]; !set && (strings.Contains(def, "127.0.0.1") || strings.Contains(def, "localhost")) {
						t.Errorf("[prod] must override %s: its default %q points at make run", p.key, def)
					}
				}
			}
		})
	}
}

func checkOverride(t *testing.T, d *doc, env, name, value string) {
	t.Helper()
	p := lookup(d.top, "Parameters", name)
	if p == nil {
		t.Errorf("[%s] parameter_overrides sets %s, which is not a template Parameter", env, name)
		return
	}
	if vals, ok := strs(lookup(p, "AllowedValues")); ok && !slices.Contains(vals, value) {
		t.Errorf("[%s] %s=%q is not one of %q", env, name, value, vals)
	}
	if pat, ok := scalar(lookup(p, "AllowedPattern")); ok {
		if re, err := regexp.Compile(pat); err == nil && !re.MatchString(value) {
			t.Errorf("[%s] %s=%q does not match its AllowedPattern %q", env, name, value, pat)
		}
	}
}
