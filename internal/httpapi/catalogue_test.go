package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/catalogue"
	"github.com/portalid/portalid/internal/httpapi"
)

// catalogueAPI is the API over the catalogue alone, as far as the public
// routes need: no table, no keys.
func catalogueAPI(t testing.TB) *httpapi.API {
	t.Helper()
	c, err := catalogue.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return httpapi.New(httpapi.Services{Catalogue: c, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
}

// get is a GET request with query parameters as API Gateway passes them
// (decoded, repeated ones joined by commas).
func get(t testing.TB, path string, query map[string]string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	req := event(t, "GET", path, "")
	req.QueryStringParameters = query
	var raw []string
	for k, v := range query {
		raw = append(raw, k+"="+v)
	}
	req.RawQueryString = strings.Join(raw, "&")
	return req
}

func serve(t testing.TB, api *httpapi.API, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, map[string]any) {
	t.Helper()
	return (&system{api: api}).do(t, req)
}

func ids(t testing.TB, body map[string]any, key string) []string {
	t.Helper()
	items, ok := body[key].([]any)
	if !ok {
		t.Fatalf("body has no %q list: %v", key, body)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

func TestDirectoryOverHTTP(t *testing.T) {
	t.Parallel()
	api := catalogueAPI(t)
	res, body := serve(t, api, get(t, "/v1/service-centres", nil))
	if res.StatusCode != http.StatusOK || res.Headers["content-type"] != "application/json" || res.Headers["cache-control"] != httpapi.CatalogueMaxAge {
		t.Fatalf("GET /v1/service-centres = %d %v", res.StatusCode, res.Headers)
	}
	if got := len(ids(t, body, "centres")); got != catalogue.DefaultLimit || body["total"] != float64(31) || body["next"] != "20" {
		t.Errorf("first page: %d centres, total %v, next %v; want %d of 31, next 20", got, body["total"], body["next"], catalogue.DefaultLimit)
	}
	res, body = serve(t, api, get(t, "/v1/service-centres", map[string]string{"cursor": "20"}))
	if got := len(ids(t, body, "centres")); res.StatusCode != 200 || got != 11 || body["next"] != nil {
		t.Errorf("second page: %d %d centres, next %v; want the last 11", res.StatusCode, got, body["next"])
	}

	res, body = serve(t, api, get(t, "/v1/service-centres", map[string]string{"city": "tver", "service": "identity-confirmation"}))
	want := []string{"mfc-tver-tsentralny", "post-tver-170100", "office-tver-novotorzhskaya"}
	if got := ids(t, body, "centres"); res.StatusCode != 200 || !slices.Equal(got, want) {
		t.Errorf("Tver centres that confirm identity = %v, want %v", got, want)
	}
	// The shape of one centre, as clients read it.
	var page struct {
		Centres []struct {
			ID       string            `json:"id"`
			Type     string            `json:"type"`
			Name     map[string]string `json:"name"`
			City     struct{ ID string }
			TimeZone string                         `json:"timeZone"`
			Address  map[string]string              `json:"address"`
			Postcode string                         `json:"postcode"`
			Hours    map[string][]map[string]string `json:"hours"`
			Services []string                       `json:"services"`
		} `json:"centres"`
	}
	if err := json.Unmarshal([]byte(res.Body), &page); err != nil {
		t.Fatal(err)
	}
	ce := page.Centres[1]
	if ce.Type != "post-office" || ce.City.ID != "tver" || ce.TimeZone != "Europe/Moscow" || ce.Name["ru"] == "" || ce.Name["en"] == "" ||
		ce.Address["en"] == "" || ce.Postcode != "170100" || len(ce.Hours) != 7 || ce.Hours["mon"][0]["opens"] != "08:00" || ce.Hours["sun"][0]["closes"] != "14:00" {
		t.Errorf("centre = %+v", ce)
	}
}

func TestCatalogueOverHTTP(t *testing.T) {
	t.Parallel()
	api := catalogueAPI(t)
	res, body := serve(t, api, get(t, "/v1/services", map[string]string{"q": "Штрафы ГИБДД"}))
	if got := ids(t, body, "services"); res.StatusCode != 200 || !slices.Equal(got, []string{"traffic-fines-check", "traffic-fines-payment"}) ||
		res.Headers["cache-control"] != httpapi.CatalogueMaxAge {
		t.Errorf("search = %d %v %v", res.StatusCode, got, res.Headers)
	}
	res, body = serve(t, api, get(t, "/v1/services", map[string]string{"level": "confirmed", "department": "fns"}))
	if got := ids(t, body, "services"); res.StatusCode != 200 || !slices.Equal(got, []string{"tax-personal-account", "tax-deduction"}) {
		t.Errorf("confirmed FNS services = %v", got)
	}
	res, body = serve(t, api, get(t, "/v1/services/tax-personal-account", nil))
	methods, _ := body["acceptedMethods"].([]any)
	if res.StatusCode != 200 || body["level"] != "confirmed" || fmt.Sprint(methods) != "[in_person signature]" || body["citizensOnly"] != false ||
		body["category"].(map[string]any)["id"] != "taxes" || body["department"].(map[string]any)["name"].(map[string]any)["ru"] != "ФНС России" {
		t.Errorf("GET tax-personal-account = %d %s", res.StatusCode, res.Body)
	}
	res, body = serve(t, api, get(t, "/v1/services/doctor-appointment", nil))
	if _, restricted := body["acceptedMethods"]; res.StatusCode != 200 || restricted || body["level"] != "standard" {
		t.Errorf("GET doctor-appointment = %d %s, want no method restriction", res.StatusCode, res.Body)
	}
}

// TestCatalogueBadRequests: unknown ids are 404 and bad query parameters
// 400, as problem+json naming the parameter and never echoing its value.
func TestCatalogueBadRequests(t *testing.T) {
	t.Parallel()
	api := catalogueAPI(t)
	const canary = "canary-7f3e"
	tests := []struct {
		name, path string
		query      map[string]string
		status     int
		typ        string
		pointers   []string
	}{
		{"unknown service", "/v1/services/" + canary, nil, 404, "service-not-found", nil},
		{"unknown service, access", "/v1/services/" + canary + "/x", nil, 404, "route-not-found", nil},
		{"unknown city", "/v1/service-centres", map[string]string{"city": canary}, 400, "validation-failed", []string{"/city"}},
		{"unknown type and service", "/v1/service-centres", map[string]string{"type": canary, "service": canary}, 400, "validation-failed", []string{"/service", "/type"}},
		{"unknown parameter", "/v1/service-centres", map[string]string{"sity": canary}, 400, "validation-failed", []string{"/sity"}},
		{"bad limit", "/v1/service-centres", map[string]string{"limit": "1000"}, 400, "validation-failed", []string{"/limit"}},
		{"bad cursor", "/v1/services", map[string]string{"cursor": canary}, 400, "validation-failed", []string{"/cursor"}},
		{"unknown level", "/v1/services", map[string]string{"level": canary}, 400, "validation-failed", []string{"/level"}},
		{"unknown category", "/v1/services", map[string]string{"category": canary, "q": "штраф"}, 400, "validation-failed", []string{"/category"}},
		{"search too long", "/v1/services", map[string]string{"q": strings.Repeat(canary, 20)}, 400, "validation-failed", []string{"/q"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, body := serve(t, api, get(t, tt.path, tt.query))
			if res.StatusCode != tt.status || body["type"] != httpapi.ProblemBase+tt.typ || res.Headers["content-type"] != "application/problem+json" {
				t.Fatalf("GET %s %v = %d %s, want %d %s", tt.path, tt.query, res.StatusCode, res.Body, tt.status, tt.typ)
			}
			var got []string
			errs, _ := body["errors"].([]any)
			for _, e := range errs {
				got = append(got, e.(map[string]any)["pointer"].(string))
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.pointers) {
				t.Errorf("pointers = %v, want %v", got, tt.pointers)
			}
			if strings.Contains(res.Body, canary) || res.Headers["cache-control"] != "no-store" {
				t.Errorf("problem %s echoes the input or may be cached (%v)", res.Body, res.Headers)
			}
		})
	}
	if res, _ := serve(t, api, event(t, "POST", "/v1/services", "{}")); res.StatusCode != http.StatusMethodNotAllowed || res.Headers["allow"] != "GET" {
		t.Errorf("POST /v1/services = %d %v, want 405 Allow: GET", res.StatusCode, res.Headers)
	}
}

// opsRecorder records the DynamoDB operations a client makes.
type opsRecorder struct {
	mu  sync.Mutex
	ops []string
}

func (r *opsRecorder) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("RecordOps",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				name := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", in.Parameters), "*dynamodb."), "Input")
				r.mu.Lock()
				r.ops = append(r.ops, name)
				r.mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
}

// take returns the operations since the last take.
func (r *opsRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.ops
	r.ops = nil
	return out
}

// catalogueFunction is the catalogue Lambda function as app.New wires it,
// over the system's table and keys, recording its DynamoDB operations.
func (s *system) catalogueFunction(t *testing.T) (*httpapi.API, *opsRecorder) {
	t.Helper()
	rec := &opsRecorder{}
	api, err := app.New(context.Background(), s.cfg, s.awsCfg, app.Options{
		Function: "catalogue",
		DynamoDB: []func(*dynamodb.Options){func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true }, rec.option},
		Logger:   slog.New(slog.NewJSONHandler(s.logs, nil)),
	})
	if err != nil {
		t.Fatalf("app.New(catalogue) error = %v", err)
	}
	return api, rec
}

// setLevel sets an account's level and confirmation method directly, as
// the raising flows (tested on their own) would.
func (s *system) setLevel(t *testing.T, accountID, level, method string) {
	t.Helper()
	update, vals := "SET #lvl = :l REMOVE confirmationMethod", map[string]types.AttributeValue{":l": &types.AttributeValueMemberS{Value: level}}
	if method != "" {
		update = "SET #lvl = :l, confirmationMethod = :m"
		vals[":m"] = &types.AttributeValueMemberS{Value: method}
	}
	_, err := s.db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}, "sk": &types.AttributeValueMemberS{Value: "ACCOUNT"},
		},
		UpdateExpression: aws.String(update), ExpressionAttributeNames: map[string]string{"#lvl": "level"}, ExpressionAttributeValues: vals,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAccessOverHTTP asks the catalogue function, as Lambda wires it,
// about five services for people at every level and method, RF and
// foreign citizens and people who gave no citizenship; it counts the
// DynamoDB operations of every request.
func TestAccessOverHTTP(t *testing.T) {
	t.Parallel()
	services := []string{"traffic-fines-check", "doctor-appointment", "kindergarten-enrolment", "tax-personal-account", "foreign-passport"}
	const (
		ok      = "allowed"
		submit  = "submit-personal-data"
		confirm = "confirm-identity"
		method  = "method-not-accepted"
		foreign = "citizens-only"
	)
	people := []struct {
		name, level, method, citizenship string
		want                             [5]string
	}{
		{"simplified", "simplified", "", "RUS", [5]string{ok, submit, submit, submit, submit}},
		{"standard", "standard", "", "RUS", [5]string{ok, ok, confirm, confirm, confirm}},
		{"confirmed by letter", "confirmed", "letter", "RUS", [5]string{ok, ok, ok, method, ok}},
		{"confirmed in person", "confirmed", "in_person", "RUS", [5]string{ok, ok, ok, ok, ok}},
		{"confirmed by signature", "confirmed", "signature", "RUS", [5]string{ok, ok, ok, ok, ok}},
		{"foreign citizen, confirmed", "confirmed", "in_person", "KAZ", [5]string{ok, ok, ok, ok, foreign}},
		{"foreign citizen, simplified", "simplified", "", "BLR", [5]string{ok, submit, submit, submit, foreign}},
		{"no personal data", "confirmed", "signature", "", [5]string{ok, ok, ok, ok, submit}},
	}
	var (
		s   *system
		fn  *httpapi.API
		rec *opsRecorder
	)
	for i, p := range people {
		if i%4 == 0 {
			// A client address may start 5 registrations an hour.
			s = newSystem(t)
			fn, rec = s.catalogueFunction(t)
		}
		as := s.signedIn(t, fmt.Sprintf("+7912345%04d", 7000+i))
		_, me := s.do(t, as("GET", "/v1/me", ""))
		if p.citizenship != "" {
			patch := as("PATCH", "/v1/me/profile", `{"citizenship":"`+p.citizenship+`"}`)
			patch.Headers["content-type"] = "application/merge-patch+json"
			if res, _ := s.do(t, patch); res.StatusCode != http.StatusOK {
				t.Fatalf("%s: PATCH profile = %d %s", p.name, res.StatusCode, res.Body)
			}
		}
		s.setLevel(t, me["accountId"].(string), p.level, p.method)
		rec.take()
		for j, id := range services {
			res, body := serve(t, fn, as("GET", "/v1/services/"+id+"/access", ""))
			ops := rec.take()
			if res.StatusCode != http.StatusOK || body["outcome"] != p.want[j] || body["allowed"] != (p.want[j] == ok) || body["serviceId"] != id {
				t.Errorf("%s, %s: access = %d %s, want %s", p.name, id, res.StatusCode, res.Body, p.want[j])
				continue
			}
			msg, _ := body["message"].(map[string]any)
			if msg["ru"] == "" || msg["en"] == "" || res.Headers["cache-control"] != "no-store" || body["level"] != p.level {
				t.Errorf("%s, %s: access = %s %v, want a message in ru and en, not cacheable", p.name, id, res.Body, res.Headers)
			}
			// Authentication reads the session and the account in one
			// BatchGetItem; a citizens-only service adds the profile.
			want := []string{"BatchGetItem"}
			if id == "foreign-passport" {
				want = append(want, "GetItem")
			}
			if !slices.Equal(ops, want) {
				t.Errorf("%s, %s: DynamoDB operations %v, want %v", p.name, id, ops, want)
			}
		}
	}
	// method-not-accepted names the methods that are accepted.
	letter := s.signedIn(t, "+79123458999")
	_, me := s.do(t, letter("GET", "/v1/me", ""))
	s.setLevel(t, me["accountId"].(string), "confirmed", "letter")
	_, body := serve(t, fn, letter("GET", "/v1/services/tax-personal-account/access", ""))
	if fmt.Sprint(body["acceptedMethods"]) != "[in_person signature]" || body["confirmationMethod"] != "letter" ||
		!strings.Contains(body["message"].(map[string]any)["en"].(string), "not available after identity confirmation by registered letter") {
		t.Errorf("letter, tax account = %v", body)
	}
	if res, body := serve(t, fn, letter("GET", "/v1/services/no-such-service/access", "")); res.StatusCode != 404 || body["type"] != httpapi.ProblemBase+"service-not-found" {
		t.Errorf("access to an unknown service = %d %s, want 404 service-not-found", res.StatusCode, res.Body)
	}
	if res, body := serve(t, fn, event(t, "GET", "/v1/services/foreign-passport/access", "")); res.StatusCode != 401 || body["type"] != httpapi.ProblemBase+"authentication-required" {
		t.Errorf("access without a token = %d %s, want 401", res.StatusCode, res.Body)
	}
	// The full local system serves the same route.
	if res, body := s.do(t, letter("GET", "/v1/services/tax-personal-account/access", "")); res.StatusCode != 200 || body["outcome"] != method {
		t.Errorf("access through the whole API = %d %s", res.StatusCode, res.Body)
	}
	if strings.Contains(s.logs.String(), `"KAZ"`) || strings.Contains(s.logs.String(), `"BLR"`) {
		t.Errorf("logs contain a citizenship")
	}
}

// TestCatalogueFunctionOnlyReads: the catalogue function, as Lambda wires
// it, makes no storage call for the directory and the catalogue, and only
// reads (BatchGetItem, GetItem: what template.yaml grants it) for the
// access check, whatever the answer.
func TestCatalogueFunctionOnlyReads(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	fn, rec := s.catalogueFunction(t)
	for _, req := range []events.APIGatewayV2HTTPRequest{
		get(t, "/v1/service-centres", map[string]string{"city": "kazan"}), get(t, "/v1/services", map[string]string{"q": "паспорт"}),
		get(t, "/v1/services/foreign-passport", nil), get(t, "/v1/services/nothing", nil), get(t, "/v1/services", map[string]string{"limit": "x"}),
	} {
		serve(t, fn, req)
	}
	if ops := rec.take(); len(ops) != 0 {
		t.Errorf("public routes made DynamoDB calls %v, want none", ops)
	}
	as := s.signedIn(t, "+79123456990")
	for _, id := range []string{"foreign-passport", "tax-personal-account", "unknown"} {
		serve(t, fn, as("GET", "/v1/services/"+id+"/access", ""))
	}
	serve(t, fn, get(t, "/v1/services/foreign-passport/access", nil))
	ops := rec.take()
	if len(ops) == 0 {
		t.Fatal("the access check made no DynamoDB call")
	}
	for _, op := range ops {
		if op != "GetItem" && op != "BatchGetItem" {
			t.Errorf("the catalogue function called %s; its role may only read (GetItem, BatchGetItem)", op)
		}
	}
}

// TestCatalogueFunctionNeedsNoMasterKey: with no master key anywhere
// (neither the secret nor a local file) and KMS data keys, as in AWS, the
// catalogue function starts and serves (its role may not read the
// secret). Every other function loads the master key at cold start.
func TestCatalogueFunctionNeedsNoMasterKey(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	cfg := s.cfg
	cfg.LocalKeysFile, cfg.KeysSecretARN = "", ""
	cfg.DataKeyID = "arn:aws:kms:eu-central-1:123456789012:key/00000000-0000-0000-0000-000000000000"
	opts := app.Options{Function: "catalogue", Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	fn, err := app.New(context.Background(), cfg, s.awsCfg, opts)
	if err != nil {
		t.Fatalf("app.New(catalogue) error = %v, want it to start without the master key", err)
	}
	if res, _ := serve(t, fn, get(t, "/v1/services", nil)); res.StatusCode != 200 {
		t.Errorf("GET /v1/services = %d", res.StatusCode)
	}
}
