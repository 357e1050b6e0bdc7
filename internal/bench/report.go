package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// misses lists every figure that misses its target, with why.
func (r Report) misses() []string {
	var out []string
	for _, rt := range r.Routes {
		if rt.OverTarget() {
			out = append(out, fmt.Sprintf("%s: %d DynamoDB round trips on a hot route (target ≤ %d); why: under ROUTES", rt.Route, rt.MaxCalls, MaxHotCalls))
		}
	}
	if a := r.Argon2; a != nil && (!a.MeetsOWASP || !a.Fits) {
		out = append(out, fmt.Sprintf("argon2id %s: OWASP minimum met %v, fits %d MB %v", r.Host.Argon2, a.MeetsOWASP, a.FunctionMemoryMB, a.Fits))
	}
	var slow, big []string
	for _, c := range r.ColdStarts {
		if c.Function != Baseline && c.Ratio > MaxColdStartRatio {
			slow = append(slow, fmt.Sprintf("%s %.1f×", c.Function, c.Ratio))
		}
		if c.Function != Baseline && c.Deployed() > MaxBinaryBytes {
			big = append(big, fmt.Sprintf("%s %s", c.Function, mib(c.Deployed())))
		}
	}
	if len(slow) > 0 {
		out = append(out, fmt.Sprintf("cold start over %.1f× the bare handler: %s. %s", MaxColdStartRatio, strings.Join(slow, ", "), r.coldStartWhy()))
	}
	if len(big) > 0 {
		out = append(out, fmt.Sprintf("binaries over %s: %s. %s", mib(MaxBinaryBytes), strings.Join(big, ", "), whyBig))
	}
	for _, p := range r.Paths {
		if p.Happy && p.Transitions > MaxHappyTransitions {
			out = append(out, fmt.Sprintf("%s %s: %.0f state transitions on a happy path (target ≤ %d)", p.Workflow, p.Path, p.Transitions, MaxHappyTransitions))
		}
	}
	if c := r.Cost; c != nil && c.Ratio > 0 && c.Ratio < MinCognitoRatio {
		out = append(out, fmt.Sprintf("cost: %.1f× cheaper than Cognito Essentials (target ≥ %d×); what weighs most: under COST", c.Ratio, MinCognitoRatio))
	}
	if c := r.Cost; c != nil && c.RatioLite > 0 && c.RatioLite < MinCognitoRatio {
		out = append(out, fmt.Sprintf("cost: %.1f× cheaper than Cognito Lite, its cheapest plan (no threat protection, no passwordless); the target is met against Essentials, "+
			"the default plan. What weighs most: under COST", c.RatioLite))
	}
	if i := r.RouteInvariants; i != nil && len(i.Violations) > 0 {
		out = append(out, fmt.Sprintf("invariant violations: %d after every route ran (listed under ROUTES)", len(i.Violations)))
	}
	if t := r.Throughput; t != nil {
		for _, l := range t.Loads {
			if l.Errors > 0 {
				out = append(out, fmt.Sprintf("throughput %s: %d errors", l.Route, l.Errors))
			}
		}
		for _, l := range t.Scenarios {
			if l.Errors > 0 {
				out = append(out, fmt.Sprintf("load %s × %d: %d errors (%d 503, %d 500, %d without an answer)", l.Scenario, l.Workers, l.Errors, l.Status503, l.Status500, l.Transport))
			}
		}
		if n := len(t.Invariants.Violations); n > 0 {
			out = append(out, fmt.Sprintf("invariant violations: %d after the load (listed under THROUGHPUT)", n))
		}
		if t.Uniqueness.Duplicates > 0 || t.Uniqueness.Errors > 0 {
			out = append(out, fmt.Sprintf("throughput: %d contacts on more than one account, %d double submits not answered 201 + 409", t.Uniqueness.Duplicates, t.Uniqueness.Errors))
		}
	}
	return out
}

const whyBig = "Every API function is the same binary: app.Main wires all flows (the route table serves every function) and links every AWS SDK client the app uses (DynamoDB, SNS, SESv2, Step Functions, KMS, Secrets Manager)."

// coldStartWhy explains a cold start over target from the package-init
// trace of the run.
func (r Report) coldStartWhy() string {
	var base, worst ColdStart
	for _, c := range r.ColdStarts {
		if c.Function == Baseline {
			base = c
		} else if c.Ratio > worst.Ratio {
			worst = c
		}
	}
	return fmt.Sprintf("The bare handler answers after %.0f ms, its Go package init done at %.0f ms; %s after %.0f ms, package init alone lasting until %.0f ms "+
		"and the first poll coming at %.0f ms. The gap is mostly package init: every function is one app linking every flow and every AWS SDK "+
		"client (the largest inits are the SDK's per-service schemas: DynamoDB, SESv2, KMS, Secrets Manager) and a binary twice the bare one to page in; "+
		"building the clients and flows after it takes a few ms. Linking only each function's own clients would cut both. On Lambda both sit on a "+
		"sandbox start of ~100 ms or more, which shrinks the ratio but not the %.0f ms gap.",
		base.FirstMs, base.PackageInitMs, worst.Function, worst.FirstMs, worst.PackageInitMs, worst.InitMs, worst.FirstMs-base.FirstMs)
}

// largest names the service that costs most, and what the total would be
// without it.
func (c Cost) largest() string {
	top := ""
	for _, s := range Services {
		if top == "" || c.ByService[s] > c.ByService[top] {
			top = s
		}
	}
	rest := c.Total - c.ByService[top]
	why := ""
	if top == "KMS" {
		why = " (one asymmetric Sign per access token issued, at login and every refresh; signing with a key held in memory, fetched at cold start as the HMAC master key is, would remove it at the price of the private key leaving KMS)"
	}
	return fmt.Sprintf("%s is %.0f %% of the bill%s; without it: $%s, %.0f× under Essentials, %.0f× under Lite",
		top, 100*c.ByService[top]/c.Total, why, money(rest), c.Essentials/rest, c.Lite/rest)
}

// WriteText prints the report as tables.
func (r Report) WriteText(w io.Writer) {
	h := r.Host
	fmt.Fprintf(w, "portalid bench · %s · %s/%s, %d CPUs, load %s · %s\n", r.At.Format("2006-01-02 15:04 UTC"), h.OS, h.Arch, h.CPUs, h.LoadAvg, h.Go)
	if h.Simulated {
		fmt.Fprintln(w, "SHORT RUN: tiny counts and cheap argon2id; the figures show the bench works, not how fast anything is.")
	}
	if len(r.Routes) > 0 {
		r.writeRoutes(w)
	}
	if a := r.Argon2; a != nil {
		fmt.Fprintf(w, "\nPASSWORD HASHING  argon2id t=%d m=%d KiB p=%d (config defaults = template parameters), %d hashes\n", a.Time, a.MemoryKiB, a.Threads, a.Runs)
		fmt.Fprintf(w, "  %.1f ms median, %.1f ms max per hash here; ≈ %.0f ms at Lambda's CPU share of %d MB; %.1f MiB allocated per hash\n",
			a.MedianMs, a.MaxMs, a.LambdaMs, a.FunctionMemoryMB, a.AllocMiB)
		fmt.Fprintf(w, "  OWASP minimum (19 MiB, t=2, p=1 or an equivalent): %s · fits MemorySize %d MB (≥ 4 × per hash): %s\n",
			yes(a.MeetsOWASP), a.FunctionMemoryMB, yes(a.Fits))
	}
	if len(r.ColdStarts) > 0 {
		r.writeColdStarts(w)
	}
	if len(r.Paths) > 0 {
		r.writePaths(w)
	}
	if c := r.Cost; c != nil {
		r.writeCost(w, *c)
	}
	if t := r.Throughput; t != nil {
		writeThroughput(w, *t)
	}
	fmt.Fprintln(w, "\nMISSED TARGETS")
	if len(r.Misses) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, m := range r.Misses {
		fmt.Fprintln(w, "  ✗ "+m)
	}
}

func (r Report) writeRoutes(w io.Writer) {
	fmt.Fprintf(w, "\nROUTES  in-process through the route table (API Gateway v2 events, app.New wiring) against DynamoDB Local\n")
	fmt.Fprintf(w, "  %d requests each after one warm-up; argon2id %s; resend interval %s (the only change from the defaults);\n", r.Routes[0].Samples, r.Host.Argon2, r.Host.Resend)
	fmt.Fprintf(w, "  StartExecution answered by a stand-in that runs nothing (%d started; the workflows are measured below)\n", r.Starts)
	tw := table(w, "route\tfunction\tp50 ms\tp99 ms\tallocs\tDDB calls\tRRU\tWRU\tKMS\t")
	for _, rt := range r.Routes {
		mark := ""
		if rt.Hot {
			mark = " hot ✓"
			if rt.OverTarget() {
				mark = " hot ✗"
			}
		}
		calls := fmt.Sprintf("%.0f", rt.Calls)
		if float64(rt.MaxCalls) != rt.Calls {
			calls = fmt.Sprintf("%.1f (max %d)", rt.Calls, rt.MaxCalls)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.0f\t%s%s\t%.1f\t%.1f\t%.0f\t\n", leftPad(rt.Route, 52), rt.Function, rt.P50Ms, rt.P99Ms, rt.Allocs, calls, mark, rt.RRU, rt.WRU, rt.KMSSigns)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "  hot: code checks, login, refresh, progress read (target ≤ %d DynamoDB round trips). RRU/WRU: request units DynamoDB reports; KMS: access tokens signed\n", MaxHotCalls)
	for _, u := range r.Unmeasured {
		fmt.Fprintf(w, "  not measured yet (no scenario in internal/bench/routes.go): %s\n", u)
	}
	if r.RouteInvariants != nil {
		writeInvariants(w, "the routes' table afterwards:", *r.RouteInvariants)
	}
	fmt.Fprintln(w, "  Why the routes above 2 round trips take what they take:")
	for _, rt := range r.Routes {
		if rt.MaxCalls > MaxHotCalls && rt.Why != "" {
			fmt.Fprintf(w, "  · %s (%d): %s\n", rt.Route, rt.MaxCalls, rt.Why)
		}
	}
}

// table starts a right-aligned table with its header row (tab-separated,
// ending in a tab).
func table(w io.Writer, header string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.TrimSuffix(header, "\n"))
	return tw
}

// leftPad keeps the first column left-aligned in a right-aligned table.
func leftPad(s string, n int) string {
	if l := len([]rune(s)); l < n {
		return s + strings.Repeat(" ", n-l)
	}
	return s
}

func (r Report) writeColdStarts(w io.Writer) {
	c0 := r.ColdStarts[0]
	fmt.Fprintf(w, "\nCOLD STARTS  real bootstraps (make build-<LogicalId>, linux/%s for this host, stripped, lambda.norpc) under the in-repo Runtime API host;\n", c0.Arch)
	fmt.Fprintf(w, "  process start → first response, median of %d; the environment make run gives the app; first request as listed\n", c0.Runs)
	tw := table(w, fmt.Sprintf("function\tsize %s\tsize arm64\tpkg init ms\tinit ms\tfirst ms\tmin–max\t× bare\tfirst request\t", c0.Arch))
	for _, c := range r.ColdStarts {
		deploy := "–"
		if c.DeployBytes > 0 {
			deploy = mib(c.DeployBytes)
			if c.Function != Baseline && c.DeployBytes > MaxBinaryBytes {
				deploy += " !"
			}
		}
		ratio := fmt.Sprintf("%.2f", c.Ratio)
		if c.Function != Baseline {
			ratio += map[bool]string{true: " ✓", false: " ✗"}[c.Ratio <= MaxColdStartRatio]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f–%.0f\t%s\t%s → %s\t\n", leftPad(c.Function, 20), mib(c.Bytes), deploy, c.PackageInitMs, c.InitMs, c.FirstMs, c.FirstMinMs, c.FirstMaxMs, ratio, c.FirstRequest, c.Outcome)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "  targets: ≤ %.1f× the bare aws-lambda-go handler; binaries as deployed (arm64) over %s are marked !. pkg init: when Go's package init ended (GODEBUG=inittrace, median of 3 more starts)\n", MaxColdStartRatio, mib(MaxBinaryBytes))
}

func (r Report) writePaths(w io.Writer) {
	fmt.Fprintf(w, "\nSTEP FUNCTIONS  state transitions per path, counted by the local harness running the real ASL (go test -bench of each workflow)\n")
	tw := table(w, "workflow\tpath\ttransitions\t$ per 1,000 executions\ttask DDB calls\t")
	for _, p := range r.Paths {
		name := p.Path
		if p.Happy {
			name += " (happy" + map[bool]string{true: ", ✓)", false: ", ✗)"}[p.Transitions <= MaxHappyTransitions]
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t$%.4f\t%.1f\t\n", leftPad(p.Workflow, 16), leftPad(name, 28), p.Transitions, p.CostPer1000, p.DDBCalls)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "  target ≤ %d transitions on a happy path; Standard price $%.3f per 1,000 transitions (retries count)\n", MaxHappyTransitions, 1000*r.Prices.Price("sfn-transition"))
}

func (r Report) writeCost(w io.Writer, c Cost) {
	fmt.Fprintf(w, "\nCOST  per month for %s monthly active users, %s list prices (internal/bench/prices.json), usage profile below\n", thousands(float64(c.MAU)), r.Prices.Region)
	var parts []string
	for _, s := range Services {
		parts = append(parts, fmt.Sprintf("%s $%s", s, money(c.ByService[s])))
	}
	fmt.Fprintf(w, "  %s\n  = $%s a month, $%.5f per MAU\n  %s\n", strings.Join(parts, " · "), money(c.Total), c.Total/float64(c.MAU), c.largest())
	mark := map[bool]string{true: "✓", false: "✗"}
	fmt.Fprintf(w, "  Amazon Cognito, same users: Essentials (default plan) $%s → %.1f× cheaper %s (target ≥ %d×) · Lite $%s → %.1f×\n",
		money(c.Essentials), c.Ratio, mark[c.Ratio >= MinCognitoRatio], MinCognitoRatio, money(c.Lite), c.RatioLite)
	tw := table(w, "usage (per MAU a month)\tper MAU\tper month\t$\t")
	for _, l := range c.Lines {
		fmt.Fprintf(tw, "%s\t%g\t%s\t%s\t\n", leftPad(l.What, 62), l.PerMAU, thousands(l.PerMonth), money(l.USD))
	}
	_ = tw.Flush()
	for _, u := range c.Unpriced {
		fmt.Fprintf(w, "  not priced: %s\n", u)
	}
	for _, a := range c.Assumptions {
		fmt.Fprintf(w, "  assumes: %s\n", a)
	}
	ids := make([]string, 0, len(r.Prices.List))
	for _, p := range r.Prices.List {
		ids = append(ids, fmt.Sprintf("%s %s (%s, read %s)", p.Service, p.Published, p.Source, p.Read))
	}
	sort.Strings(ids)
	fmt.Fprintln(w, "  prices:")
	for _, s := range ids {
		fmt.Fprintln(w, "    "+s)
	}
}

func writeThroughput(w io.Writer, t Throughput) {
	fmt.Fprintf(w, "\nTHROUGHPUT  local API over HTTP on loopback (the API Gateway stand-in, one process), a Go load generator, each request from its own 127.x address\n")
	tw := table(w, "route\trequests\tworkers\tseconds\treq/s\terrors\tp50 ms\tp99 ms\t")
	for _, l := range t.Loads {
		note := ""
		if l.TimedOut {
			note = " (time bound hit)"
		}
		fmt.Fprintf(tw, "%s\t%d%s\t%d\t%.1f\t%.1f\t%d\t%.1f\t%.1f\t\n", leftPad(l.Route, 24), l.Requests, note, l.Workers, l.Seconds, l.RPS, l.Errors, l.P50Ms, l.P99Ms)
	}
	_ = tw.Flush()
	u := t.Uniqueness
	fmt.Fprintf(w, "  afterwards: %d registrations completed with the password sent twice at once (%d second submits refused 409, %d otherwise);\n", u.Completed, u.Refused, u.Errors)
	fmt.Fprintf(w, "  table scan: %d accounts, %d contacts held by more than one account or not owned by their holder (contact-claim, account-contacts)\n", u.Accounts, u.Duplicates)
	if len(t.Scenarios) > 0 {
		writeScenarios(w, t.Scenarios)
	}
	writeInvariants(w, "the table after the load:", t.Invariants)
}

func yes(b bool) string {
	if b {
		return "yes ✓"
	}
	return "no ✗"
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// money prints dollars with two decimals, or four under a dollar.
func money(v float64) string {
	if v < 1 {
		return fmt.Sprintf("%.4f", v)
	}
	return thousands(v)
}

// thousands prints v rounded, with thousands separated by commas, and
// cents when under 100.
func thousands(v float64) string {
	if v < 100 && v != float64(int64(v)) {
		return fmt.Sprintf("%.2f", v)
	}
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
