package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/faultinject"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/invariant"
	"github.com/portalid/portalid/internal/local"
)

// faultSeed is the seed of the fault tests: change it to explore other
// interleavings; a failure names it.
const faultSeed = 20261123

// faultRates is what the fault tests inject: 20% of DynamoDB and SNS
// attempts fail (throttling, 5xx) and 3% more time out. With the SDK's 3
// attempts few faults outlast the retries; the tests run at half too, so
// that many do.
var faultRates = faultinject.Rates{Throttle: 0.12, ServerError: 0.08, Timeout: 0.03}

// newFaultySystem is newSystem with the injector on the API's DynamoDB
// and SNS clients (the test's own client, for setup and checks, has none).
func newFaultySystem(t *testing.T, inj *faultinject.Injector) *system {
	t.Helper()
	inj.Delay = 5 * time.Millisecond
	return newSystemWith(t, func(_ *config.Config, o *app.Options) {
		o.DynamoDB = append(o.DynamoDB, inj.DynamoDBOptions(10*time.Millisecond))
		o.SNS = append(o.SNS, inj.SNSOptions(10*time.Millisecond))
	})
}

// faultClient sends requests as a careful client would under faults:
// a 503 is tried again (same body, same Idempotency-Key) up to a bound;
// any other status ends the request. It counts every answer and every
// broken rule.
type faultClient struct {
	s          *system
	mu         sync.Mutex
	requests   int
	outcomes   map[string]int
	violations []string
}

func (c *faultClient) violate(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
}

// requestTimeout is each request's deadline: the API functions' timeout.
const requestTimeout = 10 * time.Second

// landed are the refusals that tell a client retrying after a 503 that
// its earlier try did land (the 503 was the answer to a write that
// committed, its response lost): the contact is confirmed, the account
// exists. The route does not keep such answers for replay, so the retry
// runs again and meets the done state.
var landed = map[string]bool{"contact-already-confirmed": true, "registration-completed": true}

// send sends req until it is answered with something other than 503, and
// returns that answer. A landed refusal right after a 503 is a success.
// A 409 idempotency-request-in-progress right after
// a 503 is this client's own earlier try, whose claim on the key outlived
// it (the table failed to release it too): the claim's lease is the
// request's deadline and a second, so the client waits that out and
// tries again.
func (c *faultClient) send(t *testing.T, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, map[string]any) {
	waited, after503 := 0, false
	for try := 0; ; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		res, err := c.s.api.Handle(ctx, req)
		cancel()
		if err != nil {
			c.violate("%s: Handle() error %v", req.RouteKey, err)
		}
		conform(t, req, res)
		var body map[string]any
		_ = json.Unmarshal([]byte(res.Body), &body)
		typ, _ := body["type"].(string)
		c.mu.Lock()
		c.requests++
		c.outcomes[fmt.Sprintf("%d %s", res.StatusCode, strings.TrimPrefix(typ, httpapi.ProblemBase))]++
		c.mu.Unlock()
		switch {
		case res.StatusCode >= 200 && res.StatusCode < 300:
			return res, body
		case after503 && landed[strings.TrimPrefix(typ, httpapi.ProblemBase)]:
			return res, body
		case typ == httpapi.ProblemBase+"idempotency-request-in-progress" && after503 && waited < 2:
			waited++
			time.Sleep(requestTimeout + 2*time.Second)
			continue
		case res.StatusCode != http.StatusServiceUnavailable:
			c.violate("%s = %d %s, want 2xx or 503", req.RouteKey, res.StatusCode, typ)
			return res, body
		case res.Headers["retry-after"] == "" || res.Headers["content-type"] != "application/problem+json":
			c.violate("%s = 503 without Retry-After or problem+json: %v", req.RouteKey, res.Headers)
		case try == 40:
			c.violate("%s still 503 after %d tries", req.RouteKey, try+1)
			return res, body
		}
		after503 = true
		time.Sleep(time.Millisecond) // Retry-After says 1 s; the test keeps it short
	}
}

// TestRegistrationUnderFaults runs whole registrations (start, confirm,
// password) and logins of 12 people at once while a fifth (and then half)
// of the API's DynamoDB and SNS attempts fail. Every answer is a success
// or a 503 with Retry-After, never a 500 (a retry after a 503 may find
// its earlier try landed: 409 contact-already-confirmed or
// registration-completed). Afterwards: one account per phone, owned as
// the person was told; exactly the SMS the successful starts sent, no
// second one from a client retry with the same Idempotency-Key; no phone
// over the send limit; everyone can sign in.
func TestRegistrationUnderFaults(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		rates faultinject.Rates
		base  int // of the phone numbers
	}{
		{"a fifth", faultRates, 0},
		{"half", faultinject.Rates{Throttle: 0.3, ServerError: 0.15, Timeout: 0.05}, 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			registerUnderFaults(t, tt.rates, tt.base)
		})
	}
}

func registerUnderFaults(t *testing.T, rates faultinject.Rates, base int) {
	inj := faultinject.New(faultSeed).Set(faultinject.DynamoDB, rates).Set(faultinject.SNS, rates)
	s := newFaultySystem(t, inj)
	c := &faultClient{s: s, outcomes: map[string]int{}}
	const people = 12
	var (
		mu       sync.Mutex
		accounts = map[string]string{} // phone → account id
		started  = map[string]int{}    // phone → fresh (not replayed) 201s of start
	)
	phoneOf := func(i int) string { return fmt.Sprintf("+7916444%04d", base+i) }
	request := func(i int, method, path, body, key string) events.APIGatewayV2HTTPRequest {
		req := event(t, method, path, body)
		req.RequestContext.HTTP.SourceIP = fmt.Sprintf("10.44.%d.%d", base, i+1)
		if key != "" {
			req.Headers["idempotency-key"] = key
		}
		return req
	}
	flowtest.Gate(people, func(i int) {
		phone := phoneOf(i)
		res, body := c.send(t, request(i, "POST", "/v1/registrations",
			`{"surname":"Иванова","givenName":"Анна","phone":"`+phone+`","termsVersion":"1"}`, fmt.Sprintf("start-%d", i)))
		id, _ := body["registrationId"].(string)
		if res.StatusCode != http.StatusCreated || id == "" {
			return
		}
		mu.Lock()
		if res.Headers["idempotent-replayed"] != "true" {
			started[phone]++
		}
		mu.Unlock()
		code := lastCode(s, phone)
		// 200, or 409 contact-already-confirmed: an earlier try landed.
		if res, _ = c.send(t, request(i, "POST", "/v1/registrations/"+id+"/confirm", `{"code":"`+code+`"}`, "")); res.StatusCode != http.StatusOK && res.StatusCode != http.StatusConflict {
			return
		}
		res, body = c.send(t, request(i, "POST", "/v1/registrations/"+id+"/password", `{"password":"`+flowtest.Password+`"}`, fmt.Sprintf("password-%d", i)))
		if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusConflict {
			return
		}
		mu.Lock()
		accounts[phone], _ = body["accountId"].(string) // "" when an earlier try landed
		mu.Unlock()
		c.send(t, request(i, "POST", "/v1/sessions", `{"login":"`+phone+`","password":"`+flowtest.Password+`"}`, ""))
	})
	inj.Pause()

	// One account per phone, owned as the person was told.
	owners := contactOwners(t, s)
	if len(accounts) != people {
		c.violate("%d of %d people got an account", len(accounts), people)
	}
	if n := count(t, s, "ACCOUNT"); n != people {
		c.violate("%d account items, want %d", n, people)
	}
	if len(owners) != people {
		c.violate("%d accounts own a phone, want %d", len(owners), people)
	}
	for phone, id := range accounts {
		if id != "" && owners[id] != 1 {
			c.violate("account of %s owns %d phone items, want 1", phone, owners[id])
		}
	}
	for id, n := range owners {
		if n != 1 {
			c.violate("account %s owns %d phone items, want 1", id, n)
		}
	}
	// Exactly the SMS the successful starts sent, within the send limit.
	entries, err := local.ReadOutbox(s.smsOutbox)
	if err != nil {
		t.Fatal(err)
	}
	sms := map[string]int{}
	for _, e := range entries {
		sms[e.To]++
	}
	for i := range people {
		phone := phoneOf(i)
		if sms[phone] != started[phone] {
			c.violate("%s got %d SMS for %d successful starts", phone, sms[phone], started[phone])
		}
		if sms[phone] > s.cfg.Registration.SendLimit {
			c.violate("%s got %d SMS, over the limit of %d", phone, sms[phone], s.cfg.Registration.SendLimit)
		}
		// Everyone can sign in once the faults stop: no lockout from them.
		if res, _ := s.do(t, request(i, "POST", "/v1/sessions", `{"login":"`+phone+`","password":"`+flowtest.Password+`"}`, "")); res.StatusCode != http.StatusCreated {
			c.violate("sign-in of %s after the faults = %d %s", phone, res.StatusCode, res.Body)
		}
	}
	if strings.Contains(s.logs.String(), flowtest.Password) || strings.Contains(s.logs.String(), "9164440") {
		c.violate("a password or phone number reached the logs")
	}
	// And every promise of the data model (claims both ways, counters,
	// levels against events, chains), read without faults.
	rep, err := invariant.Scan(context.Background(), s.db, s.table, s.cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Violations {
		c.violate("invariant %s", v)
	}
	c.report(t, t.Name(), inj)
}

// report fails the test for each violation and writes the figures.
func (c *faultClient) report(t *testing.T, name string, inj *faultinject.Injector) {
	t.Helper()
	for _, v := range c.violations {
		t.Error(v)
	}
	r := inj.Report()
	t.Logf("seed %d: %d requests, outcomes %v, %d violations; %s", faultSeed, c.requests, c.outcomes, len(c.violations), r)
	sum := faultinject.Summary{Test: name, Seed: faultSeed, Requests: c.requests, Outcomes: c.outcomes, Violations: len(c.violations), Faults: r}
	if err := sum.Write("../../.local"); err != nil {
		t.Logf("summary not written: %v", err)
	}
	if r.Injected(faultinject.Throttle) == 0 || r.Injected(faultinject.ServerError) == 0 || r.Injected(faultinject.Timeout) == 0 {
		t.Errorf("not every kind of fault was injected: %s", r)
	}
}

// lastCode is the code of the latest SMS to phone ("" if none).
func lastCode(s *system, phone string) string {
	entries, _ := local.ReadOutbox(s.smsOutbox)
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].To == phone {
			if code := smsCode.FindString(entries[i].Message); code != "" {
				return code
			}
		}
	}
	return ""
}

// scan reads the whole table with the test's own client.
func scan(t *testing.T, s *system) []map[string]types.AttributeValue {
	t.Helper()
	var items []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{TableName: aws.String(s.table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, page.Items...)
	}
	return items
}

func attr(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// count is the number of items whose sort key is sk.
func count(t *testing.T, s *system, sk string) int {
	n := 0
	for _, it := range scan(t, s) {
		if attr(it, "sk") == sk {
			n++
		}
	}
	return n
}

// contactOwners counts the phone uniqueness items per owning account.
func contactOwners(t *testing.T, s *system) map[string]int {
	owners := map[string]int{}
	for _, it := range scan(t, s) {
		if strings.HasPrefix(attr(it, "pk"), "PHONE#") && attr(it, "sk") == "CONTACT" {
			owners[attr(it, "accountId")]++
		}
	}
	return owners
}

// TestFaultOutlastingRetriesIs503: a fault on every attempt of one
// service outlasts the SDK's retries; the client gets 503 problem+json
// with Retry-After and a stable type, never a 500 or the error's text, and
// the request is logged once, at Error, with its request id.
func TestFaultOutlastingRetriesIs503(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		service  string
		rates    faultinject.Rates
		wantType string
	}{
		// The DynamoDB adapter names throttling and 5xx itself.
		{"dynamodb throttled", faultinject.DynamoDB, faultinject.Rates{Throttle: 1}, "storage-unavailable"},
		{"dynamodb 5xx", faultinject.DynamoDB, faultinject.Rates{ServerError: 1}, "storage-unavailable"},
		// A timeout reaches the edge as the SDK's own error: the edge
		// classifies it (before, a 500 internal).
		{"dynamodb timeout", faultinject.DynamoDB, faultinject.Rates{Timeout: 1}, "service-unavailable"},
		{"sns throttled", faultinject.SNS, faultinject.Rates{Throttle: 1}, "notification-unavailable"},
		{"sns timeout", faultinject.SNS, faultinject.Rates{Timeout: 1}, "notification-unavailable"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inj := faultinject.New(faultSeed).Set(tt.service, tt.rates)
			s := newFaultySystem(t, inj)
			req := event(t, "POST", "/v1/registrations", fmt.Sprintf(`{"surname":"Иванова","givenName":"Анна","phone":"+79165550%03d","termsVersion":"1"}`, i))
			req.RequestContext.RequestID = fmt.Sprintf("fault-request-%d", i)
			res, body := s.do(t, req)
			if res.StatusCode != http.StatusServiceUnavailable || body["type"] != httpapi.ProblemBase+tt.wantType {
				t.Fatalf("start = %d %s, want 503 %s", res.StatusCode, res.Body, tt.wantType)
			}
			if res.Headers["retry-after"] != "1" || res.Headers["content-type"] != "application/problem+json" {
				t.Errorf("headers = %v, want Retry-After 1 and problem+json", res.Headers)
			}
			if strings.Contains(res.Body, "injected") || strings.Contains(res.Body, "api error") || body["requestId"] != req.RequestContext.RequestID {
				t.Errorf("body = %s, want no error text and the request id", res.Body)
			}
			// Only an error the edge classified is logged with the API
			// request id (the adapters' faults are answered as they are).
			if got, want := strings.Count(s.logs.String(), req.RequestContext.RequestID), map[bool]int{true: 1}[tt.wantType == "service-unavailable"]; got != want {
				t.Errorf("%d log lines name the request, want %d:\n%s", got, want, s.logs.String())
			}
			if got := strings.Count(s.logs.String(), `"msg":"request served"`); got != 1 {
				t.Errorf("%d request lines, want 1:\n%s", got, s.logs.String())
			}
			if !strings.Contains(s.logs.String(), `"level":"ERROR"`) || strings.Contains(s.logs.String(), "5550") {
				t.Errorf("log = %s, want one Error line without the phone", s.logs)
			}
			if r := inj.Report().Services[tt.service]; r.Attempts < 3 || r.Failed == 0 {
				t.Errorf("report %+v: want the SDK's 3 attempts before the fault surfaced", r)
			}
		})
	}
}
