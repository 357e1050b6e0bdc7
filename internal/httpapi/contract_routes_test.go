package httpapi_test

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/local"
)

// TestContractEveryRoute drives every operation of api/openapi.yaml to a
// success over the route table, as a person's journey would (register,
// sign in, settings, profile and registry check, the catalogue, sign-outs,
// "not me", recovery; confirmation by letter, signature and in person;
// an organisation);
// system.do holds each exchange to the document. It then
// fails unless every operation was answered with a success, and shows
// that renaming any top-level field of any of those answers breaks the
// contract.
func TestContractEveryRoute(t *testing.T) {
	t.Parallel()
	mail := filepath.Join(t.TempDir(), "mail.jsonl")
	s := newSystemWith(t, func(c *config.Config, _ *app.Options) {
		c.Registration.ResendMinInterval = 0 // resends answer at once
		c.MailOutbox = mail
		c.IdentityCheckStateMachineARN = os.Getenv("IDENTITY_CHECK_STATE_MACHINE_ARN")
	})
	const phone, email = "+79123450901", "anna.contract@example.org"
	const password, newPassword = "Lantern-Orbit-47", "Harbour-Comet-93"

	var seen []exchange
	call := func(req events.APIGatewayV2HTTPRequest, want int) map[string]any {
		t.Helper()
		res, body := s.do(t, req)
		if res.StatusCode != want {
			t.Fatalf("%s = %d %s, want %d", req.RouteKey, res.StatusCode, res.Body, want)
		}
		seen = append(seen, exchange{req, res})
		return body
	}
	keyed := func(req events.APIGatewayV2HTTPRequest, key string) events.APIGatewayV2HTTPRequest {
		req.Headers["idempotency-key"] = key
		return req
	}
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }

	// Registration → simplified.
	reg := call(keyed(event(t, "POST", "/v1/registrations", `{"surname":"Иванова","givenName":"Анна","phone":"`+phone+`","termsVersion":"1"}`), "reg-1"), 201)
	id := str(reg, "registrationId")
	call(event(t, "POST", "/v1/registrations/"+id+"/resend", `{"contact":"phone"}`), 200)
	call(event(t, "POST", "/v1/registrations/"+id+"/confirm", `{"code":"`+s.lastSMSCode(t, phone)+`"}`), 200)
	call(keyed(event(t, "POST", "/v1/registrations/"+id+"/password", `{"password":"`+password+`"}`), "pw-1"), 201)
	call(event(t, "GET", "/.well-known/jwks.json", ""), 200)

	// Sessions.
	login := `{"login":"` + phone + `","password":"` + password + `"}`
	tokens := call(event(t, "POST", "/v1/sessions", login), 201)
	tokens = call(event(t, "POST", "/v1/sessions/refresh", `{"refreshToken":"`+str(tokens, "refreshToken")+`"}`), 200)
	access := str(tokens, "accessToken")
	as := func(method, path, body string) events.APIGatewayV2HTTPRequest {
		return authed(t, method, path, body, access)
	}

	// The account, its events and settings.
	call(as("GET", "/v1/me", ""), 200)
	query := func(req events.APIGatewayV2HTTPRequest, k, v string) events.APIGatewayV2HTTPRequest {
		req.QueryStringParameters = map[string]string{k: v}
		req.RawQueryString = url.Values{k: {v}}.Encode()
		return req
	}
	page := call(query(as("GET", "/v1/me/events", ""), "limit", "1"), 200)
	next := str(page, "next")
	if next == "" {
		t.Fatalf("events page of 1 has no next cursor: %v", page)
	}
	call(query(as("GET", "/v1/me/events", ""), "cursor", next), 200)
	call(as("GET", "/v1/me/events/verification", ""), 200)
	call(as("PUT", "/v1/me/security-question", `{"question":"Кличка первой собаки?","answer":"Рекс","currentPassword":"`+password+`"}`), 204)
	call(as("PUT", "/v1/me/contacts/email", `{"value":"`+email+`","currentPassword":"`+password+`"}`), 202)
	call(as("POST", "/v1/me/contacts/email/confirm", `{"code":"`+lastMailCode(t, mail, email)+`"}`), 200)
	call(as("PUT", "/v1/me/notifications", `{"channels":["sms","email"]}`), 200)

	// Personal data and the registry check.
	call(as("GET", "/v1/me/profile", ""), 200)
	patch := as("PATCH", "/v1/me/profile", `{"noPatronymic":true,"gender":"female","birthDate":"1990-05-17","birthPlace":"г. Тверь","citizenship":"RUS",
		"snils":"112-233-445 95","passport":{"series":"28 04","number":"123456","issuer":"ОВД Заволжского района г. Твери","issueDate":"2010-06-01","subdivisionCode":"692-001"},
		"registrationAddress":{"postcode":"170100","text":"г. Тверь, ул. Советская, д. 1, кв. 2"}}`)
	patch.Headers["content-type"] = "application/merge-patch+json"
	call(patch, 200)
	check := call(as("POST", "/v1/me/identity-checks", `{"consent":true}`), 202)
	call(as("GET", "/v1/me/identity-checks/"+str(check, "checkId"), ""), 200)

	// The directory, the catalogue and the access check.
	seen = append(seen, catalogueExchanges(t, s, as)...)

	// A password change ends the other sessions and answers fresh tokens;
	// then each way of signing out.
	changed := call(as("PUT", "/v1/me/password", `{"currentPassword":"`+password+`","newPassword":"`+newPassword+`"}`), 200)
	call(authed(t, "DELETE", "/v1/sessions/current", "", str(changed, "accessToken")), 204)
	login = `{"login":"` + phone + `","password":"` + newPassword + `"}`
	other := call(event(t, "POST", "/v1/sessions", login), 201)
	call(authed(t, "DELETE", "/v1/sessions", "", str(other, "accessToken")), 204)

	// "Not me" on the last sign-in: every session ends, a reset is due.
	last := call(event(t, "POST", "/v1/sessions", login), 201)
	evs := call(authed(t, "GET", "/v1/me/events", "", str(last, "accessToken")), 200)
	newest, _ := evs["events"].([]any)[0].(map[string]any)
	seq := strconv.FormatInt(int64(newest["seq"].(float64)), 10)
	call(authed(t, "POST", "/v1/me/events/"+seq+"/not-me", "", str(last, "accessToken")), 204)

	// Recovery (the account has a security question now).
	rec := call(keyed(event(t, "POST", "/v1/recovery", `{"login":"`+phone+`"}`), "rec-1"), 202)
	rid := str(rec, "recoveryId")
	call(event(t, "POST", "/v1/recovery/"+rid+"/resend", ""), 200)
	call(event(t, "POST", "/v1/recovery/"+rid+"/confirm", `{"code":"`+s.lastSMSCode(t, phone)+`","answer":"Рекс"}`), 200)
	call(event(t, "POST", "/v1/recovery/"+rid+"/password", `{"password":"Quiet-Harbour-83"}`), 204)

	// Confirmation by letter, by signature and in person, each over a
	// system of its own (the letter workflow's, a test CA's, an operator's).
	seen = append(seen, letterExchanges(t)...)
	seen = append(seen, signatureExchanges(t)...)
	seen = append(seen, operatorExchanges(t)...)
	seen = append(seen, organisationExchanges(t)...)

	// Every operation answered with a success.
	doc := mustContract(t)
	succeeded := map[string]bool{}
	for _, x := range seen {
		succeeded[x.req.RouteKey] = true
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !succeeded[method+" "+path] {
				t.Errorf("%s %s: no success in this journey; add it", method, path)
			}
		}
	}

	// Renaming any top-level field of any answer breaks the contract.
	renamed := 0
	for _, x := range seen {
		for field, body := range renamedFields(x.res.Body) {
			res := x.res
			res.Body = body
			if err := checkExchange(doc, x.req, res); err == nil {
				t.Errorf("%s: the answer with %q renamed still conforms", x.req.RouteKey, field)
			}
			renamed++
		}
	}
	if renamed < 40 {
		t.Errorf("renamed %d fields in all, want the fields of every JSON answer", renamed)
	}
}

// lastMailCode returns the code in the newest mail to an address.
func lastMailCode(t *testing.T, outbox, to string) string {
	t.Helper()
	entries, err := local.ReadOutbox(outbox)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range slices.Backward(entries) {
		if c := smsCode.FindString(e.Message); e.To == to && c != "" {
			return c
		}
	}
	t.Fatalf("no code in the mail to %s", to)
	return ""
}
