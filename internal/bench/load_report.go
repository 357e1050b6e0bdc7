package bench

import (
	"fmt"
	"io"

	"github.com/portalid/portalid/internal/invariant"
)

// writeScenarios prints the scenarios × concurrency table.
func writeScenarios(w io.Writer, ls []ScenarioLoad) {
	fmt.Fprintf(w, "\nLOAD  scenarios at increasing concurrency over the same loopback API, each step bounded in requests and time; 429/4xx a scenario provokes on purpose are expected, not errors\n")
	tw := table(w, "scenario\tworkers\trequests\tseconds\treq/s\tp50 ms\tp99 ms\t2xx\t429 exp.\t4xx exp.\terrors\t503\t500\tno answer\t")
	total, errs := 0, 0
	for _, l := range ls {
		note := ""
		if l.TimedOut {
			note = " (time bound hit)"
		}
		total += l.Requests
		errs += l.Errors
		fmt.Fprintf(tw, "%s\t%d\t%d%s\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", leftPad(l.Scenario, 20), l.Workers, l.Requests, note,
			l.Seconds, l.RPS, l.P50Ms, l.P99Ms, l.OK, l.Limited, l.Expected, l.Errors, l.Status503, l.Status500, l.Transport)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "  %d requests sent, %d errors. mixed per 20: 6 identity-check reads, 3 letter reads, 3 GET /v1/me, 3 registration starts, 2 code confirms, 2 sign-ins, 1 wrong password (401, then 429 once locked)\n", total, errs)
}

// writeInvariants prints a scan of a table.
func writeInvariants(w io.Writer, label string, r invariant.Report) {
	fmt.Fprintf(w, "  %s invariant violations: %d (%d rules over %d items, %d accounts; internal/invariant)\n", label, len(r.Violations), r.Rules, r.Items, r.Accounts)
	for i, v := range r.Violations {
		if i == 20 {
			fmt.Fprintf(w, "    … and %d more (in the JSON)\n", len(r.Violations)-i)
			break
		}
		fmt.Fprintf(w, "    ✗ %s\n", v)
	}
}
