// Command bench measures portalid's performance and cost side by side and
// prints one table (make bench): per route latency, allocations and
// DynamoDB round trips; argon2id; cold starts of the real bootstraps;
// state transitions per workflow path; throughput of the local API; and
// the monthly bill for a million users next to Amazon Cognito's. The
// report is also written as JSON under .local/bench/.
//
//	go run ./infra/local exec -- go run ./infra/bench [flags]
//
// It needs the local stack's DynamoDB Local (infra/local exec starts it).
// Its figures are measurements, not pass/fail: it exits non-zero only when
// something could not be measured, or when the table scan after the load
// finds a broken invariant. -load runs only the load (make load).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/portalid/portalid/internal/bench"
	"github.com/portalid/portalid/internal/local"
)

func main() {
	root, err := local.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	o := bench.Defaults(root)
	sections := flag.String("only", strings.Join(bench.AllSections, ","), "sections to run, comma-separated: "+strings.Join(bench.AllSections, ","))
	flag.IntVar(&o.Samples, "n", o.Samples, "requests per route")
	flag.IntVar(&o.ColdRuns, "cold-runs", o.ColdRuns, "cold starts per function (median of these)")
	flag.IntVar(&o.Argon2Runs, "argon2-runs", o.Argon2Runs, "argon2id hashes")
	flag.IntVar(&o.WorkflowRun, "workflow-runs", o.WorkflowRun, "executions per workflow path")
	flag.IntVar(&o.Load.Starts, "starts", o.Load.Starts, "registration starts under load")
	flag.IntVar(&o.Load.Complete, "complete", o.Load.Complete, "of those, registrations completed (password sent twice at once)")
	flag.IntVar(&o.Load.Logins, "logins", o.Load.Logins, "sign-ins under load")
	flag.IntVar(&o.Load.Workers, "workers", o.Load.Workers, "concurrent clients of the load")
	flag.DurationVar(&o.Load.Timeout, "load-timeout", o.Load.Timeout, "time bound of each load phase")
	load := flag.Bool("load", false, "only the load: throughput, the scenarios at each concurrency and the invariant scan (as -only throughput)")
	concurrency := flag.String("concurrency", joinInts(o.Load.Concurrency), "workers of each scenario step, comma-separated")
	flag.IntVar(&o.Load.PerStep, "per-step", o.Load.PerStep, "requests per scenario step")
	flag.DurationVar(&o.Load.StepTimeout, "step-timeout", o.Load.StepTimeout, "time bound of each scenario step")
	flag.IntVar(&o.Load.Pool, "pool", o.Load.Pool, "accounts prepared for the scenarios' sign-ins and progress reads")
	out := flag.String("out", filepath.Join(root, ".local", "bench"), "where the JSON report goes")
	flag.Parse()
	o.Sections = strings.Split(*sections, ",")
	if *load {
		o.Sections = []string{"throughput"}
	}
	if o.Load.Concurrency, err = parseInts(*concurrency); err != nil {
		fmt.Fprintln(os.Stderr, "bench: -concurrency:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	began := time.Now()
	r, err := bench.Run(ctx, o, func(s string) {
		fmt.Fprintf(os.Stderr, "bench: %s (%s)\n", s, time.Since(began).Round(time.Second))
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	r.WriteText(os.Stdout)
	path, err := r.Write(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	fmt.Printf("\nJSON: %s (and latest.json beside it) · took %s\n", path, time.Since(began).Round(time.Second))
	// A broken invariant is a defect, not a figure.
	if t := r.Throughput; t != nil && len(t.Invariants.Violations) > 0 {
		os.Exit(1)
	}
	if i := r.RouteInvariants; i != nil && len(i.Violations) > 0 {
		os.Exit(1)
	}
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number of workers", f)
		}
		out = append(out, n)
	}
	return out, nil
}
