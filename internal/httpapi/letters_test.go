package httpapi_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/local"
)

var letterMachines atomic.Int64

// newLetterSystem is the API as the confirmation function serves it,
// over a postal-letter workflow of its own on the local Step Functions
// whose tasks run in the task function app.Tasks builds: the postal
// simulator prints letters to the returned outbox, as make run does.
func newLetterSystem(t *testing.T) (*system, string) {
	t.Helper()
	sf, client := flowtest.StepFunctions(t)
	n := letterMachines.Add(1)
	fn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:http-letter-tasks-%d", local.Region, local.AccountID, n)
	arn := local.StateMachineARN(fmt.Sprintf("postal-letter-http-%d", n))
	outbox := filepath.Join(t.TempDir(), "letter-outbox.jsonl")
	s := newSystemWith(t, func(cfg *config.Config, o *app.Options) {
		cfg.PostalLetterStateMachineARN = arn
		cfg.LetterOutbox = outbox
		cfg.Letter.TrackingDelay, cfg.Letter.DeliveryDelay = 20*time.Millisecond, 40*time.Millisecond
		o.SFN = []func(*sfn.Options){func(so *sfn.Options) { so.BaseEndpoint = client.Options().BaseEndpoint }}
	})
	err := sf.RegisterStateMachine(arn, filepath.Join("..", "..", "statemachines", "postal-letter.asl.json"),
		map[string]string{"TaskFunctionArn": fn, "PostalReportTimeoutSeconds": s.cfg.Letter.PostalReportTimeoutSecondsString()},
		local.WithSFNTime(local.SFNTime{Day: 500 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := app.Tasks(t.Context(), s.cfg, s.awsCfg, s.opts)
	if err != nil {
		t.Fatalf("app.Tasks() error = %v", err)
	}
	sf.RegisterTask(fn, tasks.Handle)
	return s, outbox
}

var printedCode = regexp.MustCompile(`\b[0-9A-Z]{5}-[0-9A-Z]{5}\b`)

// TestLettersOverHTTP is the walkthrough of the README: order a letter,
// follow it, read the code from the letter outbox, enter it, and see the
// account confirmed by letter.
func TestLettersOverHTTP(t *testing.T) {
	t.Parallel()
	s, outbox := newLetterSystem(t)
	const phone, address = "+79123450301", "г. Тверь, ул. Канареечная, д. 5"
	as := s.signedIn(t, phone)
	_, me := s.do(t, as("GET", "/v1/me", ""))
	id := me["accountId"].(string)

	order := func(key, body string) events.APIGatewayV2HTTPRequest {
		req := as("POST", "/v1/me/letters", body)
		if key != "" {
			req.Headers["idempotency-key"] = key
		}
		return req
	}
	if res, body := s.do(t, order("", `{"source":"registration"}`)); res.StatusCode != http.StatusConflict || body["type"] != httpapi.ProblemBase+"level-too-low" {
		t.Fatalf("order by a simplified account = %d %s, want 409 level-too-low", res.StatusCode, res.Body)
	}
	s.setLevel(t, id, "standard", "")
	patch := as("PATCH", "/v1/me/profile", `{"registrationAddress":{"postcode":"170100","text":"`+address+`"}}`)
	patch.Headers["content-type"] = "application/merge-patch+json"
	if res, _ := s.do(t, patch); res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH profile = %d %s", res.StatusCode, res.Body)
	}

	first, body := s.do(t, order("letter-key-1", `{"source":"registration"}`))
	letterID, _ := body["letterId"].(string)
	if first.StatusCode != http.StatusCreated || letterID == "" || body["status"] != "ordered" || body["attemptsLeft"] != float64(5) {
		t.Fatalf("order = %d %s, want 201 ordered with 5 attempts", first.StatusCode, first.Body)
	}
	if first.Headers["location"] != "/v1/me/letters/"+letterID {
		t.Errorf("Location = %q", first.Headers["location"])
	}
	// The same key and body replay the answer; the same key from another
	// person is that person's own request.
	if again, _ := s.do(t, order("letter-key-1", `{"source":"registration"}`)); again.Body != first.Body || again.Headers["idempotent-replayed"] != "true" || again.Headers["location"] != first.Headers["location"] {
		t.Errorf("repeat with the key = %d %s (Location %q), want the first answer replayed with its Location", again.StatusCode, again.Body, again.Headers["location"])
	}
	other := s.signedIn(t, "+79123450302")
	req := other("POST", "/v1/me/letters", `{"source":"registration"}`)
	req.Headers["idempotency-key"] = "letter-key-1"
	if res, body := s.do(t, req); res.StatusCode != http.StatusConflict || body["type"] != httpapi.ProblemBase+"level-too-low" || strings.Contains(res.Body, letterID) {
		t.Errorf("another person's request with the same key = %d %s, want their own 409 level-too-low", res.StatusCode, res.Body)
	}
	res, body := s.do(t, order("letter-key-2", `{"source":"residence"}`))
	if ra, _ := strconv.Atoi(res.Headers["retry-after"]); res.StatusCode != http.StatusTooManyRequests || body["type"] != httpapi.ProblemBase+"letter-reorder-too-soon" || ra < 2591000 || ra > 2592000 {
		t.Errorf("second order = %d %s (Retry-After %s), want 429 letter-reorder-too-soon in 30 days", res.StatusCode, res.Body, res.Headers["retry-after"])
	}

	// Follow the letter until it is delivered; its code is never shown.
	var view map[string]any
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		res, view = s.do(t, as("GET", "/v1/me/letters/"+letterID, ""))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET letter = %d %s", res.StatusCode, res.Body)
		}
		if view["status"] == "delivered" || time.Now().After(deadline) {
			break
		}
	}
	number, _ := view["trackingNumber"].(string)
	if view["status"] != "delivered" || number == "" || view["trackingUrl"] != "https://www.pochta.ru/tracking?barcode="+number || view["expiresAt"] == nil {
		t.Fatalf("letter = %v, want delivered with tracking number, link and expiry", view)
	}
	entries, err := local.ReadOutbox(outbox)
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].To, address) {
		t.Fatalf("letter outbox: %d entries (%v), want the one letter to the address", len(entries), err)
	}
	code := printedCode.FindString(entries[0].Message)
	if code == "" {
		t.Fatalf("no code in the printed letter")
	}
	_, view = s.do(t, as("GET", "/v1/me/letters/"+letterID, ""))
	if raw := fmt.Sprint(view); strings.Contains(raw, code) || strings.Contains(raw, address) {
		t.Errorf("the letter's view shows its code or address")
	}

	enter := func(c string) (events.APIGatewayV2HTTPResponse, map[string]any) {
		return s.do(t, as("POST", "/v1/me/letters/"+letterID+"/code", `{"code":"`+c+`"}`))
	}
	if res, body := enter("00000-0000"); res.StatusCode != http.StatusBadRequest || body["type"] != httpapi.ProblemBase+"validation-failed" {
		t.Errorf("malformed code = %d %s, want 400 validation-failed", res.StatusCode, res.Body)
	}
	wrong := "00000-00000"
	if code == wrong {
		wrong = "11111-11111"
	}
	if res, body := enter(wrong); res.StatusCode != http.StatusBadRequest || body["type"] != httpapi.ProblemBase+"code-mismatch" {
		t.Errorf("wrong code = %d %s, want 400 code-mismatch", res.StatusCode, res.Body)
	}
	if res, body := s.do(t, other("POST", "/v1/me/letters/"+letterID+"/code", `{"code":"`+code+`"}`)); res.StatusCode != http.StatusNotFound || body["type"] != httpapi.ProblemBase+"letter-not-found" {
		t.Errorf("another person's code for the letter = %d %s, want 404", res.StatusCode, res.Body)
	}
	res, body = enter(strings.ToLower(code))
	if res.StatusCode != http.StatusOK || body["level"] != "confirmed" || body["confirmationMethod"] != "letter" || body["status"] != "used" {
		t.Fatalf("right code = %d %s, want 200 confirmed by letter", res.StatusCode, res.Body)
	}
	if res, body := enter(code); res.StatusCode != http.StatusConflict || body["type"] != httpapi.ProblemBase+"letter-used" {
		t.Errorf("the code again = %d %s, want 409 letter-used", res.StatusCode, res.Body)
	}
	_, me = s.do(t, as("GET", "/v1/me", ""))
	if me["level"] != "confirmed" || me["confirmationMethod"] != "letter" {
		t.Errorf("GET /v1/me = %v, want confirmed by letter", me)
	}
	if n := s.counts(t)["Confirmations"]; n != 1 || !strings.Contains(s.metrics.String(), `"Method":"letter"`) {
		t.Errorf("Confirmations metric = %v (%s), want 1 by letter, once though the code was entered twice", n, s.metrics.String())
	}
	sms := strings.Join(s.smsTo(t, "+79123450301"), "\n")
	if !strings.Contains(sms, "заказным письмом") || strings.Contains(sms, code) || strings.Contains(sms, strings.ReplaceAll(code, "-", "")) {
		t.Errorf("SMS = %q, want the confirmation notice and never the code", sms)
	}
	if logs := s.logs.String(); strings.Contains(logs, code) || strings.Contains(logs, "Канареечная") {
		t.Errorf("logs contain the code or the address")
	}
}

func TestLetterBadRequests(t *testing.T) {
	t.Parallel()
	s, _ := newLetterSystem(t)
	const canary = "Canary-7f3a91"
	as := s.signedIn(t, "+79123450311")
	_, me := s.do(t, as("GET", "/v1/me", ""))
	s.setLevel(t, me["accountId"].(string), "standard", "")
	tests := []struct {
		name, method, path, body string
		status                   int
		typ                      string
		pointers                 []string
	}{
		{"unknown field", "POST", "/v1/me/letters", `{"source":"registration","` + canary + `":1}`, 400, "validation-failed", []string{""}},
		{"no address", "POST", "/v1/me/letters", `{}`, 400, "validation-failed", []string{"/address"}},
		{"bad address", "POST", "/v1/me/letters", `{"address":{"postcode":"` + canary + `","text":"` + canary + `"}}`, 400, "validation-failed", []string{"/address/postcode"}},
		{"unknown source", "POST", "/v1/me/letters", `{"source":"` + canary + `"}`, 400, "validation-failed", []string{"/source"}},
		{"no profile address", "POST", "/v1/me/letters", `{"source":"residence"}`, 400, "validation-failed", []string{"/source"}},
		{"malformed code", "POST", "/v1/me/letters/aaaaaaaaaaaaaaaaaaaaaaaaaa/code", `{"code":"` + canary + `"}`, 400, "validation-failed", []string{"/code"}},
		{"unknown letter code", "POST", "/v1/me/letters/aaaaaaaaaaaaaaaaaaaaaaaaaa/code", `{"code":"7K3QM-9ZP2D"}`, 404, "letter-not-found", nil},
		{"unknown letter", "GET", "/v1/me/letters/aaaaaaaaaaaaaaaaaaaaaaaaaa", "", 404, "letter-not-found", nil},
		{"malformed letter id", "GET", "/v1/me/letters/" + canary, "", 404, "letter-not-found", nil},
		{"wrong method", "PUT", "/v1/me/letters", "", 405, "method-not-allowed", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.badRequest(t, as(tt.method, tt.path, tt.body), tt.status, tt.typ, tt.pointers, canary)
		})
	}
	// Without a token nothing is served.
	if res, _ := s.do(t, event(t, "POST", "/v1/me/letters", `{"source":"registration"}`)); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("order without a token = %d, want 401", res.StatusCode)
	}
}
