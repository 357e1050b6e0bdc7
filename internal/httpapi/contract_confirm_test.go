package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/signature/devca"
)

// recorder drives operations on one system to the status each should
// answer and keeps the exchanges, for TestContractEveryRoute.
type recorder struct {
	t    *testing.T
	s    *system
	seen []exchange
}

func (r *recorder) call(req events.APIGatewayV2HTTPRequest, want int) map[string]any {
	r.t.Helper()
	res, body := r.s.do(r.t, req)
	if res.StatusCode != want {
		r.t.Fatalf("%s = %d %s, want %d", req.RouteKey, res.StatusCode, res.Body, want)
	}
	r.seen = append(r.seen, exchange{req, res})
	return body
}

func withQuery(req events.APIGatewayV2HTTPRequest, q map[string]string) events.APIGatewayV2HTTPRequest {
	req.QueryStringParameters = q
	v := url.Values{}
	for k, x := range q {
		v.Set(k, x)
	}
	req.RawQueryString = v.Encode()
	return req
}

// catalogueExchanges drives the directory, the catalogue and the access
// check (as, a signed-in person) to successes.
func catalogueExchanges(t *testing.T, s *system, as func(method, path, body string) events.APIGatewayV2HTTPRequest) []exchange {
	t.Helper()
	r := &recorder{t: t, s: s}
	page := r.call(withQuery(event(t, "GET", "/v1/service-centres", ""), map[string]string{"limit": "1"}), 200)
	if next, _ := page["next"].(string); next != "" {
		r.call(withQuery(event(t, "GET", "/v1/service-centres", ""), map[string]string{"cursor": next, "service": "identity-confirmation"}), 200)
	}
	r.call(withQuery(event(t, "GET", "/v1/services", ""), map[string]string{"q": "паспорт", "level": "confirmed"}), 200)
	r.call(event(t, "GET", "/v1/services/foreign-passport", ""), 200)
	r.call(as("GET", "/v1/services/foreign-passport/access", ""), 200)
	return r.seen
}

// letterExchanges orders a letter for a standard account, follows it
// until it is delivered, and enters the code the postal simulator
// printed: confirmed by letter.
func letterExchanges(t *testing.T) []exchange {
	t.Helper()
	s, outbox := newLetterSystem(t)
	r := &recorder{t: t, s: s}
	as := s.signedIn(t, "+79123450911")
	me := r.call(as("GET", "/v1/me", ""), 200)
	s.setLevel(t, me["accountId"].(string), "standard", "")
	order := as("POST", "/v1/me/letters", `{"address":{"postcode":"170100","text":"г. Тверь, ул. Советская, д. 5, кв. 12"}}`)
	order.Headers["idempotency-key"] = "letter-contract-1"
	letter := r.call(order, 201)
	id, _ := letter["letterId"].(string)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, view := s.do(t, as("GET", "/v1/me/letters/"+id, ""))
		if res.StatusCode == http.StatusOK && view["status"] == "delivered" {
			r.seen = append(r.seen, exchange{as("GET", "/v1/me/letters/"+id, ""), res})
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("letter %s = %d %s, want delivered within a minute", id, res.StatusCode, res.Body)
		}
	}
	entries, err := local.ReadOutbox(outbox)
	if err != nil || len(entries) != 1 {
		t.Fatalf("letter outbox: %d entries (%v), want 1", len(entries), err)
	}
	code := printedCode.FindString(entries[0].Message)
	done := r.call(as("POST", "/v1/me/letters/"+id+"/code", `{"code":"`+strings.ToLower(code)+`"}`), 200)
	if done["level"] != "confirmed" || done["confirmationMethod"] != "letter" {
		t.Errorf("the code = %v, want confirmed by letter", done)
	}
	return r.seen
}

// signatureExchanges takes a challenge (twice with one key: replayed) and
// signs it with a certificate of the test CA: confirmed by signature.
func signatureExchanges(t *testing.T) []exchange {
	t.Helper()
	s := newSignatureSystem(t)
	r := &recorder{t: t, s: s.system}
	as := s.signedIn(t, "+79123450921")
	me := r.call(as("GET", "/v1/me", ""), 200)
	s.makeStandard(t, as, me["accountId"].(string))
	start := func() events.APIGatewayV2HTTPRequest {
		req := as("POST", "/v1/me/signature-challenges", "")
		req.Headers["idempotency-key"] = "sig-contract-1"
		return req
	}
	c := r.call(start(), 201)
	res, _ := s.do(t, start())
	if res.Headers["idempotent-replayed"] != "true" {
		t.Errorf("the challenge again with its key = %d %v, want it replayed", res.StatusCode, res.Headers)
	}
	ivanova := devca.Person{Surname: "Иванова", GivenName: "Анна Сергеевна", SNILS: "11223344595"}
	sig := s.sign(t, s.issuing, ivanova, c["challenge"].(string))
	r.call(as("POST", "/v1/me/signature-challenges/"+c["challengeId"].(string), `{"signature":"`+sig+`"}`), 200)
	return r.seen
}

// operatorExchanges: an operator finds a standard account by SNILS,
// compares the passport, restores access, compares again and confirms.
func operatorExchanges(t *testing.T) []exchange {
	t.Helper()
	s, _, accountID := atTheDesk(t, "op-0901", "+79123450931", "123456")
	r := &recorder{t: t, s: s}
	op := func(method, path, body string) events.APIGatewayV2HTTPRequest {
		return operatorEvent(t, deskPrincipal, method, path, body)
	}
	acct := "/v1/operator/accounts/" + accountID
	passport := `{"series":"2804","number":"123456","issueDate":"2010-06-01"}`
	r.call(op("POST", "/v1/operator/account-searches", `{"snils":"112-233-445 95"}`), 200)
	r.call(op("POST", acct+"/passport-checks", passport), 200)
	r.call(op("POST", acct+"/access-restorations", `{"phone":"+79123450932"}`), 202)
	r.call(op("POST", acct+"/passport-checks", passport), 200)
	r.call(op("POST", acct+"/confirmation", ""), 200)
	return r.seen
}
