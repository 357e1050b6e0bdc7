package identity_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/registry"
)

// BenchmarkIdentityCheck runs whole checks through the real ASL on the
// local Step Functions and reports, per path, the state transitions (the
// unit Step Functions Standard bills, retries included), the DynamoDB
// round trips of the execution's tasks, and those of the two requests a
// client makes: Submit and Progress. make bench (internal/bench) reads
// transitions/op and workflow-ddb-calls/op of each path.
func BenchmarkIdentityCheck(b *testing.B) {
	// docs are the n-th check's SNILS, passport series and number: each
	// iteration claims documents of its own, except values the
	// simulator rejects (rejected documents are not kept claimed).
	type docs func(n int) (snils, series, number string)
	// validSNILS(1) is the simulator's SilentSNILS: start well past it.
	valid := func(n int) (string, string, string) {
		return validSNILS(1000 + n), goodSeries, fmt.Sprintf("%06d", 100000+n)
	}
	// Every path but the stall runs with a simulated day of a second (a
	// 5-second timeout: tasks take up to 300 ms on a loaded machine, too
	// close to a short simulated day), and each execution must end as its path
	// says, so that no path is measured on another's states.
	// rf makes an RF citizen's draft of the n-th documents.
	rf := func(d docs) func(int) profile.Patch {
		return func(n int) profile.Patch { return person(d(n)) }
	}
	paths := []struct {
		name      string
		profile   func(n int) profile.Patch
		failFirst int
		outcome   string
		day       time.Duration
	}{
		{"passed", rf(valid), 0, identity.Passed, time.Second},
		{"snils-rejected", rf(func(n int) (string, string, string) {
			_, series, number := valid(n)
			return registry.RejectedSNILS, series, number
		}), 0, identity.Failed, time.Second},
		{"passport-rejected", rf(func(n int) (string, string, string) {
			snils, series, _ := valid(n)
			return snils, series, registry.UnknownPassportNumber
		}), 0, identity.Failed, time.Second},
		{"registry-down-then-back", rf(valid), 3, identity.Passed, time.Second},
		{"no-answer-stalled", rf(func(n int) (string, string, string) {
			snils, _, _ := valid(n)
			return snils, fmt.Sprintf("%04d", 1000+n), registry.SilentPassportNumber
		}), 0, identity.Stalled, simDay},
		{"foreign-passed", func(n int) profile.Patch { return foreigner(fmt.Sprintf("B%08d", n), "") }, 0, identity.Passed, time.Second},
		{"foreign-rejected", func(int) profile.Patch { return foreigner(registry.UnknownForeignNumber, "") }, 0, identity.Failed, time.Second},
	}
	for _, p := range paths {
		b.Run(p.name, func(b *testing.B) {
			w := newWorldDay(b, &registry.Simulator{FailFirst: p.failFirst}, p.day)
			var transitions, submitCalls, workflowCalls, progressCalls int64
			n := 0
			for b.Loop() {
				n++
				_, _, id := w.Register(b, true)
				if _, err := w.Profiles.Save(b.Context(), id, p.profile(n)); err != nil {
					b.Fatal(err)
				}
				before := w.Calls.Load()
				c, err := w.Identity.Submit(b.Context(), id, true)
				if err != nil {
					b.Fatal(err)
				}
				submitCalls += w.Calls.Load() - before
				before = w.Calls.Load()
				ex := w.wait(b, c.ID)
				workflowCalls += w.Calls.Load() - before
				var out struct {
					Outcome string `json:"outcome"`
				}
				if err := json.Unmarshal([]byte(ex.Output), &out); err != nil || out.Outcome != p.outcome {
					b.Fatalf("execution %s ended %s with %s, want outcome %s", c.ID, ex.Status, ex.Output, p.outcome)
				}
				transitions += int64(ex.Transitions)
				before = w.Calls.Load()
				if _, err := w.Identity.Progress(b.Context(), id, c.ID); err != nil {
					b.Fatal(err)
				}
				progressCalls += w.Calls.Load() - before
			}
			b.ReportMetric(float64(transitions)/float64(n), "transitions/op")
			b.ReportMetric(float64(workflowCalls)/float64(n), "workflow-ddb-calls/op")
			b.ReportMetric(float64(submitCalls)/float64(n), "submit-ddb-calls/op")
			b.ReportMetric(float64(progressCalls)/float64(n), "progress-ddb-calls/op")
		})
	}
}

// validSNILS makes the n-th valid SNILS (its checksum by the pension
// fund's rule), so that every iteration claims a SNILS of its own.
func validSNILS(n int) string {
	base := fmt.Sprintf("%09d", 300000000+n)
	sum := 0
	for i, c := range base {
		sum += int(c-'0') * (9 - i)
	}
	check := sum % 101
	if check == 100 {
		check = 0
	}
	return fmt.Sprintf("%s%02d", base, check)
}
