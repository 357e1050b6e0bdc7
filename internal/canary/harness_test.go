package canary_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/portalid/portalid/internal/bench"
	"github.com/portalid/portalid/internal/canary"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/logging"
)

// simDay is a simulated day of the workflows: the registries and the
// postal simulator answer within milliseconds, long before any of the
// workflows' timeouts (5 days: 10 s) or the letter's reminder (14 days).
const simDay = 2 * time.Second

// run is one canary run: the whole system (bench.System, with the real
// workflows on the local Step Functions), and everything it wrote.
type run struct {
	t       *testing.T
	s       *bench.System
	sfn     *local.SFN
	client  *sfn.Client
	scanner *canary.Scanner
	logs    *flowtest.Logs
	metrics *flowtest.Logs

	mu         sync.Mutex
	seq        atomic.Int64
	items      []canary.Item   // the responses, in order
	succeeded  map[string]bool // route keys answered with a success
	executions []string        // ARNs of every execution started
}

func newRun(t *testing.T) *run {
	t.Helper()
	if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("the canary test needs the emulators: go run ./infra/local exec -- go test ./internal/canary")
		}
		t.Skip("AWS_ENDPOINT_URL_DYNAMODB is unset: run under go run ./infra/local exec")
	}
	sf, _ := flowtest.StepFunctions(t)
	r := &run{t: t, sfn: sf, succeeded: map[string]bool{}, logs: &flowtest.Logs{}, metrics: &flowtest.Logs{}, scanner: canary.NewScanner()}
	// Every StartExecution passes through here, so that every execution
	// is read back, whoever started it.
	srv, err := local.Serve(http.HandlerFunc(r.recordStart), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	cfg, err := local.AWSConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r.client = sfn.NewFromConfig(cfg, func(o *sfn.Options) { o.BaseEndpoint = aws.String(srv.URL()) })

	// Lambda's mains make the redacting logger the default: whatever is
	// handed no logger (or uses the log package) writes there. Debug, the
	// most an operator can switch on.
	prev := slog.Default()
	slog.SetDefault(logging.New(r.logs, slog.LevelDebug))
	t.Cleanup(func() { slog.SetDefault(prev) })
	s, err := bench.NewSystemWith(t.Context(), t.TempDir(), bench.SystemOptions{
		Log: r.logs, LogLevel: slog.LevelDebug, Metrics: r.metrics, StepFunctions: srv.URL(),
		Adjust: func(c *config.Config) {
			c.Password.Argon2MemKiB, c.Password.Argon2Time = 64, 1
			c.Identity.RegistryLatency = 20 * time.Millisecond
			c.Letter.TrackingDelay, c.Letter.DeliveryDelay = 20*time.Millisecond, 40*time.Millisecond
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	r.s = s
	fn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:canary-tasks", local.Region, local.AccountID)
	sf.RegisterTask(fn, s.Tasks().Handle)
	machines := map[string]map[string]string{
		"identity-check": {"TaskFunctionArn": fn, "RegistryTimeoutSeconds": s.Config.Identity.RegistryTimeoutSecondsString()},
		"postal-letter":  {"TaskFunctionArn": fn, "PostalReportTimeoutSeconds": s.Config.Letter.PostalReportTimeoutSecondsString()},
	}
	arns := map[string]string{"identity-check": s.Config.IdentityCheckStateMachineARN, "postal-letter": s.Config.PostalLetterStateMachineARN}
	for name, subs := range machines {
		err := sf.RegisterStateMachine(arns[name], filepath.Join("..", "..", "statemachines", name+".asl.json"), subs,
			local.WithSFNTime(local.SFNTime{Day: simDay}))
		if err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// recordStart notes the execution a StartExecution starts and passes
// every call on to the local Step Functions.
func (r *run) recordStart(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if req.Header.Get("X-Amz-Target") == "AWSStepFunctions.StartExecution" {
		var in struct {
			Machine string `json:"stateMachineArn"`
			Name    string `json:"name"`
		}
		if json.Unmarshal(body, &in) == nil {
			r.mu.Lock()
			if arn := flowtest.ExecutionARN(in.Machine, in.Name); !slices.Contains(r.executions, arn) {
				r.executions = append(r.executions, arn)
			}
			r.mu.Unlock()
		}
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	r.sfn.ServeHTTP(w, req)
}

// response is an API answer, and where the scanner will name it.
type response struct {
	Status int
	Body   string
	Where  string
	JSON   map[string]any
}

// str is the string field key of the body ("" if absent).
func (res response) str(key string) string {
	v, _ := res.JSON[key].(string)
	return v
}

// do sends req through the route table as API Gateway would and keeps the
// answer for the scan.
func (r *run) do(req bench.Request) response {
	r.t.Helper()
	ev := r.s.Event(req)
	res := r.s.Handle(r.t.Context(), ev)
	n := r.seq.Add(1)
	out := response{Status: res.StatusCode, Body: res.Body, Where: fmt.Sprintf("response #%d %s %d", n, ev.RouteKey, res.StatusCode)}
	_ = json.Unmarshal([]byte(res.Body), &out.JSON)
	sink := canary.Body
	if res.StatusCode >= 400 {
		sink = canary.Problem
	}
	var h strings.Builder
	for k, v := range res.Headers {
		fmt.Fprintf(&h, "%s: %s\n", k, v)
	}
	for k, vs := range res.MultiValueHeaders {
		fmt.Fprintf(&h, "%s: %s\n", k, strings.Join(vs, ", "))
	}
	for _, c := range res.Cookies {
		fmt.Fprintf(&h, "set-cookie: %s\n", c)
	}
	r.mu.Lock()
	r.succeeded[ev.RouteKey] = r.succeeded[ev.RouteKey] || sink == canary.Body
	r.items = append(r.items,
		canary.Item{Sink: sink, Where: out.Where, Route: ev.RouteKey, Text: res.Body},
		canary.Item{Sink: canary.Header, Where: out.Where, Route: ev.RouteKey, Text: h.String()})
	r.mu.Unlock()
	return out
}

// ok is do, failing the test unless the answer is a success.
func (r *run) ok(req bench.Request) response {
	r.t.Helper()
	res := r.do(req)
	if res.Status < 200 || res.Status > 299 {
		// The slug only: the body may hold a canary.
		r.t.Fatalf("%s %s = %d (%s), want a success", req.Method, req.Path, res.Status, slug(res))
	}
	return res
}

func slug(res response) string {
	t := res.str("type")
	return t[strings.LastIndex(t, "/")+1:]
}

// body is v as JSON.
func body(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// tokens are a sign-in's tokens; the answer that issued them is their
// Home.
type tokens struct{ access, refresh string }

func (t tokens) bearer() map[string]string {
	return map[string]string{"authorization": "Bearer " + t.access}
}

// keep notes the tokens res issued as needles at home in res.
func (r *run) keep(res response) tokens {
	r.t.Helper()
	t := tokens{access: res.str("accessToken"), refresh: res.str("refreshToken")}
	if t.access == "" || t.refresh == "" {
		r.t.Fatalf("%s issued no tokens", res.Where)
	}
	for name, v := range map[string]string{
		"access token": t.access, "access token signature": t.access[strings.LastIndex(t.access, ".")+1:],
		"refresh token": t.refresh, "refresh token secret": t.refresh[strings.LastIndex(t.refresh, ".")+1:],
	} {
		r.scanner.Add(&canary.Needle{Name: name + " of " + res.Where, Kind: name, Class: canary.Token, Value: v, Home: res.Where})
	}
	return t
}

// outbox reads an outbox: one item per line, where "<sink> line <n>".
func outbox(path string, sink canary.Sink) ([]canary.Item, []local.OutboxEntry) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil
	}
	var items []canary.Item
	var entries []local.OutboxEntry
	for i, line := range strings.Split(strings.TrimRight(string(raw), "\n"), "\n") {
		if line == "" {
			continue
		}
		var e local.OutboxEntry
		_ = json.Unmarshal([]byte(line), &e)
		entries = append(entries, e)
		items = append(items, canary.Item{Sink: sink, Where: fmt.Sprintf("%s line %d", sink, i+1), Text: line})
	}
	return items, entries
}

func (r *run) smsPath() string { return filepath.Join(r.s.Dir, "sms-outbox.jsonl") }

var (
	sixDigits  = regexp.MustCompile(`\b\d{6}\b`)
	linkToken  = regexp.MustCompile(`[?&#]token=([^&\s"]+)`)
	letterCode = regexp.MustCompile(`\b[0-9A-Z]{5}-[0-9A-Z]{5}\b`)
)

// lastCode is the code (or link token) in the latest message to address.
func (r *run) lastCode(address string) string {
	r.t.Helper()
	path, sink := r.smsPath(), canary.SMS
	if strings.Contains(address, "@") {
		path, sink = r.s.Config.MailOutbox, canary.Mail
	}
	_, entries := outbox(path, sink)
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].To != address {
			continue
		}
		if m := linkToken.FindStringSubmatch(entries[i].Message); m != nil {
			v, _ := url.QueryUnescape(m[1])
			return v
		}
		if c := sixDigits.FindString(entries[i].Message); c != "" {
			return c
		}
	}
	r.t.Fatalf("no code was sent to person contact")
	return ""
}

// captureCodes makes a needle of every code, link token and letter code
// the outboxes delivered, at home in its message only.
func (r *run) captureCodes() []canary.Item {
	var all []canary.Item
	for _, o := range []struct {
		path string
		sink canary.Sink
	}{{r.smsPath(), canary.SMS}, {r.s.Config.MailOutbox, canary.Mail}, {r.s.Config.LetterOutbox, canary.LetterOutbox}} {
		items, entries := outbox(o.path, o.sink)
		for i, e := range entries {
			home := items[i].Where
			// A letter's 6-digit runs are its postcode; its code is
			// the grouped one.
			for _, c := range sixDigits.FindAllString(e.Message, -1) {
				if o.sink == canary.LetterOutbox {
					break
				}
				r.scanner.Add(&canary.Needle{Name: "code in " + home, Kind: "code", Class: canary.Code, Value: c, Exact: true, Home: home})
			}
			for _, m := range linkToken.FindAllStringSubmatch(e.Message, -1) {
				v, _ := url.QueryUnescape(m[1])
				r.scanner.Add(&canary.Needle{Name: "link token in " + home, Kind: "link token", Class: canary.Code, Value: v, Home: home})
			}
			for _, c := range letterCode.FindAllString(e.Message, -1) {
				r.scanner.Add(&canary.Needle{Name: "letter code in " + home, Kind: "letter code", Class: canary.Code, Value: c, Home: home},
					&canary.Needle{Name: "letter code (ungrouped) in " + home, Kind: "letter code", Class: canary.Code, Value: strings.ReplaceAll(c, "-", ""), Home: home})
			}
		}
		all = append(all, items...)
	}
	return all
}

// lines splits a captured stream into one item per line.
func lines(sink canary.Sink, text string) []canary.Item {
	var out []canary.Item
	for i, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if l != "" {
			out = append(out, canary.Item{Sink: sink, Where: fmt.Sprintf("%s line %d", sink, i+1), Text: l})
		}
	}
	return out
}

// executionItems waits for every execution to end and returns its
// description (input, output) and its full history, as one item each.
func (r *run) executionItems(ctx context.Context) []canary.Item {
	r.t.Helper()
	r.mu.Lock()
	arns := slices.Clone(r.executions)
	r.mu.Unlock()
	var out []canary.Item
	for _, arn := range arns {
		wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
		_, err := r.sfn.Wait(wctx, arn)
		cancel()
		if err != nil {
			r.t.Fatalf("execution %s: %v", arn, err)
		}
		d, err := r.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			r.t.Fatalf("DescribeExecution %s: %v", arn, err)
		}
		desc, _ := json.Marshal(d)
		out = append(out, canary.Item{Sink: canary.Execution, Where: "execution " + arn + " input/output", Text: string(desc)})
		var b strings.Builder
		p := sfn.NewGetExecutionHistoryPaginator(r.client, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), IncludeExecutionData: aws.Bool(true)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				r.t.Fatalf("GetExecutionHistory %s: %v", arn, err)
			}
			for _, e := range page.Events {
				raw, _ := json.Marshal(e)
				b.Write(raw)
				b.WriteByte('\n')
			}
		}
		out = append(out, canary.Item{Sink: canary.Execution, Where: "execution " + arn + " history", Text: b.String()})
	}
	return out
}

// tableItems scans the whole table: every item as JSON (binary values
// base64, which the needles' base64 forms match), and the events again as
// the Event sink.
func (r *run) tableItems(ctx context.Context) []canary.Item {
	r.t.Helper()
	var out []canary.Item
	p := dynamodb.NewScanPaginator(r.s.DB, &dynamodb.ScanInput{TableName: aws.String(r.s.Table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			r.t.Fatalf("scan: %v", err)
		}
		for _, it := range page.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(it, &m); err != nil {
				r.t.Fatalf("unmarshal item: %v", err)
			}
			raw, _ := json.Marshal(m)
			pk, _ := m["pk"].(string)
			sk, _ := m["sk"].(string)
			where := "item " + key(pk) + " / " + key(sk)
			out = append(out, canary.Item{Sink: canary.Table, Where: where, Text: string(raw)})
			if strings.HasPrefix(sk, "EVENT#") {
				out = append(out, canary.Item{Sink: canary.Event, Where: where, Text: string(raw)})
			}
		}
	}
	return out
}

// key is a table key to name in a hit: its prefix and a short tail, not
// a blind index whole.
func key(k string) string {
	if len(k) > 40 {
		return k[:40] + "…"
	}
	return k
}
