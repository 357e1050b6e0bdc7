package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/testenv"
)

// bareEnv makes the test binary the bare handler (see TestMain), so the
// cold-start harness runs here without building anything.
const bareEnv = "PORTALID_BENCH_TEST_BARE"

func TestMain(m *testing.M) {
	if os.Getenv(bareEnv) != "" {
		lambda.Start(func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "{}"}, nil
		})
	}
	os.Exit(m.Run())
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(5, 1, 3), 50, 3 * time.Millisecond},
		{"median of even takes the lower", ms(4, 1, 3, 2), 50, 2 * time.Millisecond},
		{"p99 of ten is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"p0 is the min", ms(9, 4, 6), 0, 4 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Percentile(tt.in, tt.p); got != tt.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tt.in, tt.p, got, tt.want)
			}
		})
	}
}

// TestLambdaGoFlags keeps the baseline's build flags those of
// infra/build.mk, so the bare handler is built as the functions are.
func TestLambdaGoFlags(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "infra", "build.mk"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^LAMBDA_GOFLAGS := (.*)$`).FindSubmatch(b)
	if m == nil || string(m[1]) != LambdaGoFlags {
		t.Errorf("infra/build.mk LAMBDA_GOFLAGS = %q, want LambdaGoFlags %q", m, LambdaGoFlags)
	}
	want := []string{"-tags", "lambda.norpc", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="}
	if diff := cmp.Diff(want, splitFlags(LambdaGoFlags)); diff != "" {
		t.Errorf("splitFlags(LambdaGoFlags) (-want +got):\n%s", diff)
	}
}

func TestFunctions(t *testing.T) {
	t.Parallel()
	ids, err := Functions(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RegistrationFunction", "SessionFunction", "TasksFunction"} {
		if !slices.Contains(ids, want) {
			t.Errorf("Functions() = %v, missing %s", ids, want)
		}
	}
}

func TestParseTransitions(t *testing.T) {
	t.Parallel()
	prices, err := LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	w := Workflow{Name: "identity-check", Benchmark: "BenchmarkIdentityCheck", Happy: []string{"passed"}}
	out := []byte(`goos: linux
BenchmarkIdentityCheck/passed-2         	       3	1161588425 ns/op	         1.000 progress-ddb-calls/op	         4.000 transitions/op	         7.667 workflow-ddb-calls/op
BenchmarkIdentityCheck/registry-down-then-back 	       3	 383772077 ns/op	        10.33 transitions/op
BenchmarkOther/x-2 1 1 ns/op 3.000 transitions/op
PASS
`)
	got, err := ParseTransitions(w, out, prices)
	if err != nil {
		t.Fatal(err)
	}
	want := []Path{
		{Workflow: "identity-check", Path: "passed", Happy: true, Transitions: 4, DDBCalls: 7.667, CostPer1000: 0.1},
		{Workflow: "identity-check", Path: "registry-down-then-back", Transitions: 10.33, CostPer1000: 0.25825},
	}
	approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("ParseTransitions() (-want +got):\n%s", diff)
	}
	if _, err := ParseTransitions(w, []byte("PASS\n"), prices); err == nil {
		t.Error("ParseTransitions(no benchmark lines) = nil error, want one: a workflow without figures must not pass unseen")
	}
}

func TestPrices(t *testing.T) {
	t.Parallel()
	p, err := LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range p.List {
		if x.Published == "" || !strings.HasPrefix(x.Source, "https://aws.amazon.com/") {
			t.Errorf("price %s: published %q, source %q; want the text and the AWS page", x.ID, x.Published, x.Source)
		}
		if _, err := time.Parse("2006-01-02", x.Read); err != nil {
			t.Errorf("price %s: read %q is not a date", x.ID, x.Read)
		}
	}
	tests := []struct {
		id   string
		n    float64
		want float64
	}{
		{"cognito-essentials-mau", 5_000, 0},
		{"cognito-essentials-mau", 1_000_000, 14_850},
		{"cognito-lite-mau", 100_000, 495},
		{"cognito-lite-mau", 1_000_000, 495 + 4_140},
		{"cognito-lite-mau", 20_000_000, 495 + 4_140 + 29_250 + 25_000},
		{"sfn-transition", 1_000, 0.025},
	}
	for _, tt := range tests {
		if got := p.Monthly(tt.id, tt.n); math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("Monthly(%s, %v) = %v, want %v", tt.id, tt.n, got, tt.want)
		}
	}
}

// TestModel prices a profile whose every route and path is measured, and
// checks one line by hand.
func TestModel(t *testing.T) {
	t.Parallel()
	prices, err := LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	var routes []Route
	var paths []Path
	for _, u := range Profile {
		if u.Route != "" {
			routes = append(routes, Route{Route: u.Route, P50Ms: 10, RRU: 2, WRU: 4, KMSSigns: 1})
		} else {
			paths = append(paths, Path{Workflow: u.Workflow, Path: u.Path, Transitions: 4, DDBCalls: 8})
		}
	}
	c := Model(prices, routes, paths, 512)
	if len(c.Unpriced) > 0 || len(c.Lines) != len(Profile) {
		t.Fatalf("Model() priced %d of %d lines, unpriced %v", len(c.Lines), len(Profile), c.Unpriced)
	}
	i := slices.IndexFunc(c.Lines, func(l CostLine) bool { return l.Route == "POST /v1/sessions" })
	login := c.Lines[i]
	n := 4.0 * MAU
	gbs := 10.0 * LambdaFullCPUMB / 512 / 1000 * 512 / 1024
	want := map[string]float64{
		"Lambda":      n * (0.0000002 + gbs*0.0000133334),
		"API Gateway": n * 0.000001,
		"DynamoDB":    n * (2*0.000000125 + 4*0.000000625),
		"KMS":         n * 0.000015,
	}
	approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-6 })
	if diff := cmp.Diff(want, login.ByService, approx); diff != "" {
		t.Errorf("login line by service (-want +got):\n%s", diff)
	}
	if c.Ratio <= 0 || math.Abs(c.Essentials/c.Total-c.Ratio) > 1e-9 {
		t.Errorf("Ratio = %v, Essentials %v, Total %v", c.Ratio, c.Essentials, c.Total)
	}
	if c := Model(prices, nil, nil, 512); len(c.Unpriced) != len(Profile) || c.Total != 0 {
		t.Errorf("Model(nothing measured) = total %v, %d unpriced; want 0 and every line unpriced", c.Total, len(c.Unpriced))
	}
}

func TestMeetsOWASP(t *testing.T) {
	t.Parallel()
	def := config.Defaults().Password
	tests := []struct {
		name string
		a    secret.Argon2
		want bool
	}{
		{"the defaults", secret.Argon2{Time: def.Argon2Time, MemoryKiB: def.Argon2MemKiB, Threads: def.Argon2Threads}, true},
		{"19 MiB, one pass", secret.Argon2{Time: 1, MemoryKiB: 19456, Threads: 1}, false},
		{"46 MiB, one pass", secret.Argon2{Time: 1, MemoryKiB: 47104, Threads: 1}, true},
		{"12 MiB, three passes", secret.Argon2{Time: 3, MemoryKiB: 12288, Threads: 1}, true},
		{"7 MiB, four passes", secret.Argon2{Time: 4, MemoryKiB: 7168, Threads: 1}, false},
		{"test parameters", secret.Argon2{Time: 1, MemoryKiB: 64, Threads: 1}, false},
	}
	for _, tt := range tests {
		if got := MeetsOWASP(tt.a); got != tt.want {
			t.Errorf("%s: MeetsOWASP(%+v) = %v, want %v", tt.name, tt.a, got, tt.want)
		}
	}
}

func TestTemplateMemoryMB(t *testing.T) {
	t.Parallel()
	mb, err := TemplateMemoryMB(filepath.Join("..", "..", "template.yaml"))
	if err != nil || mb < 128 {
		t.Errorf("TemplateMemoryMB() = %d, %v; want the Globals MemorySize", mb, err)
	}
}

func TestPackageInitEnd(t *testing.T) {
	t.Parallel()
	trace := "init internal/bytealg @0 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"init github.com/aws/aws-sdk-go-v2/service/sesv2/schemas @61 ms, 8.2 ms clock, 582304 bytes, 3541 allocs\n" +
		"{\"level\":\"INFO\"}\n" +
		"init github.com/portalid/portalid/internal/httpapi @73 ms, 2.5 ms clock, 55880 bytes, 746 allocs\n"
	if got := PackageInitEnd(trace); math.Abs(got-75.5) > 1e-9 {
		t.Errorf("PackageInitEnd() = %v, want 75.5", got)
	}
}

// TestScenarios keeps the route scenarios on routes of the table, one
// each.
func TestScenarios(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, sc := range scenarios() {
		if seen[sc.Route] {
			t.Errorf("two scenarios for %s", sc.Route)
		}
		seen[sc.Route] = true
		if !slices.ContainsFunc(httpapi.Table(), func(s httpapi.Spec) bool { return s.Key == sc.Route }) {
			t.Errorf("scenario for %s, which is not in the route table", sc.Route)
		}
	}
	for _, u := range Profile {
		if u.Route != "" && !seen[u.Route] {
			t.Errorf("the usage profile prices %s, which no scenario measures", u.Route)
		}
	}
}

// TestEveryRouteMeasured fails when a route of the table has no
// scenario, so that the ROUTES table cannot fall behind the API again.
func TestEveryRouteMeasured(t *testing.T) {
	t.Parallel()
	if u := Unmeasured(); len(u) > 0 {
		t.Errorf("routes of httpapi.Table() that no scenario measures (add one in routes.go or confirm.go): %q", u)
	}
}

// TestRun runs every part of make bench once, small, against DynamoDB
// Local: each route once, one argon2id hash, one cold start of this
// test binary as the bare handler, a small load; workflows are left to
// make test's own run of their benchmarks (ParseTransitions is tested
// above). The figures are not checked against targets, only that they
// were measured and are consistent.
func TestRun(t *testing.T) {
	storeless := map[string]bool{"GET /.well-known/jwks.json": true, httpapi.DefaultRoute: true,
		"GET /v1/service-centres": true, "GET /v1/services": true, "GET /v1/services/{id}": true}
	testenv.Require(t, testenv.EnvDynamoDB)
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	o := Options{
		Root: filepath.Join("..", ".."), Dir: dir, Short: true,
		Sections: []string{"routes", "argon2", "coldstart", "cost", "throughput"},
		Samples:  1, ColdRuns: 1, Argon2Runs: 1,
		Load: LoadOptions{Starts: 6, Complete: 2, Logins: 3, Workers: 2, Timeout: time.Minute,
			Concurrency: []int{1, 2}, PerStep: 10, StepTimeout: time.Minute, Pool: 2},
		Binaries: []Binary{{Function: Baseline, Path: self, Args: []string{"-test.run=^$"}, Env: []string{bareEnv + "=1"}}},
		Adjust: func(c *config.Config) {
			c.Password.Argon2MemKiB, c.Password.Argon2Time = 64, 1
		},
	}
	r, err := Run(t.Context(), o, func(string) {})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if got, want := len(r.Routes)+len(r.Unmeasured), len(httpapi.Table()); got != want {
		t.Errorf("routes measured + unmeasured = %d, want the table's %d", got, want)
	}
	for _, rt := range r.Routes {
		if rt.Samples != 1 || rt.P50Ms <= 0 || rt.Function == "" {
			t.Errorf("%s: %+v, want one sample with a time and its function", rt.Route, rt)
		}
		// Every route but the key set, the catch-all and the catalogue's
		// public pages (compiled in) reads or writes.
		if !storeless[rt.Route] && (rt.Calls < 1 || rt.RRU+rt.WRU <= 0) {
			t.Errorf("%s: %v DynamoDB calls, %v+%v units; want some", rt.Route, rt.Calls, rt.RRU, rt.WRU)
		}
	}
	if r.RouteInvariants == nil || len(r.RouteInvariants.Violations) > 0 || r.RouteInvariants.Accounts == 0 {
		t.Errorf("the table after every route: %+v, want accounts and no invariant violation", r.RouteInvariants)
	}
	if r.Starts == 0 {
		t.Errorf("no execution was started through the Step Functions stand-in")
	}
	login := r.Routes[slices.IndexFunc(r.Routes, func(rt Route) bool { return rt.Route == "POST /v1/sessions" })]
	if login.KMSSigns != 1 || login.Calls < 2 {
		t.Errorf("login: %+v, want one access token signed and at least 2 round trips", login)
	}
	if r.Argon2 == nil || !r.Argon2.MeetsOWASP || r.Argon2.AllocMiB < 18 {
		t.Errorf("argon2 = %+v, want the deployed parameters (19 MiB per hash, OWASP minimum)", r.Argon2)
	}
	if len(r.ColdStarts) != 1 || r.ColdStarts[0].Ratio != 1 || r.ColdStarts[0].Outcome != "200" || r.ColdStarts[0].FirstMs <= 0 {
		t.Errorf("cold starts = %+v, want the bare handler once, answering 200", r.ColdStarts)
	}
	if r.Cost == nil || r.Cost.Total <= 0 || r.Cost.Essentials <= 0 || len(r.Cost.Unpriced) == 0 {
		t.Errorf("cost = %+v, want a total, Cognito's, and the workflow lines unpriced (not measured here)", r.Cost)
	}
	if tp := r.Throughput; tp == nil || len(tp.Loads) != 2 || tp.Uniqueness != (Uniqueness{Completed: 2, Refused: 2, Accounts: 2 + 3}) {
		// 2 completed under load, and the scenarios' pool of 2 (one of
		// them with a standard person beside it).
		t.Errorf("throughput = %+v, want two loads without errors and five accounts, one per phone", tp)
	}
	if tp := r.Throughput; tp != nil {
		if got, want := len(tp.Scenarios), len(Scenarios)*2; got != want {
			t.Errorf("%d scenario steps, want %d (every scenario at 1 and 2 workers)", got, want)
		}
		for _, l := range tp.Scenarios {
			if l.Requests != 10 || l.Errors != 0 || l.OK+l.Limited+l.Expected != l.Requests || l.P99Ms <= 0 {
				t.Errorf("load %s × %d = %+v, want 10 requests answered as expected", l.Scenario, l.Workers, l)
			}
			if l.Scenario == "mixed" && l.Expected+l.Limited != 1 {
				t.Errorf("mixed × %d: %d expected 4xx, want the one wrong password", l.Workers, l.Expected+l.Limited)
			}
		}
		if v := tp.Invariants.Violations; len(v) > 0 || tp.Invariants.Rules == 0 {
			t.Errorf("invariant violations after the load: %d %v, want none", len(v), v)
		}
	}
	var text bytes.Buffer
	r.WriteText(&text)
	for _, want := range []string{"ROUTES", "POST /v1/sessions", "PASSWORD HASHING", "COLD STARTS", "COST", "THROUGHPUT", "LOAD", "invariant violations: 0", "MISSED TARGETS"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text report lacks %q:\n%s", want, text.String())
		}
	}
	path, err := r.Write(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if b, err := os.ReadFile(path); err != nil || json.Unmarshal(b, &back) != nil || len(back.Routes) != len(r.Routes) {
		t.Errorf("the JSON report %s does not read back: %v", path, err)
	}
}
