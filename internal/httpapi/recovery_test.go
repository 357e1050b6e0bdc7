package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/httpapi"
)

// signIn signs in over HTTP and returns the access token.
func (s *system) signIn(t *testing.T, login, password string) string {
	t.Helper()
	res, body := s.do(t, event(t, "POST", "/v1/sessions", `{"login":"`+login+`","password":"`+password+`"}`))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("login = %d %s", res.StatusCode, res.Body)
	}
	return body["accessToken"].(string)
}

// authed is a request with a bearer access token.
func authed(t *testing.T, method, path, body, access string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	req := event(t, method, path, body)
	req.Headers["authorization"] = "Bearer " + access
	return req
}

// sms counts the SMS sent to a phone.
func (s *system) sms(t *testing.T, to string) int { return len(s.smsTo(t, to)) }

// lastSMS is the text of the latest SMS to a phone.
func (s *system) lastSMS(t *testing.T, to string) string {
	msgs := s.smsTo(t, to)
	if len(msgs) == 0 {
		return ""
	}
	return msgs[len(msgs)-1]
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestRecoveryOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	const phone, unknown = "+79123450101", "+79123450199"
	s.register(t, phone, "Lantern-Orbit-47")
	access := s.signIn(t, phone, "Lantern-Orbit-47")

	// Known and unknown logins: the same status and the same body shape,
	// and nothing sent for the unknown one.
	res, known := s.do(t, event(t, "POST", "/v1/recovery", `{"login":"`+phone+`"}`))
	other, stranger := s.do(t, event(t, "POST", "/v1/recovery", `{"login":"8 912 345-01-99"}`))
	if res.StatusCode != http.StatusAccepted || other.StatusCode != res.StatusCode {
		t.Fatalf("start = %d %s and %d %s, want 202 for both", res.StatusCode, res.Body, other.StatusCode, other.Body)
	}
	if !slices.Equal(keysOf(known), keysOf(stranger)) || known["channel"] != "phone" || stranger["channel"] != "phone" {
		t.Errorf("bodies differ in shape: %s and %s", res.Body, other.Body)
	}
	if s.sms(t, unknown) != 0 {
		t.Errorf("an SMS went to the unknown login")
	}
	id := known["recoveryId"].(string)
	code := s.lastSMSCode(t, phone)
	if res, body := s.do(t, event(t, "POST", "/v1/recovery/"+stranger["recoveryId"].(string)+"/confirm", `{"code":"`+code+`"}`)); res.StatusCode != 400 || body["type"] != httpapi.ProblemBase+"recovery-mismatch" {
		t.Errorf("confirm on the decoy = %d %s, want 400 recovery-mismatch", res.StatusCode, res.Body)
	}
	if res, body := s.do(t, event(t, "POST", "/v1/recovery/"+id+"/password", `{"password":"Harbour-Comet-93"}`)); res.StatusCode != 409 || body["type"] != httpapi.ProblemBase+"recovery-not-confirmed" {
		t.Errorf("password before confirm = %d %s, want 409 recovery-not-confirmed", res.StatusCode, res.Body)
	}
	res, body := s.do(t, event(t, "POST", "/v1/recovery/"+id+"/confirm", `{"code":"`+code+`"}`))
	if res.StatusCode != http.StatusOK || body["confirmed"] != true {
		t.Fatalf("confirm = %d %s, want 200 confirmed", res.StatusCode, res.Body)
	}
	before := s.sms(t, phone)
	if res, _ := s.do(t, event(t, "POST", "/v1/recovery/"+id+"/password", `{"password":"Harbour-Comet-93"}`)); res.StatusCode != http.StatusNoContent {
		t.Fatalf("password = %d %s, want 204", res.StatusCode, res.Body)
	}
	if s.sms(t, phone) != before+1 {
		t.Errorf("the phone was not told of the reset")
	}
	if res, body := s.do(t, authed(t, "GET", "/v1/me", "", access)); res.StatusCode != http.StatusUnauthorized || body["type"] != httpapi.ProblemBase+"session-invalid" {
		t.Errorf("GET /v1/me with a session from before the reset = %d %s, want 401 session-invalid", res.StatusCode, res.Body)
	}
	if res, body := s.do(t, event(t, "POST", "/v1/recovery/"+id+"/password", `{"password":"Harbour-Comet-94"}`)); res.StatusCode != 409 || body["type"] != httpapi.ProblemBase+"recovery-completed" {
		t.Errorf("second password = %d %s, want 409 recovery-completed", res.StatusCode, res.Body)
	}
	s.signIn(t, phone, "Harbour-Comet-93")
	for _, secret := range []string{code, "Harbour-Comet-93", phone, "9123450101", "9123450199"} {
		if strings.Contains(s.logs.String(), secret) {
			t.Errorf("logs contain a code, password or contact")
		}
	}
	if res, body := s.do(t, event(t, "POST", "/v1/recovery/"+id+"/resend", "")); res.StatusCode != 409 || body["type"] != httpapi.ProblemBase+"recovery-completed" {
		t.Errorf("resend after completion = %d %s, want 409 recovery-completed", res.StatusCode, res.Body)
	}
}
