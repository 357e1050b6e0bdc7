package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/operator"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/secret"
)

// deskPrincipal is the IAM principal of testdata/apigw-v2-request-iam.json.
const deskPrincipal = "arn:aws:sts::123456789012:assumed-role/portalid-operator/ivanova"

// operatorEvent builds the event API Gateway sends for a request its
// AWS_IAM authorizer accepted: event's, with the headers (SigV4) and the
// requestContext.authorizer.iam of the fixture, for principal.
func operatorEvent(t testing.TB, principal, method, path, body string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	raw, err := os.ReadFile("testdata/apigw-v2-request-iam.json")
	if err != nil {
		t.Fatal(err)
	}
	var signed events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &signed); err != nil {
		t.Fatal(err)
	}
	req := event(t, method, path, body)
	req.Headers, req.RequestContext.HTTP.UserAgent = signed.Headers, signed.RequestContext.HTTP.UserAgent
	req.RequestContext.Authorizer = signed.RequestContext.Authorizer
	req.RequestContext.Authorizer.IAM.UserARN = principal
	return req
}

// registerOperator puts the registry entry of principal, as an
// administrator does in AWS.
func (s *system) registerOperator(t testing.TB, principal, id, centre string) {
	t.Helper()
	if err := dynamo.New(s.db, s.table).PutOperator(context.Background(), principal, operator.Operator{ID: id, Centre: centre}); err != nil {
		t.Fatal(err)
	}
}

// atTheDesk is a system with one operator at deskPrincipal and one
// signed-in person with a standard account (the passport number given).
func atTheDesk(t *testing.T, operatorID, phone, number string) (*system, func(method, path, body string) events.APIGatewayV2HTTPRequest, string) {
	t.Helper()
	s := newSystem(t)
	s.registerOperator(t, deskPrincipal, operatorID, "mfc-tver-zavolzhsky")
	as := s.signedIn(t, phone)
	return s, as, s.makeStandard(t, as, "112-233-445 95", "2804", number, "2010-06-01")
}

// makeStandard saves the person's documents through the API and passes
// them through the registry check beside it: the identity-check flow over
// the same table and keys, its last step called as the workflow would
// after both registries answered.
func (s *system) makeStandard(t testing.TB, as func(method, path, body string) events.APIGatewayV2HTTPRequest, snils, series, number, issued string) string {
	t.Helper()
	patch := as("PATCH", "/v1/me/profile", fmt.Sprintf(`{"noPatronymic":true,"gender":"female","birthDate":"1990-05-17","birthPlace":"г. Тверь","citizenship":"RUS",`+
		`"snils":%q,"passport":{"series":%q,"number":%q,"issuer":"ОВД Заволжского района г. Твери","issueDate":%q,"subdivisionCode":"692-001"}}`,
		snils, series, number, issued))
	patch.Headers["content-type"] = "application/merge-patch+json"
	if res, _ := s.do(t, patch); res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH profile = %d %s", res.StatusCode, res.Body)
	}
	_, me := s.do(t, as("GET", "/v1/me", ""))
	accountID := me["accountId"].(string)
	ctx := context.Background()
	master, err := cipher.FileSource{Path: s.keysFile}.Master(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := cipher.DeriveKeys(master)
	if err != nil {
		t.Fatal(err)
	}
	data, err := cipher.NewLocalDataKeys(master)
	if err != nil {
		t.Fatal(err)
	}
	f := &identity.Flow{
		Store: dynamo.New(s.db, s.table), Sealer: &cipher.Envelope{Keys: data}, Workflow: startNothing{}, Sender: sendNothing{},
		Index: secret.NewHasher(keys.Index), Now: time.Now, Rand: rand.Reader,
	}
	c, err := f.Submit(ctx, accountID, true)
	if err != nil {
		t.Fatalf("identity Submit() error = %v", err)
	}
	state, err := f.RecordOutcome(ctx, identity.OutcomeInput{AccountID: accountID, CheckID: c.ID, Results: []registry.Result{
		{Item: registry.SNILS, Outcome: registry.Passed}, {Item: registry.Passport, Outcome: registry.Passed},
	}})
	if err != nil || state != identity.Passed {
		t.Fatalf("identity RecordOutcome() = %q, %v", state, err)
	}
	return accountID
}

type startNothing struct{}

func (startNothing) Start(context.Context, string, any) error { return nil }

type sendNothing struct{}

func (sendNothing) Send(context.Context, string, string, string, string, map[string]string) error {
	return nil
}

// TestOperatorOverHTTP walks SPEC §2.4 "in person" through API Gateway
// events: the operator finds the person by SNILS, compares the passport,
// confirms; the person then sees level confirmed, method in_person and
// the operator's events. Canary document values appear in no response
// and no log line.
func TestOperatorOverHTTP(t *testing.T) {
	t.Parallel()
	const (
		snils   = "112-233-445 95" // as atTheDesk saves them
		series  = "2804"
		number  = "654321"
		issued  = "2010-06-01"
		canary2 = "777111"
	)
	s, as, accountID := atTheDesk(t, "op-0042", "+79123450301", number)
	op := func(method, path, body string) events.APIGatewayV2HTTPRequest {
		return operatorEvent(t, deskPrincipal, method, path, body)
	}
	acct := "/v1/operator/accounts/" + accountID
	var answers []string // every operator response body
	call := func(req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, map[string]any) {
		res, body := s.do(t, req)
		answers = append(answers, res.Body)
		return res, body
	}

	res, body := call(op("POST", "/v1/operator/account-searches", `{"snils":"`+snils+`"}`))
	if res.StatusCode != http.StatusOK || body["accountId"] != accountID || body["level"] != "standard" || body["confirmationMethod"] != nil ||
		body["surname"] != "Иванова" || body["givenName"] != "Анна" || len(body) != 5 {
		t.Fatalf("search = %d %s, want the account's id, level, method and names, nothing more", res.StatusCode, res.Body)
	}
	res, body = call(op("POST", acct+"/passport-checks", `{"series":"28 04","number":"`+canary2+`","issueDate":"`+issued+`"}`))
	fields, _ := body["fields"].(map[string]any)
	if res.StatusCode != http.StatusOK || body["match"] != false || fields["series"] != "match" || fields["number"] != "mismatch" || fields["issueDate"] != "match" || body["validUntil"] != nil {
		t.Fatalf("passport check (other number) = %d %s, want a mismatch on the number only", res.StatusCode, res.Body)
	}
	if res, body := call(op("POST", acct+"/confirmation", "")); res.StatusCode != http.StatusConflict || body["type"] != httpapi.ProblemBase+"passport-check-required" {
		t.Fatalf("confirm after a mismatch = %d %s, want 409 passport-check-required", res.StatusCode, res.Body)
	}
	res, body = call(op("POST", acct+"/passport-checks", `{"series":"`+series+`","number":"`+number+`","issueDate":"`+issued+`"}`))
	if res.StatusCode != http.StatusOK || body["match"] != true || body["verified"] != true || body["validUntil"] == nil {
		t.Fatalf("passport check = %d %s, want a match valid for a while", res.StatusCode, res.Body)
	}
	res, body = call(op("POST", acct+"/confirmation", "{}"))
	if res.StatusCode != http.StatusOK || body["level"] != "confirmed" || body["confirmationMethod"] != "in_person" ||
		body["operatorId"] != "op-0042" || body["centreId"] != "mfc-tver-zavolzhsky" {
		t.Fatalf("confirm = %d %s, want confirmed in_person by op-0042", res.StatusCode, res.Body)
	}

	// The person sees it.
	_, me := s.do(t, as("GET", "/v1/me", ""))
	if me["level"] != "confirmed" || me["confirmationMethod"] != "in_person" {
		t.Errorf("GET /v1/me = %v, want level confirmed, method in_person", me)
	}
	_, evs := s.do(t, as("GET", "/v1/me/events", ""))
	var seen []string
	for _, e := range evs["events"].([]any) {
		ev := e.(map[string]any)
		d, _ := ev["details"].(map[string]any)
		if d["operator"] == nil {
			continue
		}
		if d["operator"] != "op-0042" || d["centre"] != "mfc-tver-zavolzhsky" {
			t.Errorf("event %v names another operator or centre", ev)
		}
		get := func(k string) string { v, _ := d[k].(string); return v }
		seen = append(seen, ev["kind"].(string)+" "+get("action")+get("result")+get("method"))
	}
	want := []string{"level-changed in_person", "operator-action confirm-identity", "operator-action passport-checkmatch",
		"operator-action passport-checkmismatch", "operator-action search"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("operator events the person sees, newest first = %q, want %q", seen, want)
	}
	if _, v := s.do(t, as("GET", "/v1/me/events/verification", "")); v["intact"] != true {
		t.Errorf("event chain = %v, want intact", v)
	}

	logs := s.logs.String()
	refusal := false
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"fault":"passport-check-required"`) {
			refusal = strings.Contains(line, `"operator":"op-0042"`) && strings.Contains(line, `"centre":"mfc-tver-zavolzhsky"`)
		}
	}
	if !refusal {
		t.Errorf("the refused confirmation's log line does not name the operator and centre")
	}
	for _, v := range []string{snils, "11223344595", number, canary2, issued, deskPrincipal} {
		if strings.Contains(logs, v) {
			t.Errorf("logs contain %q", v)
		}
		for _, a := range answers {
			if strings.Contains(a, v) {
				t.Errorf("an operator response contains %q: %s", v, a)
			}
		}
	}
}

// TestOperatorRestoreOverHTTP: the person lost their phone; the operator
// sets the new one, every session ends, and the person completes the
// password reset with the code sent to it, through the recovery routes.
func TestOperatorRestoreOverHTTP(t *testing.T) {
	t.Parallel()
	const newPhone = "+79123450312"
	s, as, accountID := atTheDesk(t, "op-0043", "+79123450311", "123456")
	acct := "/v1/operator/accounts/" + accountID
	if res, _ := s.do(t, operatorEvent(t, deskPrincipal, "POST", acct+"/passport-checks", `{"series":"2804","number":"123456","issueDate":"2010-06-01"}`)); res.StatusCode != http.StatusOK {
		t.Fatalf("passport check = %d %s", res.StatusCode, res.Body)
	}
	res, body := s.do(t, operatorEvent(t, deskPrincipal, "POST", acct+"/access-restorations", `{"phone":"`+newPhone+`"}`))
	rid, _ := body["recoveryId"].(string)
	if res.StatusCode != http.StatusAccepted || rid == "" || body["channel"] != "phone" || fmt.Sprint(body["changedContacts"]) != "[phone]" {
		t.Fatalf("restore = %d %s, want 202 with a recovery by phone", res.StatusCode, res.Body)
	}
	if strings.Contains(res.Body, newPhone) {
		t.Errorf("the restoration answer repeats the phone")
	}
	if res, _ := s.do(t, as("GET", "/v1/me", "")); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the session from before = %d, want 401: every session ends", res.StatusCode)
	}
	code := s.lastSMSCode(t, newPhone)
	if res, _ := s.do(t, event(t, "POST", "/v1/recovery/"+rid+"/confirm", `{"code":"`+code+`"}`)); res.StatusCode != http.StatusOK {
		t.Fatalf("recovery confirm (code only) = %d %s", res.StatusCode, res.Body)
	}
	if res, _ := s.do(t, event(t, "POST", "/v1/recovery/"+rid+"/password", `{"password":"Quiet-Harbour-83"}`)); res.StatusCode != http.StatusNoContent {
		t.Fatalf("recovery password = %d %s", res.StatusCode, res.Body)
	}
	if res, _ := s.do(t, event(t, "POST", "/v1/sessions", `{"login":"`+newPhone+`","password":"Quiet-Harbour-83"}`)); res.StatusCode != http.StatusCreated {
		t.Errorf("sign-in with the new phone and password = %d %s", res.StatusCode, res.Body)
	}
}

// TestOperatorAuthSeparation: operator routes take only the IAM identity
// API Gateway verified, citizen routes only a citizen's bearer token.
func TestOperatorAuthSeparation(t *testing.T) {
	t.Parallel()
	s, as, accountID := atTheDesk(t, "op-0044", "+79123450321", "223344")
	search := `{"snils":"112-233-445 95"}`
	bearer := as("GET", "/v1/me", "").Headers["authorization"]

	citizenOnOperator := event(t, "POST", "/v1/operator/account-searches", search)
	citizenOnOperator.Headers["authorization"] = bearer
	stranger := operatorEvent(t, "arn:aws:iam::123456789012:user/someone-else", "POST", "/v1/operator/account-searches", search)
	noARN := operatorEvent(t, "", "POST", "/v1/operator/account-searches", search)
	operatorOnCitizen := operatorEvent(t, deskPrincipal, "GET", "/v1/me", "")
	operatorSchemeOnCitizen := event(t, "GET", "/v1/me", "")
	operatorSchemeOnCitizen.Headers["authorization"] = "Operator c2VjcmV0LW9mLWFuLW9wZXJhdG9y"
	tests := []struct {
		name   string
		req    events.APIGatewayV2HTTPRequest
		status int
		typ    string
	}{
		{"a citizen's bearer token on an operator route", citizenOnOperator, 403, "operator-unknown"},
		{"an IAM principal that is no operator", stranger, 403, "operator-unknown"},
		{"no principal in the IAM context", noARN, 403, "operator-unknown"},
		{"an operator's IAM identity on a citizen route", operatorOnCitizen, 401, "authentication-required"},
		{"an operator credential on a citizen route", operatorSchemeOnCitizen, 401, "authentication-required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.badRequest(t, tt.req, tt.status, tt.typ, nil, "112-233-445")
		})
	}
	_, evs := s.do(t, as("GET", "/v1/me/events", ""))
	for _, e := range evs["events"].([]any) {
		if e.(map[string]any)["kind"] == "operator-action" {
			t.Errorf("a refused request left an operator-action event on %s", accountID)
		}
	}
}

// TestOperatorProblems: bad input is refused with field pointers and
// nothing written or echoed; the search limit answers 429 with
// Retry-After.
func TestOperatorProblems(t *testing.T) {
	t.Parallel()
	s, _, accountID := atTheDesk(t, "op-0045", "+79123450331", "334455")
	const canary = "9990001234"
	acct := "/v1/operator/accounts/" + accountID
	inQuery := operatorEvent(t, deskPrincipal, "GET", "/v1/operator/account-searches", "")
	inQuery.RawQueryString, inQuery.QueryStringParameters = "snils="+canary, map[string]string{"snils": canary}
	tests := []struct {
		name     string
		req      events.APIGatewayV2HTTPRequest
		status   int
		typ      string
		pointers []string
	}{
		{"bad SNILS", operatorEvent(t, deskPrincipal, "POST", "/v1/operator/account-searches", `{"snils":"`+canary+`"}`), 400, "validation-failed", []string{"/snils"}},
		{"SNILS of the wrong type", operatorEvent(t, deskPrincipal, "POST", "/v1/operator/account-searches", `{"snils":`+canary+`}`), 400, "validation-failed", []string{"/snils"}},
		{"unknown field", operatorEvent(t, deskPrincipal, "POST", "/v1/operator/account-searches", `{"snils":"112-233-445 95","passport":"`+canary+`"}`), 400, "validation-failed", []string{"/passport"}},
		{"SNILS in the query", inQuery, 405, "method-not-allowed", nil},
		{"bad passport", operatorEvent(t, deskPrincipal, "POST", acct+"/passport-checks", `{"series":"`+canary+`","number":"1","issueDate":"01.06.2010"}`), 400, "validation-failed", []string{"/series", "/number", "/issueDate"}},
		{"no contact", operatorEvent(t, deskPrincipal, "POST", acct+"/access-restorations", `{}`), 400, "validation-failed", []string{"/phone", "/email"}},
		{"bad phone", operatorEvent(t, deskPrincipal, "POST", acct+"/access-restorations", `{"phone":"`+canary+`x"}`), 400, "validation-failed", []string{"/phone"}},
		{"restore without a comparison", operatorEvent(t, deskPrincipal, "POST", acct+"/access-restorations", `{"phone":"+79123450339"}`), 409, "passport-check-required", nil},
		{"unknown account", operatorEvent(t, deskPrincipal, "POST", "/v1/operator/accounts/aaaaaaaaaaaaaaaaaaaaaaaaaa/confirmation", ""), 404, "account-not-found", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.badRequest(t, tt.req, tt.status, tt.typ, tt.pointers, canary)
		})
	}
}

// TestOperatorSearchLimit: the search over the hourly limit is 429 with
// Retry-After, and counts nothing.
func TestOperatorSearchLimit(t *testing.T) {
	t.Parallel()
	s := newSystemWith(t, func(c *config.Config, _ *app.Options) { c.Operator.SearchesPerHour = 2 })
	s.registerOperator(t, deskPrincipal, "op-0046", "mfc-tver-zavolzhsky")
	search := func() events.APIGatewayV2HTTPRequest {
		return operatorEvent(t, deskPrincipal, "POST", "/v1/operator/account-searches", `{"snils":"112-233-445 95"}`)
	}
	for range 2 {
		if res, _ := s.do(t, search()); res.StatusCode != http.StatusNotFound {
			t.Fatalf("search of nobody's SNILS = %d %s, want 404", res.StatusCode, res.Body)
		}
	}
	res, body := s.do(t, search())
	if res.StatusCode != http.StatusTooManyRequests || body["type"] != httpapi.ProblemBase+"operator-search-limit" {
		t.Fatalf("third search in an hour = %d %s, want 429 operator-search-limit", res.StatusCode, res.Body)
	}
	if ra := res.Headers["retry-after"]; ra != "3600" && ra != "3599" {
		t.Errorf("Retry-After = %q, want about an hour", ra)
	}
}
