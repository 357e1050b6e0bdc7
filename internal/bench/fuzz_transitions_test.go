package bench

import (
	"math"
	"strings"
	"testing"
)

// FuzzParseTransitions reads any go test output as the workflow
// benchmarks': a path is reported only from a line of the benchmark with
// a transitions/op figure, named without the benchmark or the
// -GOMAXPROCS suffix, and priced by its transitions; no path is an error.
func FuzzParseTransitions(f *testing.F) {
	f.Add("BenchmarkIdentityCheck/happy-2   \t       1\t  12.00 transitions/op\t  9.000 workflow-ddb-calls/op\nPASS\n")
	f.Add("BenchmarkIdentityCheck/stalled-after-5-days 1 NaN transitions/op\n")
	f.Add("BenchmarkIdentityCheck/x 1 abc transitions/op\n")
	f.Add("BenchmarkOther/happy 1 3 transitions/op\nok\n")
	f.Add("")
	prices, err := LoadPrices()
	if err != nil {
		f.Fatal(err)
	}
	w := Workflow{Name: "identity-check", Benchmark: "BenchmarkIdentityCheck", Happy: []string{"happy"}}
	price := prices.Price("sfn-transition")
	f.Fuzz(func(t *testing.T, output string) {
		paths, err := ParseTransitions(w, []byte(output), prices)
		if err != nil {
			if paths != nil {
				t.Fatalf("ParseTransitions() = %d paths and %v", len(paths), err)
			}
			return
		}
		if len(paths) == 0 {
			t.Fatalf("ParseTransitions() = no paths and no error")
		}
		for _, p := range paths {
			if p.Workflow != w.Name || !strings.Contains(output, w.Benchmark+"/"+p.Path) || !(p.Transitions >= 0) {
				t.Fatalf("ParseTransitions() path %+v", p)
			}
			if want := 1000 * p.Transitions * price; p.CostPer1000 != want && !math.IsNaN(want) {
				t.Fatalf("ParseTransitions() path %q costs %v, want %v", p.Path, p.CostPer1000, want)
			}
		}
	})
}
