package httpapi_test

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portalid/portalid/internal/httpapi"
)

// exchange is one request and the API's answer.
type exchange struct {
	req events.APIGatewayV2HTTPRequest
	res events.APIGatewayV2HTTPResponse
}

// driftBaseline are answers as the handlers give them, one per shape the
// drift cases below break.
func driftBaseline(t *testing.T) map[string]exchange {
	t.Helper()
	jsonRes := func(status int, body string, headers ...string) events.APIGatewayV2HTTPResponse {
		h := map[string]string{"content-type": "application/json", "cache-control": "no-store"}
		if strings.Contains(body, `"type":"`) {
			h["content-type"] = "application/problem+json"
		}
		for i := 0; i+1 < len(headers); i += 2 {
			h[headers[i]] = headers[i+1]
		}
		return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: h, Body: body}
	}
	me := event(t, "GET", "/v1/me", "")
	me.Headers["authorization"] = "Bearer eyJ.e30.sig"
	return map[string]exchange{
		"start": {
			event(t, "POST", "/v1/registrations", `{"surname":"Иванова","givenName":"Анна","phone":"+79123456789","termsVersion":"1"}`),
			jsonRes(201, `{"registrationId":"k3xq","expiresAt":"2026-03-05T09:00:00Z","contacts":[{"kind":"phone","codeExpiresAt":"2026-03-01T09:05:00Z","resendAfter":"2026-03-01T09:01:00Z","confirmed":false}]}`),
		},
		"resend": {
			event(t, "POST", "/v1/registrations/k3xq/resend", ""),
			jsonRes(429, `{"type":"`+httpapi.ProblemBase+`resend-too-soon","title":"A new code can be sent a little later","status":429,"requestId":"r1"}`, "retry-after", "60"),
		},
		"me": {
			me,
			jsonRes(200, `{"accountId":"a1","level":"simplified","confirmationMethod":null,"surname":"Иванова","givenName":"Анна","contacts":[],"notificationChannels":["sms"]}`),
		},
	}
}

// TestContractCatchesDrift shows the contract checks fail when the code
// and the document drift apart: a renamed response field (in the answer
// or in the document), a wrong type, an undocumented status, header or
// problem type, a request the document refuses but the API accepts, and
// a route the document lacks.
func TestContractCatchesDrift(t *testing.T) {
	t.Parallel()
	for name, x := range driftBaseline(t) {
		if err := checkExchange(mustContract(t), x.req, x.res); err != nil {
			t.Fatalf("baseline %s: %v", name, err)
		}
	}
	tests := []struct {
		name     string
		exchange string
		doc      func(*openapi3.T)
		req      func(*events.APIGatewayV2HTTPRequest)
		res      func(*events.APIGatewayV2HTTPResponse)
		want     string // in the error
	}{
		{name: "response field renamed", exchange: "start",
			res:  rename("registrationId", "registrationID"),
			want: "registrationId"},
		{name: "nested response field renamed", exchange: "start",
			res:  rename("codeExpiresAt", "codeExpiry"),
			want: "codeExpiresAt"},
		{name: "document renames the field", exchange: "start",
			doc: func(d *openapi3.T) {
				s := d.Components.Schemas["RegistrationStatus"].Value
				s.Properties["regId"] = s.Properties["registrationId"]
				delete(s.Properties, "registrationId")
				s.Required = []string{"regId", "expiresAt", "contacts"}
			},
			want: "regId"},
		{name: "field of another type", exchange: "start",
			res:  replace(`"confirmed":false`, `"confirmed":"no"`),
			want: "confirmed"},
		{name: "value outside the enum", exchange: "me",
			res:  replace(`"confirmationMethod":null`, `"confirmationMethod":"post"`),
			want: "confirmationMethod"},
		{name: "undocumented status", exchange: "start",
			res:  func(r *events.APIGatewayV2HTTPResponse) { r.StatusCode = 200 },
			want: "status is not supported"},
		{name: "429 without Retry-After", exchange: "resend",
			res:  func(r *events.APIGatewayV2HTTPResponse) { delete(r.Headers, "retry-after") },
			want: "Retry-After"},
		{name: "problem type the operation does not list", exchange: "resend",
			res:  replace("resend-too-soon", "login-locked"),
			want: "login-locked"},
		{name: "request the document refuses, accepted", exchange: "start",
			req:  func(r *events.APIGatewayV2HTTPRequest) { r.Body = `{"surname":"Иванова","admin":true}` },
			want: "refuses the request"},
		{name: "route missing from the document", exchange: "me",
			req:  func(r *events.APIGatewayV2HTTPRequest) { r.RouteKey = "GET /v1/me/vehicles/{id}" },
			want: "not in the document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := mustContract(t)
			if tt.doc != nil {
				var err error
				if doc, err = loadContract(contractPath); err != nil { // a copy to change
					t.Fatal(err)
				}
				tt.doc(doc)
			}
			x := driftBaseline(t)[tt.exchange]
			x.req.Headers = maps.Clone(x.req.Headers)
			x.res.Headers = maps.Clone(x.res.Headers)
			if tt.req != nil {
				tt.req(&x.req)
			}
			if tt.res != nil {
				tt.res(&x.res)
			}
			err := checkExchange(doc, x.req, x.res)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("checkExchange() = %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

func replace(old, new string) func(*events.APIGatewayV2HTTPResponse) {
	return func(r *events.APIGatewayV2HTTPResponse) { r.Body = strings.Replace(r.Body, old, new, 1) }
}

func rename(field, to string) func(*events.APIGatewayV2HTTPResponse) {
	return replace(`"`+field+`":`, `"`+to+`":`)
}

// renamedFields returns, for each top-level field of a JSON object body,
// the body with that field renamed.
func renamedFields(body string) map[string]string {
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &obj) != nil {
		return nil
	}
	out := map[string]string{}
	for k := range obj {
		m := maps.Clone(obj)
		m[k+"Renamed"] = m[k]
		delete(m, k)
		b, _ := json.Marshal(m)
		out[k] = string(b)
	}
	return out
}
