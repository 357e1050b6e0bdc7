// Command fuzz runs every fuzz target of the module for a set time, one
// after the other (make fuzz), and reports per target the executions, the
// new interesting inputs and any failure: a table on stdout and JSON in
// .local/fuzz/report.json. With -save it copies the inputs the run found
// interesting from the go tool's cache into the package's
// testdata/fuzz/<Target>/, the smallest first and capped, so that every
// later `go test` replays them as regression seeds.
//
//	go run ./infra/fuzz [-time 20s] [-parallel 2] [-minimize 200x] [-save] [-keep 50] [-run regexp]
//
// A failing target does not stop the run; the command exits non-zero at
// the end when any target failed (its failing input is in testdata/fuzz/,
// written there by the go tool).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/portalid/portalid/internal/local"
)

// Result is one target's line of the report.
type Result struct {
	Package     string  `json:"package"`
	Target      string  `json:"target"`
	Execs       int64   `json:"execs"`
	ExecsPerSec float64 `json:"execsPerSec"`
	Elapsed     string  `json:"elapsed"`
	New         int     `json:"newInteresting"`
	Corpus      int     `json:"corpusTotal"`
	Saved       int     `json:"saved"`
	Failed      bool    `json:"failed"`
	// Flaked: go test failed with only "context deadline exceeded" at the
	// -fuzztime boundary and wrote no failing input: go1.26's coordinator
	// race under CPU contention (go.dev/issue/75804, fixed in go1.27), not
	// a finding.
	Flaked bool `json:"flaked,omitempty"`
}

// Report is what .local/fuzz/report.json holds.
type Report struct {
	Date     time.Time `json:"date"`
	FuzzTime string    `json:"fuzzTime"`
	Parallel int       `json:"parallel"`
	Minimize string    `json:"minimizeTime"`
	GoVer    string    `json:"goVersion"`
	Wall     string    `json:"wall"`
	Results  []Result  `json:"results"`
}

func main() {
	root, err := local.RepoRoot()
	if err != nil {
		fail(err)
	}
	fuzzTime := flag.String("time", envOr("FUZZTIME", "20s"), "how long each target runs (go test -fuzztime)")
	minimize := flag.String("minimize", envOr("FUZZMINIMIZE", "200x"), "go test -fuzzminimizetime: the default 60s spends a short run minimizing the first large inputs it finds")
	parallel := flag.Int("parallel", atoiOr(os.Getenv("FUZZPARALLEL"), 2), "fuzzing workers per target (go test -parallel)")
	save := flag.Bool("save", os.Getenv("FUZZSAVE") == "1", "copy the new interesting inputs into testdata/fuzz/")
	keep := flag.Int("keep", 50, "at most this many inputs per target under testdata/fuzz/ after saving")
	maxBytes := flag.Int64("maxbytes", 8<<10, "save no input file larger than this, so the repository stays small")
	only := flag.String("run", os.Getenv("FUZZRUN"), "only targets whose package/Target matches this regexp")
	out := flag.String("out", filepath.Join(root, ".local", "fuzz"), "where report.json and the logs go")
	flag.Parse()
	filter, err := regexp.Compile(*only)
	if err != nil {
		fail(fmt.Errorf("-run: %w", err))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	targets, err := discover(root)
	if err != nil {
		fail(err)
	}
	cache, err := goEnv(root, "GOCACHE")
	if err != nil {
		fail(err)
	}
	ver, _ := goEnv(root, "GOVERSION")
	began := time.Now()
	rep := Report{Date: began.UTC(), FuzzTime: *fuzzTime, Parallel: *parallel, Minimize: *minimize, GoVer: ver}
	failed := false
	for _, t := range targets {
		if !filter.MatchString(t.Dir + "/" + t.Name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "fuzz: %s %s\n", t.Dir, t.Name)
		r, err := run(root, *out, t, *fuzzTime, *minimize, *parallel)
		if err != nil {
			fail(err)
		}
		if *save {
			n, err := saveCorpus(filepath.Join(cache, "fuzz", t.ImportPath, t.Name), filepath.Join(root, t.Dir, "testdata", "fuzz", t.Name), r.since, *keep, *maxBytes)
			if err != nil {
				fail(err)
			}
			r.Saved = n
		}
		failed = failed || r.Failed
		rep.Results = append(rep.Results, r.Result)
	}
	rep.Wall = time.Since(began).Round(time.Second).String()
	b, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "report.json"), append(b, '\n'), 0o644); err != nil {
		fail(err)
	}
	printTable(os.Stdout, rep)
	if failed {
		os.Exit(1)
	}
}

// target is one func Fuzz… of one package.
type target struct {
	Dir, ImportPath, Name string
}

var fuzzFunc = regexp.MustCompile(`(?m)^func (Fuzz[A-Za-z0-9_]*)\(`)

// discover lists the fuzz targets of every tracked or new *_test.go file,
// ordered by package and name.
func discover(root string) ([]target, error) {
	cmd := exec.Command("git", "ls-files", "-co", "--exclude-standard", "*_test.go")
	cmd.Dir = root
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("list test files: %w", err)
	}
	module, err := goList(root, "-m")
	if err != nil {
		return nil, err
	}
	var ts []target
	for _, f := range strings.Fields(string(b)) {
		src, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return nil, err
		}
		dir := filepath.ToSlash(filepath.Dir(f))
		for _, m := range fuzzFunc.FindAllSubmatch(src, -1) {
			ts = append(ts, target{Dir: dir, ImportPath: module + "/" + dir, Name: string(m[1])})
		}
	}
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].Dir != ts[j].Dir {
			return ts[i].Dir < ts[j].Dir
		}
		return ts[i].Name < ts[j].Name
	})
	return ts, nil
}

type ran struct {
	Result
	since time.Time
}

// run fuzzes one target, its output going to the terminal and to a log.
func run(root, out string, t target, fuzzTime, minimize string, parallel int) (ran, error) {
	r := ran{Result: Result{Package: t.Dir, Target: t.Name}, since: time.Now().Add(-time.Second)}
	corpus := filepath.Join(root, t.Dir, "testdata", "fuzz", t.Name)
	before := names(corpus)
	log, err := os.Create(filepath.Join(out, strings.ReplaceAll(t.Dir, "/", "_")+"_"+t.Name+".log"))
	if err != nil {
		return r, err
	}
	defer log.Close()
	cmd := exec.Command("go", "test", "-run=^$", "-fuzz=^"+t.Name+"$", "-fuzztime="+fuzzTime,
		"-fuzzminimizetime="+minimize, fmt.Sprintf("-parallel=%d", parallel), "./"+t.Dir)
	cmd.Dir = root
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("start go test: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); pw.Close() }()
	o := scan(io.TeeReader(pr, log), os.Stderr)
	r.Execs, r.Elapsed, r.New, r.Corpus, r.ExecsPerSec = o.last.Execs, o.last.Elapsed.String(), o.last.New, o.last.Total, o.rate()
	r.Failed = o.failed
	if err := <-done; err != nil {
		r.Failed = true
	}
	// Only the deadline, and no failing input written: not a finding.
	if r.Failed && o.deadline && len(names(corpus)) == len(before) {
		r.Failed, r.Flaked = false, true
	}
	return r, nil
}

// outcome is what go test -fuzz's output says of a run.
type outcome struct {
	last     progress // the last progress line
	failed   bool     // a FAIL line
	deadline bool     // a bare "context deadline exceeded"
}

func (o outcome) rate() float64 {
	if o.last.Elapsed <= 0 {
		return 0
	}
	return float64(o.last.Execs) / o.last.Elapsed.Seconds()
}

// scan reads go test -fuzz's output, copying each line indented to echo.
func scan(out io.Reader, echo io.Writer) outcome {
	var o outcome
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(echo, "  "+line)
		if p, ok := parseProgress(line); ok {
			o.last = p
		}
		if strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "FAIL") {
			o.failed = true
		}
		if strings.TrimSpace(line) == "context deadline exceeded" {
			o.deadline = true
		}
	}
	return o
}

// names lists the files of dir (none when it does not exist).
func names(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// progress is what one `fuzz: elapsed: …` line of go test says. The
// line's own rate is that of the last interval (0/sec on the closing
// line), so the report divides the count by the elapsed time instead.
type progress struct {
	Elapsed    time.Duration
	Execs      int64
	New, Total int
}

var progressLine = regexp.MustCompile(`^fuzz: elapsed: (\S+), execs: (\d+) \((\d+)/sec\), new interesting: (\d+) \(total: (\d+)\)`)

// parseProgress reads a progress line of the go tool's fuzzer; ok is false
// for every other line, including the "gathering baseline coverage" ones.
func parseProgress(line string) (p progress, ok bool) {
	m := progressLine.FindStringSubmatch(line)
	if m == nil {
		return progress{}, false
	}
	d, err := time.ParseDuration(m[1])
	if err != nil {
		return progress{}, false
	}
	if _, err := fmt.Sscan(m[2]+" "+m[4]+" "+m[5], &p.Execs, &p.New, &p.Total); err != nil {
		return progress{}, false
	}
	p.Elapsed = d
	return p, true
}

// saveCorpus copies the inputs written to the cache directory from since
// on, of at most maxBytes, into dst, the smallest first, until dst holds
// keep files. Inputs already in dst (the same content has the same name)
// are not counted twice; a target never fuzzed in this run has nothing to
// copy. Only this run's inputs are taken: the cache is shared with other
// branches, whose targets of the same name may take other arguments.
func saveCorpus(src, dst string, since time.Time, keep int, maxBytes int64) (int, error) {
	entries, err := os.ReadDir(src)
	if os.IsNotExist(err) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("read fuzz cache: %w", err)
	}
	type input struct {
		name string
		size int64
	}
	var fresh []input
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || info.ModTime().Before(since) || info.Size() > maxBytes {
			continue
		}
		fresh = append(fresh, input{e.Name(), info.Size()})
	}
	sort.Slice(fresh, func(i, j int) bool {
		if fresh[i].size != fresh[j].size {
			return fresh[i].size < fresh[j].size
		}
		return fresh[i].name < fresh[j].name
	})
	have, err := os.ReadDir(dst)
	if err != nil && !os.IsNotExist(err) {
		return 0, err
	}
	held := map[string]bool{}
	for _, e := range have {
		held[e.Name()] = true
	}
	saved := 0
	for _, in := range fresh {
		if len(held) >= keep {
			break
		}
		if held[in.name] {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, in.name))
		if err != nil {
			return saved, err
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return saved, err
		}
		if err := os.WriteFile(filepath.Join(dst, in.name), b, 0o644); err != nil {
			return saved, err
		}
		held[in.name] = true
		saved++
	}
	return saved, nil
}

func printTable(w io.Writer, rep Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "package\ttarget\texecs\texecs/s\tnew\tcorpus\tsaved\tfailed\t")
	flaked := 0
	var total int64
	for _, r := range rep.Results {
		total += r.Execs
		failed := fmt.Sprint(r.Failed)
		if r.Flaked {
			failed, flaked = "deadline*", flaked+1
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%d\t%d\t%d\t%s\t\n", r.Package, r.Target, r.Execs, r.ExecsPerSec, r.New, r.Corpus, r.Saved, failed)
	}
	tw.Flush()
	if flaked > 0 {
		fmt.Fprintf(w, "* %d targets ended with go1.26's spurious \"context deadline exceeded\" and no failing input (go.dev/issue/75804), not counted as failures\n", flaked)
	}
	fmt.Fprintf(w, "%d targets, %d execs, -fuzztime=%s -fuzzminimizetime=%s -parallel=%d, %s wall, %s\n",
		len(rep.Results), total, rep.FuzzTime, rep.Minimize, rep.Parallel, rep.Wall, rep.Date.Format(time.RFC3339))
}

func goEnv(root, name string) (string, error) {
	cmd := exec.Command("go", "env", name)
	cmd.Dir = root
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

func goList(root string, args ...string) (string, error) {
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = root
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func atoiOr(s string, def int) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil || n < 1 {
		return def
	}
	return n
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fuzz:", err)
	os.Exit(1)
}
