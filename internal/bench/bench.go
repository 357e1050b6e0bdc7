package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/invariant"
)

// Options size a run. Every count is bounded; Short makes each part as
// small as still shows it works (the bench's own test, make test).
type Options struct {
	Root        string // the repository
	Dir         string // scratch: keys, outboxes, builds
	Sections    []string
	Samples     int // requests per route
	ColdRuns    int // starts per function
	Argon2Runs  int
	WorkflowRun int // executions per workflow path
	Load        LoadOptions
	Short       bool
	// Binaries, when set, are started instead of building the functions
	// (tests start their own binary as the bare handler).
	Binaries []Binary
	// Adjust changes the configuration of the in-process system (tests
	// make argon2id cheap); cold starts and the template are not changed.
	Adjust func(*config.Config)
}

// AllSections are the parts of a run, in order.
var AllSections = []string{"routes", "argon2", "coldstart", "workflows", "cost", "throughput"}

// Defaults are the options of make bench.
func Defaults(root string) Options {
	return Options{
		Root: root, Dir: filepath.Join(root, ".local", "bench", "work"), Sections: AllSections,
		Samples: 30, ColdRuns: 10, Argon2Runs: 10, WorkflowRun: 3,
		Load: LoadOptions{Starts: 300, Complete: 40, Logins: 200, Workers: 8, Timeout: time.Minute,
			Concurrency: []int{1, 4, 16, 64}, PerStep: 200, StepTimeout: 15 * time.Second, Pool: 16},
	}
}

// Host is where the figures were measured.
type Host struct {
	OS, Arch  string
	CPUs      int
	Go        string
	LoadAvg   string // /proc/loadavg at the start: the machine is shared
	MemoryMB  int    // the functions' MemorySize in template.yaml
	Resend    string // the one configuration change of the in-process system
	Argon2    string
	Simulated bool // Short: cheap argon2id, tiny counts
}

// Report is everything a run measured.
type Report struct {
	At         time.Time `json:"at"`
	Host       Host      `json:"host"`
	Routes     []Route   `json:"routes,omitempty"`
	Unmeasured []string  `json:"unmeasuredRoutes,omitempty"`
	// Starts counts the executions the routes started: the bench's Step
	// Functions stand-in answers StartExecution and runs nothing.
	Starts     int64       `json:"executionsStarted"`
	Argon2     *Argon2     `json:"argon2,omitempty"`
	ColdStarts []ColdStart `json:"coldStarts,omitempty"`
	Paths      []Path      `json:"workflowPaths,omitempty"`
	Cost       *Cost       `json:"cost,omitempty"`
	Throughput *Throughput `json:"throughput,omitempty"`
	// RouteInvariants is the scan of the routes' table after every route
	// ran (internal/invariant).
	RouteInvariants *invariant.Report `json:"routeInvariants,omitempty"`
	Prices          Prices            `json:"prices"`
	Misses          []string          `json:"misses"`
}

// Run measures the sections of o, in order; log gets a line as each
// starts (they take minutes).
func Run(ctx context.Context, o Options, log func(string)) (Report, error) {
	prices, err := LoadPrices()
	if err != nil {
		return Report{}, err
	}
	memoryMB, err := TemplateMemoryMB(filepath.Join(o.Root, "template.yaml"))
	if err != nil {
		return Report{}, err
	}
	r := Report{At: time.Now().UTC(), Prices: prices, Host: Host{
		OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), Go: runtime.Version(),
		LoadAvg: loadAvg(), MemoryMB: memoryMB, Resend: ResendInterval.String(), Simulated: o.Short,
	}}
	want := func(s string) bool { return slices.Contains(o.Sections, s) }
	sys, err := NewSystem(ctx, filepath.Join(o.Dir, "system"), o.Adjust)
	if err != nil {
		return Report{}, err
	}
	defer sys.Close()
	pw := sys.Config.Password
	r.Host.Argon2 = fmt.Sprintf("t=%d m=%d KiB p=%d", pw.Argon2Time, pw.Argon2MemKiB, pw.Argon2Threads)

	if want("routes") {
		log("routes: " + fmt.Sprint(o.Samples) + " requests each")
		if r.Routes, err = MeasureRoutes(ctx, sys, o.Samples); err != nil {
			return r, fmt.Errorf("routes: %w", err)
		}
		r.Unmeasured = Unmeasured()
		r.Starts = sys.Started.Load()
		inv, err := invariant.Scan(ctx, sys.DB, sys.Table, sys.Config, 4)
		if err != nil {
			return r, fmt.Errorf("routes: invariants: %w", err)
		}
		r.RouteInvariants = &inv
	}
	if want("argon2") {
		log("argon2id")
		// Always the deployed parameters, whatever the system runs with.
		a, err := MeasureArgon2(config.Defaults().Password, memoryMB, o.Argon2Runs)
		if err != nil {
			return r, fmt.Errorf("argon2: %w", err)
		}
		r.Argon2 = &a
	}
	if want("coldstart") {
		log("cold starts: building the bootstraps")
		if r.ColdStarts, err = coldStarts(ctx, sys, o); err != nil {
			return r, fmt.Errorf("cold starts: %w", err)
		}
	}
	if want("workflows") {
		log("workflows: go test -bench of each workflow")
		if r.Paths, err = MeasureWorkflows(ctx, o.Root, o.WorkflowRun, prices); err != nil {
			return r, fmt.Errorf("workflows: %w", err)
		}
	}
	if want("cost") {
		c := Model(prices, r.Routes, r.Paths, memoryMB)
		r.Cost = &c
	}
	if want("throughput") {
		log("throughput")
		ts, err := NewSystem(ctx, filepath.Join(o.Dir, "throughput"), o.Adjust)
		if err != nil {
			return r, err
		}
		defer ts.Close()
		t, err := MeasureThroughput(ctx, ts, o.Load)
		r.Throughput = &t
		if err != nil {
			return r, fmt.Errorf("throughput: %w", err)
		}
	}
	r.Misses = r.misses()
	return r, nil
}

// coldStarts builds the bootstraps for the host (the cold starts run
// here) and for arm64 as deployed (their sizes).
func coldStarts(ctx context.Context, sys *System, o Options) ([]ColdStart, error) {
	if o.Binaries != nil {
		return MeasureColdStarts(ctx, sys, o.Binaries, o.ColdRuns)
	}
	build := filepath.Join(o.Dir, "build")
	bins, err := Build(ctx, o.Root, build, runtime.GOARCH)
	if err != nil {
		return nil, err
	}
	cs, err := MeasureColdStarts(ctx, sys, bins, o.ColdRuns)
	if err != nil {
		return nil, err
	}
	deployed, err := Build(ctx, o.Root, build, "arm64")
	if err != nil {
		return nil, err
	}
	for i := range cs {
		for _, b := range deployed {
			if b.Function == cs[i].Function {
				cs[i].DeployBytes = b.Bytes
			}
		}
	}
	return cs, nil
}

// Write stores the report as JSON in dir: at-<time>.json and latest.json.
func (r Report) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "bench-"+r.At.Format("20060102T150405Z")+".json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", err
	}
	return path, os.WriteFile(filepath.Join(dir, "latest.json"), b, 0o644)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
