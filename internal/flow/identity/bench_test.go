package identity_test

import (
	"fmt"
	"testing"

	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/registry"
)

// BenchmarkIdentityCheck runs whole checks through the real ASL on the
// local Step Functions and reports, per path, the state transitions (the
// unit Step Functions Standard bills) and the DynamoDB round trips of the
// two requests a client makes: Submit and Progress.
func BenchmarkIdentityCheck(b *testing.B) {
	paths := []struct {
		name    string
		profile func(n int) profile.Patch
	}{
		{"passed", func(n int) profile.Patch { return person(validSNILS(n), goodSeries, fmt.Sprintf("%06d", 100000+n)) }},
		{"snils-rejected", func(n int) profile.Patch {
			return person(registry.RejectedSNILS, goodSeries, fmt.Sprintf("%06d", 100000+n))
		}},
		{"foreign-passed", func(n int) profile.Patch { return foreigner(fmt.Sprintf("B%08d", n), "") }},
		{"foreign-rejected", func(int) profile.Patch { return foreigner(registry.UnknownForeignNumber, "") }},
	}
	for _, p := range paths {
		b.Run(p.name, func(b *testing.B) {
			w := newWorld(b, &registry.Simulator{})
			var transitions, submitCalls, progressCalls int64
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
				transitions += int64(w.wait(b, c.ID).Transitions)
				before = w.Calls.Load()
				if _, err := w.Identity.Progress(b.Context(), id, c.ID); err != nil {
					b.Fatal(err)
				}
				progressCalls += w.Calls.Load() - before
			}
			b.ReportMetric(float64(transitions)/float64(n), "transitions/op")
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
