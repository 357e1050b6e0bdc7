package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/local"
)

// Targets of the cold-start section.
const (
	MaxColdStartRatio = 1.3      // a function's first response over the bare handler's
	MaxBinaryBytes    = 12 << 20 // 12 MiB
)

// tracedRuns are the starts of each binary traced for its package init.
const tracedRuns = 3

// Baseline names the bare aws-lambda-go handler in the cold-start rows.
const Baseline = "baseline"

// BaselinePackage is the bare handler's main package.
const BaselinePackage = "./infra/bench/baseline"

// LambdaGoFlags are the go build flags of every function, as
// infra/build.mk's LAMBDA_GOFLAGS spells them (a test keeps them equal):
// the baseline is built with them too.
const LambdaGoFlags = "-tags lambda.norpc -trimpath -buildvcs=false -ldflags='-s -w -buildid='"

// ColdStart is one function's cold starts: its real bootstrap started
// under the Runtime API host on loopback, from process start to its
// first response, Runs times.
type ColdStart struct {
	Function    string  `json:"function"` // logical ID, or Baseline
	Arch        string  `json:"arch"`     // of the binary run here
	Bytes       int64   `json:"bytes"`
	DeployBytes int64   `json:"deployBytes,omitempty"` // linux/arm64, as deployed
	Runs        int     `json:"runs"`
	InitMs      float64 `json:"initMedianMs"`  // process start → first GET …/next
	FirstMs     float64 `json:"firstMedianMs"` // process start → first response
	FirstMinMs  float64 `json:"firstMinMs"`
	FirstMaxMs  float64 `json:"firstMaxMs"`
	Ratio       float64 `json:"ratioToBaseline"`
	// PackageInitMs is when Go's package initialisation ended: the median
	// of tracedRuns more starts with GODEBUG=inittrace=1 (not among Runs).
	PackageInitMs float64 `json:"packageInitMs"`
	FirstRequest  string  `json:"firstRequest"`
	Outcome       string  `json:"outcome"` // the first response's status, or its error type
}

// Deployed is the size as deployed (arm64), or as built here when the
// arm64 build was not made.
func (c ColdStart) Deployed() int64 {
	if c.DeployBytes > 0 {
		return c.DeployBytes
	}
	return c.Bytes
}

// Binary is a built bootstrap.
type Binary struct {
	Function string // logical ID, or Baseline
	Path     string
	Bytes    int64
	Args     []string // none for a bootstrap; tests start their own binary
	Env      []string // added to the function's environment
}

// Functions lists the logical IDs of the functions under functions/ (as
// build-<LogicalId> maps them: functions/session → SessionFunction).
func Functions(root string) ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "functions", "*", "main.go"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dirs {
		stem := filepath.Base(filepath.Dir(d))
		out = append(out, strings.ToUpper(stem[:1])+stem[1:]+"Function")
	}
	return out, nil
}

// Build builds every function with `make build-<LogicalId>` for linux on
// arch into dir/<arch>/<LogicalId>/bootstrap, exactly as sam build does
// (but for arch), and the baseline with the same flags.
func Build(ctx context.Context, root, dir, arch string) ([]Binary, error) {
	ids, err := Functions(root)
	if err != nil {
		return nil, err
	}
	var out []Binary
	for _, id := range ids {
		art := filepath.Join(dir, arch, id)
		cmd := exec.CommandContext(ctx, "make", "--no-print-directory", "build-"+id, "ARTIFACTS_DIR="+art, "LAMBDA_ARCH="+arch)
		cmd.Env = withoutMakeVars(os.Environ())
		b, err := built(cmd, root, id, arch, art)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	base, err := BuildBaseline(ctx, root, dir, arch)
	return append(out, base...), err
}

// BuildBaseline builds the bare handler with the functions' flags.
func BuildBaseline(ctx context.Context, root, dir, arch string) ([]Binary, error) {
	art := filepath.Join(dir, arch, Baseline)
	args := append([]string{"build"}, splitFlags(LambdaGoFlags)...)
	cmd := exec.CommandContext(ctx, "go", append(args, "-o", filepath.Join(art, "bootstrap"), BaselinePackage)...)
	cmd.Env = append(withoutMakeVars(os.Environ()), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	b, err := built(cmd, root, Baseline, arch, art)
	return []Binary{b}, err
}

func built(cmd *exec.Cmd, root, id, arch, art string) (Binary, error) {
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return Binary{}, fmt.Errorf("build %s for %s: %w\n%s", id, arch, err, out)
	}
	path := filepath.Join(art, "bootstrap")
	fi, err := os.Stat(path)
	if err != nil {
		return Binary{}, err
	}
	return Binary{Function: id, Path: path, Bytes: fi.Size()}, nil
}

// withoutMakeVars drops what a surrounding make (make bench) passes down,
// so the build rule runs as it does for sam build.
func withoutMakeVars(env []string) []string {
	var out []string
	for _, kv := range env {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES", "ARTIFACTS_DIR", "LAMBDA_ARCH":
			continue
		}
		out = append(out, kv)
	}
	return out
}

// splitFlags splits make's spelling of flags into arguments: on spaces,
// except inside single quotes, which it removes.
func splitFlags(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, have := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, have = !quoted, true
		case r == ' ' && !quoted:
			if have {
				out = append(out, cur.String())
			}
			cur.Reset()
			have = false
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// invocation makes the first event of a function for run i: a request of
// its own, prepared through the in-process API, described by what.
type invocation func(ctx context.Context, s *System) (what string, event []byte, err error)

// firstRequests are the events the functions' cold starts answer. Each is
// a common request that reaches DynamoDB, so the SDK's first call is in
// the figure; a function not listed gets API Gateway's $default route.
func firstRequests(ctx context.Context, s *System) (map[string]invocation, error) {
	a, t, check, err := s.Submitted(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.Standard(ctx)
	if err != nil {
		return nil, err
	}
	letterID, _, err := s.Letter(ctx, p)
	if err != nil {
		return nil, err
	}
	op, err := s.Operator(ctx)
	if err != nil {
		return nil, err
	}
	api := func(r Request) (string, []byte, error) {
		b, err := json.Marshal(s.Event(r))
		return r.Method + " " + strings.Split(r.Path, "?")[0], b, err
	}
	return map[string]invocation{
		"RegistrationFunction": func(context.Context, *System) (string, []byte, error) {
			phone, _, _ := Fresh()
			return api(Request{Method: "POST", Path: "/v1/registrations",
				Body: fmt.Sprintf(`{"surname":"Иванова","givenName":"Анна","phone":%q,"termsVersion":"2026-01"}`, phone)})
		},
		"SessionFunction": func(ctx context.Context, s *System) (string, []byte, error) {
			t, err := s.Login(ctx, a)
			if err != nil {
				return "", nil, err
			}
			return api(Request{Method: "POST", Path: "/v1/sessions/refresh", Body: fmt.Sprintf(`{"refreshToken":%q}`, t.Refresh)})
		},
		"AccountFunction": func(context.Context, *System) (string, []byte, error) {
			return api(Request{Method: "GET", Path: "/v1/me", Header: t.Bearer()})
		},
		"ConfirmationFunction": func(context.Context, *System) (string, []byte, error) {
			return api(Request{Method: "GET", Path: "/v1/me/letters/" + letterID, Header: p.Bearer()})
		},
		"CatalogueFunction": func(context.Context, *System) (string, []byte, error) {
			return api(Request{Method: "GET", Path: "/v1/services/tax-personal-account/access", Header: t.Bearer()})
		},
		"OperatorFunction": func(context.Context, *System) (string, []byte, error) {
			return api(Request{Method: "POST", Path: "/v1/operator/account-searches", Operator: op, Body: fmt.Sprintf(`{"snils":%q}`, p.SNILS)})
		},
		"RecoveryFunction": func(context.Context, *System) (string, []byte, error) {
			phone, _, _ := Fresh() // no account: the same answer, a decoy
			return api(Request{Method: "POST", Path: "/v1/recovery", Body: fmt.Sprintf(`{"login":%q}`, phone)})
		},
		"TasksFunction": func(context.Context, *System) (string, []byte, error) {
			b, err := json.Marshal(map[string]string{"task": "CheckSnils", "accountId": a.ID, "checkId": check, "token": "bench-" + randomHex(8)})
			return "task CheckSnils", b, err
		},
		Baseline: func(context.Context, *System) (string, []byte, error) {
			return api(Request{Method: "GET", Path: "/"})
		},
	}, nil
}

// MeasureColdStarts starts each binary runs times under a fresh Runtime
// API host, with the environment make run gives the functions, and
// records its init and first response. The runs go round the binaries
// in turn, so that a busy spell of a shared machine falls on all alike;
// the ratio is to the baseline's median first response.
func MeasureColdStarts(ctx context.Context, s *System, bins []Binary, runs int) ([]ColdStart, error) {
	first, err := firstRequests(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("prepare first requests: %w", err)
	}
	invs := make([]invocation, len(bins))
	out := make([]ColdStart, len(bins))
	inits, firsts := make([][]time.Duration, len(bins)), make([][]time.Duration, len(bins))
	for i, b := range bins {
		inv, ok := first[b.Function]
		if !ok {
			inv = func(context.Context, *System) (string, []byte, error) {
				b, err := json.Marshal(s.Event(Request{Method: "GET", Path: "/"}))
				return "$default", b, err
			}
		}
		invs[i] = inv
		out[i] = ColdStart{Function: b.Function, Arch: runtime.GOARCH, Bytes: b.Bytes, Runs: runs}
	}
	// Then a few more each, traced, for when package init ended (the
	// trace's printing would slow the measured starts).
	traced := make([][]time.Duration, len(bins))
	for run := range runs + tracedRuns {
		for i, b := range bins {
			what, ev, err := invs[i](ctx, s)
			if err != nil {
				return nil, fmt.Errorf("%s: prepare: %w", b.Function, err)
			}
			var trace []string
			if run >= runs {
				trace = []string{"GODEBUG=inittrace=1"}
			}
			init, firstAt, outcome, logs, err := coldStart(ctx, s, b, ev, trace...)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", b.Function, err)
			}
			if run >= runs {
				traced[i] = append(traced[i], time.Duration(PackageInitEnd(logs)*float64(time.Millisecond)))
				continue
			}
			out[i].FirstRequest, out[i].Outcome = what, outcome
			inits[i], firsts[i] = append(inits[i], init), append(firsts[i], firstAt)
		}
	}
	var base float64
	for i := range out {
		out[i].InitMs, out[i].FirstMs = ms(Percentile(inits[i], 50)), ms(Percentile(firsts[i], 50))
		out[i].FirstMinMs, out[i].FirstMaxMs = ms(Percentile(firsts[i], 0)), ms(Percentile(firsts[i], 100))
		out[i].PackageInitMs = ms(Percentile(traced[i], 50))
		if out[i].Function == Baseline {
			base = out[i].FirstMs
		}
	}
	for i := range out {
		if base > 0 {
			out[i].Ratio = out[i].FirstMs / base
		}
	}
	return out, nil
}

// coldStart runs the bootstrap once: the event is queued before the
// process starts, so the first GET …/next gets it at once.
func coldStart(ctx context.Context, s *System, b Binary, event []byte, env ...string) (init, first time.Duration, outcome, output string, err error) {
	rt := local.NewRuntime("arn:aws:lambda:" + local.Region + ":" + local.AccountID + ":function:portalid-" + b.Function)
	srv, err := local.Serve(rt, 0)
	if err != nil {
		return 0, 0, "", "", err
	}
	defer func() { _ = srv.Shutdown(context.Background()) }()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	wait, err := rt.Enqueue(ctx, event)
	if err != nil {
		return 0, 0, "", "", err
	}
	type result struct {
		res local.RuntimeResult
		err error
	}
	got := make(chan result, 1)
	go func() {
		res, err := wait(ctx)
		got <- result{res, err}
	}()
	var logs bytes.Buffer
	cmd := exec.Command(b.Path, b.Args...)
	cmd.Dir = filepath.Dir(b.Path)
	cmd.Env = append(append(s.FunctionEnv(b.Function, strings.TrimPrefix(srv.URL(), "http://")), b.Env...), env...)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, "", "", err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// logs may be read once Wait has returned (its copying is done).
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	select {
	case r := <-got:
		stop()
		if r.err != nil {
			return 0, 0, "", "", fmt.Errorf("first invocation: %w\n%s", r.err, tail(logs.String()))
		}
		return rt.FirstPoll().Sub(t0), r.res.At.Sub(t0), outcomeOf(r.res), logs.String(), nil
	case err := <-exited:
		return 0, 0, "", "", fmt.Errorf("exited before answering (%v):\n%s", err, tail(logs.String()))
	case <-ctx.Done():
		stop()
		return 0, 0, "", "", errors.New("no answer in 30 s")
	}
}

var initTrace = regexp.MustCompile(`(?m)^init \S+ @([0-9.]+) ms, ([0-9.]+) ms clock`)

// PackageInitEnd is when the last package init of a GODEBUG=inittrace=1
// trace ended, in ms from process start.
func PackageInitEnd(trace string) float64 {
	end := 0.0
	for _, m := range initTrace.FindAllStringSubmatch(trace, -1) {
		at, _ := strconv.ParseFloat(m[1], 64)
		clock, _ := strconv.ParseFloat(m[2], 64)
		end = max(end, at+clock)
	}
	return end
}

// outcomeOf is the status of an API response, or the error type.
func outcomeOf(r local.RuntimeResult) string {
	if r.Error {
		return "error " + r.ErrorType
	}
	var api struct {
		Status int `json:"statusCode"`
	}
	if json.Unmarshal(r.Payload, &api) == nil && api.Status != 0 {
		return fmt.Sprint(api.Status)
	}
	return "ok"
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

// FunctionEnv is a function process's whole environment: what Lambda
// sets, and what make run gives the app (endpoints, table, local key
// files, mail outbox, the state machine; Step Functions is the bench's
// stand-in, as for the in-process app). Nothing else of the bench's
// environment leaks in.
func (s *System) FunctionEnv(function, runtimeAPI string) []string {
	env := []string{
		"AWS_LAMBDA_RUNTIME_API=" + runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME=portalid-" + function,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_LOG_FORMAT=JSON",
		"AWS_LAMBDA_LOG_LEVEL=INFO",
		"_HANDLER=bootstrap",
		"TZ=:UTC",
		"TABLE_NAME=" + s.Table,
		"LOCAL_KEYS_FILE=" + s.Config.LocalKeysFile,
		"LOCAL_SIGNING_KEY_FILE=" + s.Config.LocalSigningKeyFile,
		"MAIL_OUTBOX=" + s.mail,
		"AWS_ENDPOINT_URL_SFN=" + s.SFNURL,
		"IDENTITY_CHECK_STATE_MACHINE_ARN=" + s.Config.IdentityCheckStateMachineARN,
		"POSTAL_LETTER_STATE_MACHINE_ARN=" + s.Config.PostalLetterStateMachineARN,
		"SIGNATURE_TRUST_LIST=" + s.Config.Signature.TrustList,
		"LETTER_OUTBOX=" + s.letters,
	}
	return append(env, local.Env(os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"), s.SNSURL)...)
}
