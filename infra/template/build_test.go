package template

import (
	"debug/buildinfo"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// makeCmd prepares make in the repository root with the environment of the
// test less anything that would change how make runs (a surrounding make's
// flags, an inherited ARTIFACTS_DIR); extra is added to that environment.
func makeCmd(t *testing.T, root string, extra []string, args ...string) *exec.Cmd {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("make is not installed; sam build needs it (BuildMethod: makefile)")
		}
		t.Skip("make is not installed")
	}
	cmd := exec.CommandContext(t.Context(), "make", args...)
	cmd.Dir = root
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "ARTIFACTS_DIR", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, extra...)
	return cmd
}

// TestBuildRule dry-runs build-<LogicalId> for every function of the
// template, and for one that does not exist yet, to show the pattern rule
// maps any XFunction to ./functions/x with the Lambda build flags.
func TestBuildRule(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	ids := []string{"IdentityCheckFunction"} // a future function: the rule must not need editing
	for _, fn := range d.functions() {
		ids = append(ids, fn.id)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "artifacts")
			out, err := makeCmd(t, d.root, nil, "-n", "-f", "infra/build.mk", "build-"+id, "ARTIFACTS_DIR="+dir).CombinedOutput()
			if err != nil {
				t.Fatalf("make -n -f infra/build.mk build-%s: %v\n%s", id, err, out)
			}
			var goBuild string
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, "go build") {
					goBuild = line
				}
			}
			for _, want := range []string{
				"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64", "-tags lambda.norpc", "-trimpath",
				"-s -w", `-o "` + dir + `/bootstrap"`, " ./functions/" + stem(id),
			} {
				if !strings.Contains(goBuild, want) {
					t.Errorf("build-%s runs %q, which lacks %q", id, goBuild, want)
				}
			}
		})
	}
}

// TestBuildEveryFunction dry-runs `make build` and checks that it builds
// exactly the template's functions into .local/build/<LogicalId>/bootstrap.
func TestBuildEveryFunction(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	out, err := makeCmd(t, d.root, nil, "-n", "-f", "infra/build.mk", "build").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n -f infra/build.mk build: %v\n%s", err, out)
	}
	built := map[string]bool{}
	re := regexp.MustCompile(`-o "[^"]*/\.local/build/([A-Za-z0-9]+)/bootstrap"`)
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		built[m[1]] = true
	}
	var want []string
	for _, fn := range d.functions() {
		want = append(want, fn.id)
	}
	slices.Sort(want)
	if got := sorted(built); !slices.Equal(got, want) {
		t.Errorf("make build builds %q, want the template's functions %q\n%s", got, want, out)
	}
}

// TestBuildNeedsArtifactsDir checks the rule stops, naming the variable,
// when it would otherwise write bootstrap to the filesystem root.
func TestBuildNeedsArtifactsDir(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	out, err := makeCmd(t, d.root, nil, "-f", "infra/build.mk", "build-RegistrationFunction").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "ARTIFACTS_DIR is not set") {
		t.Errorf("make build-RegistrationFunction without ARTIFACTS_DIR: err = %v, output %q; want a failure naming ARTIFACTS_DIR", err, out)
	}
}

// TestBootstrap builds every function exactly as sam build does, from the
// repository root through the root Makefile, with ARTIFACTS_DIR in the
// environment (how SAM passes it) and as a make argument (how people type
// it), and checks the result is what provided.al2023 on arm64 runs: a
// static, stripped AArch64 ELF executable named bootstrap.
func TestBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the functions; skipped with -short")
	}
	t.Parallel()
	d := tmpl(t)
	for _, fn := range d.functions() {
		t.Run(fn.id, func(t *testing.T) {
			t.Parallel()
			if _, err := os.Stat(filepath.Join(d.root, "Makefile")); err != nil {
				t.Fatalf("no Makefile at the repository root: sam build runs `make build-%s` there (it must `include infra/build.mk`): %v", fn.id, err)
			}
			target := "build-" + fn.id
			forms := []struct {
				name  string
				env   func(dir string) []string
				args  func(dir string) []string
				shown string
			}{
				{"sam", func(dir string) []string { return []string{"ARTIFACTS_DIR=" + dir} },
					func(string) []string { return []string{"--makefile", filepath.Join(d.root, "Makefile"), target} },
					"ARTIFACTS_DIR=<dir> make --makefile Makefile " + target},
				{"argument", func(string) []string { return nil },
					func(dir string) []string { return []string{target, "ARTIFACTS_DIR=" + dir} },
					"make " + target + " ARTIFACTS_DIR=<dir>"},
			}
			for _, f := range forms {
				dir := t.TempDir()
				out, err := makeCmd(t, d.root, f.env(dir), f.args(dir)...).CombinedOutput()
				if err != nil {
					t.Fatalf("%s: %v\n%s", f.shown, err, out)
				}
				checkBootstrap(t, filepath.Join(dir, "bootstrap"), f.shown, module+"/functions/"+stem(fn.id))
			}
		})
	}
}

// checkBootstrap opens a built bootstrap and checks it is an AArch64 ELF
// executable, statically linked (no interpreter, no needed libraries),
// stripped (no symbol table), and the function's own main package built
// with the Lambda settings.
func checkBootstrap(t *testing.T, path, how, mainPkg string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("%s left no bootstrap: %v", how, err)
	}
	if st.Mode().Perm()&0o111 == 0 {
		t.Errorf("%s: bootstrap is not executable (mode %v)", how, st.Mode())
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: bootstrap is not ELF: %v", how, err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 || f.Class != elf.ELFCLASS64 {
		t.Errorf("%s: bootstrap is %v %v, want EM_AARCH64 ELFCLASS64 (Architectures: [arm64])", how, f.Machine, f.Class)
	}
	if f.Type != elf.ET_EXEC {
		t.Errorf("%s: bootstrap ELF type %v, want ET_EXEC", how, f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s: bootstrap has a PT_INTERP program header: it is dynamically linked (cgo on?)", how)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("%s: bootstrap needs shared libraries %q (err %v); want a static binary", how, libs, err)
	}
	if f.Section(".symtab") != nil {
		t.Errorf("%s: bootstrap has a .symtab section: not stripped (-ldflags -s)", how)
	}
	checkBuildInfo(t, path, how, mainPkg)
}

// checkBuildInfo reads the build settings the Go linker records in the
// binary (they survive stripping) and checks the flags SAM's build must
// use: linux/arm64 without cgo, the Lambda build tag, a trimmed path.
func checkBuildInfo(t *testing.T, path, how, mainPkg string) {
	t.Helper()
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Errorf("%s: bootstrap carries no Go build info: %v", how, err)
		return
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for key, want := range map[string]string{"GOOS": "linux", "GOARCH": "arm64", "CGO_ENABLED": "0", "-tags": "lambda.norpc", "-trimpath": "true"} {
		if got := settings[key]; got != want {
			t.Errorf("%s: bootstrap was built with %s=%q, want %q", how, key, got, want)
		}
	}
	if info.Path != mainPkg {
		t.Errorf("%s: bootstrap is the main package %q, want %q", how, info.Path, mainPkg)
	}
}
