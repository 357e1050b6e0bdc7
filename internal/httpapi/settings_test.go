package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/portalid/portalid/internal/httpapi"
)

func TestSettingsOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	const phone, newPhone = "+79123450201", "+79123450202"
	s.register(t, phone, "Lantern-Orbit-47")
	access := s.signIn(t, phone, "Lantern-Orbit-47")

	res, body := s.do(t, authed(t, "PUT", "/v1/me/password", `{"currentPassword":"Lantern-Orbit-47","newPassword":"Harbour-Comet-93"}`, access))
	if res.StatusCode != http.StatusOK || body["tokenType"] != "Bearer" {
		t.Fatalf("PUT /v1/me/password = %d %s, want 200 with a fresh token pair", res.StatusCode, res.Body)
	}
	fresh := body["accessToken"].(string)
	if res, _ := s.do(t, authed(t, "GET", "/v1/me", "", access)); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /v1/me with the old session = %d, want 401", res.StatusCode)
	}

	res, _ = s.do(t, authed(t, "PUT", "/v1/me/security-question", `{"question":"Кличка первой собаки?","answer":"Рекс","currentPassword":"Harbour-Comet-93"}`, fresh))
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("PUT /v1/me/security-question = %d %s, want 204", res.StatusCode, res.Body)
	}
	res, body = s.do(t, authed(t, "PUT", "/v1/me/contacts/phone", `{"value":"`+newPhone+`","currentPassword":"Harbour-Comet-93"}`, fresh))
	if res.StatusCode != http.StatusAccepted || body["kind"] != "phone" {
		t.Fatalf("PUT /v1/me/contacts/phone = %d %s, want 202", res.StatusCode, res.Body)
	}
	res, body = s.do(t, authed(t, "POST", "/v1/me/contacts/phone/confirm", `{"code":"`+s.lastSMSCode(t, newPhone)+`"}`, fresh))
	if res.StatusCode != http.StatusOK || len(body["contacts"].([]any)) != 1 {
		t.Fatalf("POST /v1/me/contacts/phone/confirm = %d %s, want 200 with the new phone", res.StatusCode, res.Body)
	}
	res, body = s.do(t, authed(t, "PUT", "/v1/me/notifications", `{"channels":["sms"]}`, fresh))
	if res.StatusCode != http.StatusOK || !slices.Equal(body["channels"].([]any), []any{"sms"}) {
		t.Fatalf("PUT /v1/me/notifications = %d %s, want 200 [sms]", res.StatusCode, res.Body)
	}
	res, body = s.do(t, authed(t, "GET", "/v1/me", "", fresh))
	contact := body["contacts"].([]any)[0].(map[string]any)
	if res.StatusCode != http.StatusOK || contact["address"] != newPhone || body["securityQuestion"] != "Кличка первой собаки?" || !slices.Equal(body["notificationChannels"].([]any), []any{"sms"}) {
		t.Errorf("GET /v1/me = %d %s, want the new phone, the question and the channel", res.StatusCode, res.Body)
	}
	if strings.Contains(res.Body, "Рекс") || strings.Contains(strings.ToLower(s.logs.String()), "рекс") {
		t.Errorf("the security answer was echoed")
	}

	// Recovery of that account now asks for the answer.
	res, body = s.do(t, event(t, "POST", "/v1/recovery", `{"login":"`+newPhone+`"}`))
	id := body["recoveryId"].(string)
	code := s.lastSMSCode(t, newPhone)
	if res, b := s.do(t, event(t, "POST", "/v1/recovery/"+id+"/confirm", `{"code":"`+code+`"}`)); res.StatusCode != 400 || b["type"] != httpapi.ProblemBase+"recovery-mismatch" {
		t.Errorf("confirm without the answer = %d %s, want 400 recovery-mismatch", res.StatusCode, res.Body)
	}
	if res, _ := s.do(t, event(t, "POST", "/v1/recovery/"+id+"/confirm", `{"code":"`+code+`","answer":"  РЕКС "}`)); res.StatusCode != http.StatusOK {
		t.Errorf("confirm with the answer = %d %s, want 200", res.StatusCode, res.Body)
	}
}

// TestTakenContactOverHTTP: a phone of another account gets the same
// answer as a free one; no code goes to it, its owner is told.
func TestTakenContactOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	const owner, free = "+79123450301", "+79123450304"
	s.register(t, owner, "Lantern-Orbit-47")
	var statuses []int
	var shapes [][]string
	for i, to := range []string{free, owner} {
		phone := "+7912345031" + string(rune('0'+i))
		s.register(t, phone, "Lantern-Orbit-47")
		access := s.signIn(t, phone, "Lantern-Orbit-47")
		before := s.sms(t, to)
		res, body := s.do(t, authed(t, "PUT", "/v1/me/contacts/phone", `{"value":"`+to+`","currentPassword":"Lantern-Orbit-47"}`, access))
		statuses, shapes = append(statuses, res.StatusCode), append(shapes, keysOf(body))
		if s.sms(t, to) != before+1 {
			t.Errorf("%d messages to the new contact, want one", s.sms(t, to)-before)
		}
		if to == owner {
			if c := smsCode.FindString(s.lastSMS(t, owner)); c != "" {
				t.Errorf("the owner of a taken phone got a code")
			}
			res, body := s.do(t, authed(t, "POST", "/v1/me/contacts/phone/confirm", `{"code":"123456"}`, access))
			if res.StatusCode != 400 || body["type"] != httpapi.ProblemBase+"code-mismatch" {
				t.Errorf("confirm of a taken phone = %d %s, want 400 code-mismatch", res.StatusCode, res.Body)
			}
		}
	}
	if statuses[0] != http.StatusAccepted || statuses[1] != statuses[0] || !slices.Equal(shapes[0], shapes[1]) {
		t.Errorf("answers differ: %v %v", statuses, shapes)
	}
}

// TestSettingsAndRecoveryBadRequests: bad input to the new routes is
// problem+json naming the fields, echoes nothing, and writes nothing.
func TestSettingsAndRecoveryBadRequests(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	const phone = "+79123450401"
	s.register(t, phone, "Lantern-Orbit-47")
	access := s.signIn(t, phone, "Lantern-Orbit-47")
	const canary = "Canary-7f3a91"
	const none = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
	tests := []struct {
		name, method, path, body string
		auth                     bool
		status                   int
		typ                      string
		pointers                 []string
	}{
		{"password: malformed JSON", "PUT", "/v1/me/password", `{"currentPassword":`, true, 400, "malformed-json", nil},
		{"password: unknown field", "PUT", "/v1/me/password", `{"currentPassword":"x","admin":true}`, true, 400, "validation-failed", []string{"/admin"}},
		{"password: weak and no current", "PUT", "/v1/me/password", `{"newPassword":"Ab1"}`, true, 400, "validation-failed", []string{"/currentPassword", "/newPassword"}},
		{"password: no token", "PUT", "/v1/me/password", `{"currentPassword":"Lantern-Orbit-47","newPassword":"Harbour-Comet-93"}`, false, 401, "authentication-required", nil},
		{"question: bad fields", "PUT", "/v1/me/security-question", `{"question":"?","answer":" ","currentPassword":""}`, true, 400, "validation-failed", []string{"/question", "/answer", "/currentPassword"}},
		{"question: wrong type", "PUT", "/v1/me/security-question", `{"question":1}`, true, 400, "validation-failed", []string{"/question"}},
		{"contact: unknown kind", "PUT", "/v1/me/contacts/fax", `{"value":"1"}`, true, 404, "contact-kind-unknown", nil},
		{"contact: bad phone", "PUT", "/v1/me/contacts/phone", `{"value":"` + canary + `","currentPassword":"Lantern-Orbit-47"}`, true, 400, "validation-failed", []string{"/value"}},
		{"contact: no password", "PUT", "/v1/me/contacts/phone", `{"value":"+79123450499"}`, true, 400, "validation-failed", []string{"/currentPassword"}},
		{"contact: bad e-mail", "PUT", "/v1/me/contacts/email", `{"value":"` + canary + `@","currentPassword":"Lantern-Orbit-47"}`, true, 400, "validation-failed", []string{"/value"}},
		{"contact: own phone", "PUT", "/v1/me/contacts/phone", `{"value":"` + phone + `","currentPassword":"Lantern-Orbit-47"}`, true, 409, "contact-unchanged", nil},
		{"contact: bad code", "POST", "/v1/me/contacts/phone/confirm", `{"code":"` + canary + `"}`, true, 400, "validation-failed", []string{"/code"}},
		{"contact: no change waiting", "POST", "/v1/me/contacts/phone/confirm", `{"code":"123456"}`, true, 404, "contact-change-not-found", nil},
		{"notifications: unknown and missing", "PUT", "/v1/me/notifications", `{"channels":["` + canary + `","email"]}`, true, 400, "validation-failed", []string{"/channels/0", "/channels/1"}},
		{"notifications: not a list", "PUT", "/v1/me/notifications", `{"channels":"sms"}`, true, 400, "validation-failed", []string{"/channels"}},
		{"recovery: bad login", "POST", "/v1/recovery", `{"login":"` + canary + `"}`, false, 400, "validation-failed", []string{"/login"}},
		{"recovery: unknown field", "POST", "/v1/recovery", `{"login":"+79123450401","snils":"1"}`, false, 400, "validation-failed", []string{"/snils"}},
		{"recovery: bad code, SNILS, answer", "POST", "/v1/recovery/" + none + "/confirm", `{"code":"12a","snils":"` + canary + `","answer":"\u0000"}`, false, 400, "validation-failed", []string{"/code", "/snils", "/answer"}},
		{"recovery: unknown recovery", "POST", "/v1/recovery/" + none + "/confirm", `{"code":"123456"}`, false, 404, "recovery-not-found", nil},
		{"recovery: malformed id", "POST", "/v1/recovery/" + canary + "/password", `{"password":"Harbour-Comet-93"}`, false, 404, "recovery-not-found", nil},
		{"recovery: resend body not JSON", "POST", "/v1/recovery/" + none + "/resend", `[`, false, 400, "malformed-json", nil},
		{"recovery: wrong method", "GET", "/v1/recovery", "", false, 405, "method-not-allowed", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := event(t, tt.method, tt.path, tt.body)
			if tt.auth {
				req = authed(t, tt.method, tt.path, tt.body, access)
			}
			s.badRequest(t, req, tt.status, tt.typ, tt.pointers, canary)
		})
	}
}

// TestNoSecretsAtRestAfterSettingsAndRecovery: the new passwords, the
// security answer and every code of a contact change and a recovery are
// neither stored in clear nor logged.
func TestNoSecretsAtRestAfterSettingsAndRecovery(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	const phone, newPhone = "+79123450501", "+79123450502"
	const changed, answer, reset = "Canary-Changed-4417", "Canary Answer", "Canary-Reset-5528"
	s.register(t, phone, "Lantern-Orbit-47")
	access := s.signIn(t, phone, "Lantern-Orbit-47")
	_, body := s.do(t, authed(t, "PUT", "/v1/me/password", `{"currentPassword":"Lantern-Orbit-47","newPassword":"`+changed+`"}`, access))
	access = body["accessToken"].(string)
	if res, _ := s.do(t, authed(t, "PUT", "/v1/me/security-question", `{"question":"Кличка собаки?","answer":"`+answer+`","currentPassword":"`+changed+`"}`, access)); res.StatusCode != http.StatusNoContent {
		t.Fatalf("security question = %d %s", res.StatusCode, res.Body)
	}
	s.do(t, authed(t, "PUT", "/v1/me/contacts/phone", `{"value":"`+newPhone+`","currentPassword":"`+changed+`"}`, access))
	contactCode := s.lastSMSCode(t, newPhone)
	if res, _ := s.do(t, authed(t, "POST", "/v1/me/contacts/phone/confirm", `{"code":"`+contactCode+`"}`, access)); res.StatusCode != http.StatusOK {
		t.Fatalf("contact confirm = %d %s", res.StatusCode, res.Body)
	}
	_, body = s.do(t, event(t, "POST", "/v1/recovery", `{"login":"`+newPhone+`"}`))
	id := body["recoveryId"].(string)
	recoveryCode := s.lastSMSCode(t, newPhone)
	s.do(t, event(t, "POST", "/v1/recovery/"+id+"/confirm", `{"code":"`+recoveryCode+`","answer":"`+answer+`"}`))
	if res, _ := s.do(t, event(t, "POST", "/v1/recovery/"+id+"/password", `{"password":"`+reset+`"}`)); res.StatusCode != http.StatusNoContent {
		t.Fatalf("recovery password = %d %s", res.StatusCode, res.Body)
	}
	secrets := map[string]string{
		"changed password": changed, "reset password": reset, "security answer": "canary answer",
		"contact code": contactCode, "recovery code": recoveryCode,
	}
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{TableName: aws.String(s.table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			flat := strings.ToLower(fmt.Sprint(flatten(it)))
			for what, v := range secrets {
				if strings.Contains(flat, strings.ToLower(v)) {
					t.Errorf("item %v stores the %s in clear", it["pk"], what)
				}
			}
		}
	}
	logs := strings.ToLower(s.logs.String())
	for what, v := range secrets {
		if strings.Contains(logs, strings.ToLower(v)) {
			t.Errorf("logs contain the %s", what)
		}
	}
}
