package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/testenv"
	"github.com/portalid/portalid/internal/token"
)

// system is the whole API as app.New wires it for Lambda, over DynamoDB
// Local, the fake SNS and a mail outbox.
type system struct {
	api       *httpapi.API
	db        *dynamodb.Client
	table     string
	smsOutbox string
	logs      *flowtest.Logs
	metrics   *flowtest.Logs // EMF lines (internal/metric)
	keysFile  string         // the master key, for tests that act beside the API
	// The wiring app.New was given, for tests that build one function's
	// API, or the task function, over the same table and outboxes.
	cfg    config.Config
	awsCfg aws.Config
	opts   app.Options
}

func newSystem(t *testing.T) *system { return newSystemWith(t, nil) }

// newSystemWith is newSystem with the configuration and options adjusted
// by adjust before app.New.
func newSystemWith(t *testing.T, adjust func(*config.Config, *app.Options)) *system {
	t.Helper()
	db, table := testenv.DynamoDB(t)
	dir := t.TempDir()
	s := &system{db: db, table: table, smsOutbox: filepath.Join(dir, "sms.jsonl"), logs: &flowtest.Logs{}, metrics: &flowtest.Logs{}, keysFile: filepath.Join(dir, "keys")}
	fakeSNS := httptest.NewServer(local.NewSNS(s.smsOutbox))
	t.Cleanup(fakeSNS.Close)
	if err := cipher.GenerateKeyFile(filepath.Join(dir, "keys")); err != nil {
		t.Fatal(err)
	}
	if err := token.GenerateKeyFile(filepath.Join(dir, "signing.pem")); err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.TableName = table
	cfg.LocalKeysFile = filepath.Join(dir, "keys")
	cfg.LocalSigningKeyFile = filepath.Join(dir, "signing.pem")
	cfg.MailOutbox = filepath.Join(dir, "mail.jsonl")
	cfg.Password.Argon2MemKiB, cfg.Password.Argon2Time = 64, 1
	ctx := context.Background()
	awsCfg, err := local.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	opts := app.Options{
		DynamoDB: []func(*dynamodb.Options){func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true }},
		SNS:      []func(*sns.Options){func(o *sns.Options) { o.BaseEndpoint = aws.String(fakeSNS.URL) }},
		Logger:   slog.New(slog.NewJSONHandler(s.logs, nil)),
		Metrics:  metric.New(s.metrics, "", "test", time.Now),
	}
	if adjust != nil {
		adjust(&cfg, &opts)
	}
	s.cfg, s.awsCfg, s.opts = cfg, awsCfg, opts
	s.api, err = app.New(ctx, cfg, awsCfg, opts)
	if err != nil {
		t.Fatalf("app.New() error = %v", err)
	}
	return s
}

// event builds an API Gateway v2 request from the fixture, the way API
// Gateway would for method and path.
func event(t testing.TB, method, path, body string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	raw, err := os.ReadFile("testdata/apigw-v2-request.json")
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	key, params, _ := httpapi.Match(method, path)
	req.RouteKey, req.RequestContext.RouteKey = key, key
	req.RawPath, req.RequestContext.HTTP.Path = path, path
	req.RequestContext.HTTP.Method = method
	req.PathParameters = params
	req.Body = body
	return req
}

func (s *system) do(t testing.TB, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, map[string]any) {
	t.Helper()
	res, err := s.api.Handle(context.Background(), req)
	if err != nil {
		t.Fatalf("Handle() error = %v, want nil (handlers never fail)", err)
	}
	conform(t, req, res)
	var body map[string]any
	if res.Body != "" {
		if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
			t.Fatalf("response body is not JSON: %v", err)
		}
	}
	return res, body
}

var smsCode = regexp.MustCompile(`\b\d{6}\b`)

func (s *system) lastSMSCode(t testing.TB, to string) string {
	t.Helper()
	msgs := s.smsTo(t, to)
	for i := len(msgs) - 1; i >= 0; i-- {
		if c := smsCode.FindString(msgs[i]); c != "" {
			return c
		}
	}
	t.Fatalf("no SMS code in the outbox")
	return ""
}

// smsTo returns the texts of the SMS sent to a phone, oldest first.
func (s *system) smsTo(t testing.TB, to string) []string {
	t.Helper()
	entries, err := local.ReadOutbox(s.smsOutbox)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.To == to {
			out = append(out, e.Message)
		}
	}
	return out
}

func (s *system) items(t testing.TB) int32 {
	t.Helper()
	res, err := s.db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(s.table), Select: types.SelectCount, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return res.Count
}

func TestRegistrationOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	res, body := s.do(t, event(t, "POST", "/v1/registrations",
		`{"surname":"Иванова","givenName":"Анна","phone":"+7 912 345-67-89","termsVersion":"2026-01"}`))
	if res.StatusCode != http.StatusCreated || res.Headers["content-type"] != "application/json" {
		t.Fatalf("start = %d %s %s, want 201 JSON", res.StatusCode, res.Headers["content-type"], res.Body)
	}
	id, _ := body["registrationId"].(string)
	contacts, _ := body["contacts"].([]any)
	if id == "" || len(contacts) != 1 {
		t.Fatalf("start body = %s, want a registrationId and one contact", res.Body)
	}
	code := s.lastSMSCode(t, "+79123456789")

	res, _ = s.do(t, event(t, "POST", "/v1/registrations/"+id+"/confirm", `{"code":"`+code+`"}`))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("confirm = %d %s, want 200", res.StatusCode, res.Body)
	}
	res, body = s.do(t, event(t, "POST", "/v1/registrations/"+id+"/password", `{"password":"Lantern-Orbit-47"}`))
	if res.StatusCode != http.StatusCreated || body["level"] != "simplified" || body["accountId"] == "" {
		t.Fatalf("password = %d %s, want 201 with a simplified account", res.StatusCode, res.Body)
	}
	for _, secret := range []string{code, "Lantern-Orbit-47", "+79123456789", "9123456789", "Иванова"} {
		if strings.Contains(s.logs.String(), secret) {
			t.Errorf("logs contain a code, password or personal data")
		}
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	const canary = "Canary-7f3a91"
	valid := `{"surname":"Иванова","givenName":"Анна","phone":"+79123456789","termsVersion":"1"}`
	tests := []struct {
		name, method, path, body string
		contentType              string
		status                   int
		typ                      string
		pointers                 []string
	}{
		{"malformed JSON", "POST", "/v1/registrations", `{"surname":`, "", 400, "malformed-json", nil},
		{"trailing data", "POST", "/v1/registrations", valid + ` {}`, "", 400, "malformed-json", nil},
		{"not an object", "POST", "/v1/registrations", `["x"]`, "", 400, "validation-failed", []string{""}},
		{"unknown field", "POST", "/v1/registrations", `{"surname":"Иванова","admin":true}`, "", 400, "validation-failed", []string{"/admin"}},
		{"wrong type", "POST", "/v1/registrations", `{"surname":12,"givenName":"Анна"}`, "", 400, "validation-failed", []string{"/surname"}},
		{"body over 16 KiB", "POST", "/v1/registrations", `{"surname":"` + strings.Repeat("а", 9000) + `"}`, "", 413, "body-too-large", nil},
		{"not JSON content", "POST", "/v1/registrations", valid, "text/plain", 400, "unsupported-media-type", nil},
		{"bad phone", "POST", "/v1/registrations", `{"surname":"Иванова","givenName":"Анна","phone":"` + canary + `","termsVersion":"1"}`, "", 400, "validation-failed", []string{"/phone"}},
		{"bad e-mail", "POST", "/v1/registrations", `{"surname":"Иванова","givenName":"Анна","email":"` + canary + `@","termsVersion":"1"}`, "", 400, "validation-failed", []string{"/email"}},
		{"bad name", "POST", "/v1/registrations", `{"surname":"` + canary + `","givenName":"Анна","phone":"+79123456789","termsVersion":"1"}`, "", 400, "validation-failed", []string{"/surname"}},
		{"no contact, no terms", "POST", "/v1/registrations", `{"surname":"Иванова","givenName":"Анна"}`, "", 400, "validation-failed", []string{"/phone", "/termsVersion"}},
		{"unknown registration", "POST", "/v1/registrations/aaaaaaaaaaaaaaaaaaaaaaaaaa/confirm", `{"code":"123456"}`, "", 404, "registration-not-found", nil},
		{"malformed code", "POST", "/v1/registrations/aaaaaaaaaaaaaaaaaaaaaaaaaa/confirm", `{"code":"` + canary + `"}`, "", 400, "validation-failed", []string{"/code"}},
		{"bad password", "POST", "/v1/registrations/aaaaaaaaaaaaaaaaaaaaaaaaaa/password", `{"password":` + `12345678` + `}`, "", 400, "validation-failed", []string{"/password"}},
		{"unknown route", "GET", "/v1/nothing-here", "", "", 404, "route-not-found", nil},
		{"wrong method", "GET", "/v1/registrations", "", "", 405, "method-not-allowed", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := event(t, tt.method, tt.path, tt.body)
			if tt.contentType != "" {
				req.Headers["content-type"] = tt.contentType
			}
			s.badRequest(t, req, tt.status, tt.typ, tt.pointers, canary)
		})
	}
	if res, _ := s.do(t, event(t, "GET", "/v1/registrations", "")); res.Headers["allow"] != "POST" {
		t.Errorf("405 Allow = %q, want POST", res.Headers["allow"])
	}
}

// badRequest sends a request that must fail: a problem+json answer with
// the status, type and field pointers, the canary echoed nowhere, and the
// table unchanged.
func (s *system) badRequest(t *testing.T, req events.APIGatewayV2HTTPRequest, status int, typ string, pointers []string, canary string) {
	t.Helper()
	before := s.items(t)
	res, body := s.do(t, req)
	if res.StatusCode != status || res.Headers["content-type"] != "application/problem+json" {
		t.Fatalf("%s = %d %q %s, want %d problem+json", req.RouteKey, res.StatusCode, res.Headers["content-type"], res.Body, status)
	}
	if body["type"] != httpapi.ProblemBase+typ || body["status"] != float64(status) || body["title"] == "" {
		t.Errorf("problem = %s, want type %s with a title", res.Body, typ)
	}
	var got []string
	errs, _ := body["errors"].([]any)
	for _, e := range errs {
		got = append(got, e.(map[string]any)["pointer"].(string))
	}
	if strings.Join(got, ",") != strings.Join(pointers, ",") {
		t.Errorf("problem pointers = %v, want %v", got, pointers)
	}
	if strings.Contains(res.Body, canary) || strings.Contains(s.logs.String(), canary) {
		t.Errorf("the input value was echoed in the response or logs")
	}
	if after := s.items(t); after != before {
		t.Errorf("bad request changed the table (%d items, was %d)", after, before)
	}
}

func TestBase64Body(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	req := event(t, "POST", "/v1/registrations", base64.StdEncoding.EncodeToString(
		[]byte(`{"surname":"Petrova","givenName":"Olga","email":"olga@example.org","termsVersion":"1"}`)))
	req.IsBase64Encoded = true
	if res, _ := s.do(t, req); res.StatusCode != http.StatusCreated {
		t.Fatalf("base64 body = %d %s, want 201", res.StatusCode, res.Body)
	}
}

func TestRateLimitedHasRetryAfter(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	res, body := s.do(t, event(t, "POST", "/v1/registrations",
		`{"surname":"Иванова","givenName":"Анна","phone":"+79123456789","termsVersion":"1"}`))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("start = %d %s", res.StatusCode, res.Body)
	}
	res, body = s.do(t, event(t, "POST", "/v1/registrations/"+body["registrationId"].(string)+"/resend", ""))
	if res.StatusCode != http.StatusTooManyRequests || body["type"] != httpapi.ProblemBase+"resend-too-soon" {
		t.Fatalf("immediate resend = %d %s, want 429 resend-too-soon", res.StatusCode, res.Body)
	}
	if ra := res.Headers["retry-after"]; ra != "60" && ra != "59" {
		t.Errorf("Retry-After = %q, want about 60", ra)
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	body := `{"surname":"Иванова","givenName":"Анна","phone":"+79123456780","termsVersion":"1"}`
	withKey := func(key, body string) events.APIGatewayV2HTTPRequest {
		req := event(t, "POST", "/v1/registrations", body)
		req.Headers["idempotency-key"] = key
		return req
	}
	first, _ := s.do(t, withKey("key-1", body))
	again, _ := s.do(t, withKey("key-1", body))
	if first.StatusCode != http.StatusCreated || again.StatusCode != first.StatusCode || again.Body != first.Body {
		t.Fatalf("repeat = %d %s, want the first answer %d %s", again.StatusCode, again.Body, first.StatusCode, first.Body)
	}
	if again.Headers["idempotent-replayed"] != "true" {
		t.Errorf("repeat not marked as replayed")
	}
	other, b := s.do(t, withKey("key-1", strings.Replace(body, "Анна", "Ольга", 1)))
	if other.StatusCode != http.StatusConflict || b["type"] != httpapi.ProblemBase+"idempotency-key-reused" {
		t.Errorf("same key, other body = %d %s, want 409 idempotency-key-reused", other.StatusCode, other.Body)
	}
	entries, err := local.ReadOutbox(s.smsOutbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("%d SMS sent for one request sent twice, want 1", len(entries))
	}

	// Ten copies at once: one runs, the others wait their turn or replay.
	var mu sync.Mutex
	statuses := map[int]int{}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, _ := s.do(t, withKey("key-2", strings.Replace(body, "80", "81", 1)))
			mu.Lock()
			statuses[res.StatusCode]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if statuses[http.StatusCreated]+statuses[http.StatusConflict] != 10 || statuses[http.StatusCreated] < 1 {
		t.Errorf("statuses = %v, want only 201 and 409", statuses)
	}
	entries, _ = local.ReadOutbox(s.smsOutbox)
	if len(entries) != 2 {
		t.Errorf("%d SMS in all, want 2: ten copies of one request send once", len(entries))
	}
	if res, b := s.do(t, withKey(strings.Repeat("k", 300), body)); res.StatusCode != 400 || b["type"] != httpapi.ProblemBase+"idempotency-key-invalid" {
		t.Errorf("oversized key = %d %s, want 400 idempotency-key-invalid", res.StatusCode, res.Body)
	}
}
