package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// MaxHappyTransitions is the target of state transitions on a workflow's
// happy path.
const MaxHappyTransitions = 10

// Workflow names a benchmark that runs a workflow's paths through its
// real ASL on the local Step Functions and reports, per path (one
// sub-benchmark each), the transitions the harness counted, as the
// metric "transitions/op".
type Workflow struct {
	Name      string   // statemachines/<Name>.asl.json
	Package   string   // the benchmark's package
	Benchmark string   // the benchmark function
	Happy     []string // the happy paths, held to MaxHappyTransitions
}

// Workflows lists every workflow the bench reports; a new workflow adds
// its line here (and its benchmark reports transitions/op per path).
var Workflows = []Workflow{
	{Name: "identity-check", Package: "./internal/flow/identity", Benchmark: "BenchmarkIdentityCheck", Happy: []string{"passed"}},
	{Name: "postal-letter", Package: "./internal/flow/letter", Benchmark: "BenchmarkLetter", Happy: []string{"delivered"}},
}

// Path is the transitions of one workflow path.
type Path struct {
	Workflow    string  `json:"workflow"`
	Path        string  `json:"path"`
	Happy       bool    `json:"happy"`
	Transitions float64 `json:"transitions"`
	// DDBCalls are the DynamoDB calls of the execution's tasks, when the
	// benchmark reports them ("workflow-ddb-calls/op").
	DDBCalls float64 `json:"ddbCalls"`
	// CostPer1000 is the price of 1,000 executions of the path at the
	// Standard price per transition.
	CostPer1000 float64 `json:"costPer1000Executions"`
}

// MeasureWorkflows runs each workflow's benchmark (iterations times per
// path) with go test in root and collects its paths.
func MeasureWorkflows(ctx context.Context, root string, iterations int, prices Prices) ([]Path, error) {
	var out []Path
	for _, w := range Workflows {
		cmd := exec.CommandContext(ctx, "go", "test", "-run=^$", "-bench=^"+w.Benchmark+"$",
			"-benchtime="+strconv.Itoa(iterations)+"x", "-count=1", w.Package)
		cmd.Dir = root
		cmd.Env = withoutMakeVars(os.Environ())
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s: go test: %w\n%s%s", w.Name, err, tail(string(b)), tail(stderr.String()))
		}
		paths, err := ParseTransitions(w, b, prices)
		if err != nil {
			return nil, err
		}
		out = append(out, paths...)
	}
	return out, nil
}

// ParseTransitions reads the transitions/op of every path of w from go
// test's benchmark output.
func ParseTransitions(w Workflow, output []byte, prices Prices) ([]Path, error) {
	var out []Path
	sc := bufio.NewScanner(bytes.NewReader(output))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], w.Benchmark+"/") {
			continue
		}
		name := strings.TrimPrefix(f[0], w.Benchmark+"/")
		if i := strings.LastIndex(name, "-"); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the -GOMAXPROCS suffix
			}
		}
		p := Path{Workflow: w.Name, Path: name, Happy: slices.Contains(w.Happy, name), Transitions: -1}
		for i := 2; i+1 < len(f); i += 2 {
			var dst *float64
			switch f[i+1] {
			case "transitions/op":
				dst = &p.Transitions
			case "workflow-ddb-calls/op":
				dst = &p.DDBCalls
			default:
				continue
			}
			n, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %s %q: %w", w.Name, name, f[i+1], f[i], err)
			}
			*dst = n
		}
		if p.Transitions >= 0 {
			p.CostPer1000 = 1000 * p.Transitions * prices.Price("sfn-transition")
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %s reported no transitions/op", w.Name, w.Benchmark)
	}
	return out, nil
}
