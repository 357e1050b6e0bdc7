package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/httpapi"
)

// signedIn registers and signs in, returning a request builder that
// carries the access token.
func (s *system) signedIn(t *testing.T, phone string) func(method, path, body string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	s.register(t, phone, "Lantern-Orbit-47")
	res, body := s.do(t, event(t, "POST", "/v1/sessions", `{"login":"`+phone+`","password":"Lantern-Orbit-47"}`))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("login = %d %s", res.StatusCode, res.Body)
	}
	access := body["accessToken"].(string)
	return func(method, path, b string) events.APIGatewayV2HTTPRequest {
		req := event(t, method, path, b)
		req.Headers["authorization"] = "Bearer " + access
		return req
	}
}

func TestProfileOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	as := s.signedIn(t, "+79123450101")
	const canarySNILS = "112-233-445 95"

	patch := as("PATCH", "/v1/me/profile", `{"gender":"female","snils":"`+canarySNILS+`"}`)
	patch.Headers["content-type"] = "application/merge-patch+json"
	res, body := s.do(t, patch)
	if res.StatusCode != http.StatusOK || body["version"] != float64(1) {
		t.Fatalf("PATCH profile = %d %s, want 200 at version 1", res.StatusCode, res.Body)
	}
	if missing, _ := body["missing"].([]any); len(missing) == 0 {
		t.Errorf("PATCH profile: missing = %v, want what is still lacking", body["missing"])
	}
	res, body = s.do(t, as("GET", "/v1/me/profile", ""))
	prof, _ := body["profile"].(map[string]any)
	if res.StatusCode != http.StatusOK || prof["snils"] != "11223344595" || prof["gender"] != "female" {
		t.Fatalf("GET profile = %d %s, want the saved draft", res.StatusCode, res.Body)
	}

	tests := []struct {
		name, body, typ string
		status          int
		pointers        []string
	}{
		{"bad SNILS", `{"snils":"112-233-445 96"}`, "validation-failed", 400, []string{"/snils"}},
		{"bad passport", `{"passport":{"series":"1","number":"2","issuer":"x","issueDate":"2999-01-01","subdivisionCode":"1"}}`, "validation-failed", 400,
			[]string{"/passport/issueDate", "/passport/number", "/passport/series", "/passport/subdivisionCode"}},
		{"unknown field", `{"role":"admin"}`, "validation-failed", 400, []string{"/role"}},
		{"not an object", `[1]`, "validation-failed", 400, []string{""}},
	}
	for _, tt := range tests {
		req := as("PATCH", "/v1/me/profile", tt.body)
		res, body := s.do(t, req)
		if res.StatusCode != tt.status || body["type"] != httpapi.ProblemBase+tt.typ {
			t.Errorf("%s: PATCH = %d %s, want %d %s", tt.name, res.StatusCode, res.Body, tt.status, tt.typ)
			continue
		}
		var got []string
		for _, e := range body["errors"].([]any) {
			got = append(got, e.(map[string]any)["pointer"].(string))
		}
		if strings.Join(slices.Sorted(slices.Values(got)), ",") != strings.Join(tt.pointers, ",") {
			t.Errorf("%s: pointers = %v, want %v", tt.name, got, tt.pointers)
		}
		if strings.Contains(res.Body, "112-233-445") {
			t.Errorf("%s: the problem echoes the input", tt.name)
		}
	}
	if _, body := s.do(t, as("GET", "/v1/me/profile", "")); body["version"] != float64(1) {
		t.Errorf("bad patches changed the draft: version %v, want 1", body["version"])
	}

	// Submission refuses an incomplete draft or a missing consent, and
	// starts nothing.
	res, body = s.do(t, as("POST", "/v1/me/identity-checks", `{"consent":false}`))
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("submit without consent = %d %s, want 400", res.StatusCode, res.Body)
	}
	res, body = s.do(t, as("POST", "/v1/me/identity-checks", `{"consent":true}`))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, "/birthDate") {
		t.Errorf("submit of an incomplete draft = %d %s, want 400 naming what is missing", res.StatusCode, res.Body)
	}
	if res, _ := s.do(t, as("GET", "/v1/me/identity-checks/aaaaaaaaaaaaaaaaaaaaaaaaaa", "")); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown check = %d %s, want 404", res.StatusCode, res.Body)
	}
	if strings.Contains(s.logs.String(), "11223344595") || strings.Contains(s.logs.String(), canarySNILS) {
		t.Errorf("logs contain the SNILS")
	}
	// Another person's token never reaches this draft.
	other := s.signedIn(t, "+79123450102")
	if _, body := s.do(t, other("GET", "/v1/me/profile", "")); body["profile"].(map[string]any)["snils"] != nil {
		t.Errorf("another account sees the SNILS")
	}
}
