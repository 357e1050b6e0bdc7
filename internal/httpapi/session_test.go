package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/portalid/portalid/internal/httpapi"
)

// register runs the registration over HTTP and returns the phone.
func (s *system) register(t *testing.T, phone, password string) {
	t.Helper()
	res, body := s.do(t, event(t, "POST", "/v1/registrations",
		`{"surname":"Иванова","givenName":"Анна","phone":"`+phone+`","termsVersion":"1"}`))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("start = %d %s", res.StatusCode, res.Body)
	}
	id := body["registrationId"].(string)
	if res, _ := s.do(t, event(t, "POST", "/v1/registrations/"+id+"/confirm", `{"code":"`+s.lastSMSCode(t, phone)+`"}`)); res.StatusCode != http.StatusOK {
		t.Fatalf("confirm = %d %s", res.StatusCode, res.Body)
	}
	if res, _ := s.do(t, event(t, "POST", "/v1/registrations/"+id+"/password", `{"password":"`+password+`"}`)); res.StatusCode != http.StatusCreated {
		t.Fatalf("password = %d %s", res.StatusCode, res.Body)
	}
}

func TestSessionsOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	s.register(t, "+79123450001", "Lantern-Orbit-47")

	res, body := s.do(t, event(t, "POST", "/v1/sessions", `{"login":"+79123450001","password":"Lantern-Orbit-47"}`))
	if res.StatusCode != http.StatusCreated || body["tokenType"] != "Bearer" || body["level"] != "simplified" {
		t.Fatalf("login = %d %s, want 201 with bearer tokens", res.StatusCode, res.Body)
	}
	access, refresh := body["accessToken"].(string), body["refreshToken"].(string)

	me := event(t, "GET", "/v1/me", "")
	me.Headers["authorization"] = "Bearer " + access
	res, body = s.do(t, me)
	if res.StatusCode != http.StatusOK || body["level"] != "simplified" || body["accountId"] == "" {
		t.Fatalf("GET /v1/me = %d %s, want the account at level simplified", res.StatusCode, res.Body)
	}

	ev := event(t, "GET", "/v1/me/events", "")
	ev.Headers["authorization"] = "Bearer " + access
	res, body = s.do(t, ev)
	if res.StatusCode != http.StatusOK || len(body["events"].([]any)) != 2 {
		t.Fatalf("GET /v1/me/events = %d %s, want login and account-created", res.StatusCode, res.Body)
	}
	vf := event(t, "GET", "/v1/me/events/verification", "")
	vf.Headers["authorization"] = "Bearer " + access
	if res, body = s.do(t, vf); body["intact"] != true {
		t.Errorf("verification = %s, want intact", res.Body)
	}

	res, body = s.do(t, event(t, "POST", "/v1/sessions/refresh", `{"refreshToken":"`+refresh+`"}`))
	if res.StatusCode != http.StatusOK || body["refreshToken"] == refresh {
		t.Fatalf("refresh = %d %s, want a new pair", res.StatusCode, res.Body)
	}
	access = body["accessToken"].(string)

	out := event(t, "DELETE", "/v1/sessions/current", "")
	out.Headers["authorization"] = "Bearer " + access
	if res, _ = s.do(t, out); res.StatusCode != http.StatusNoContent {
		t.Fatalf("logout = %d %s, want 204", res.StatusCode, res.Body)
	}
	me.Headers["authorization"] = "Bearer " + access
	if res, body = s.do(t, me); res.StatusCode != http.StatusUnauthorized || body["type"] != httpapi.ProblemBase+"session-invalid" {
		t.Errorf("GET /v1/me after logout = %d %s, want 401 session-invalid", res.StatusCode, res.Body)
	}
}

func TestUnauthenticated(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	tests := []struct{ name, header, typ string }{
		{"no token", "", "authentication-required"},
		{"not bearer", "Basic dXNlcjpwYXNz", "authentication-required"},
		{"alg none", "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.", "token-invalid"},
		{"garbage", "Bearer " + strings.Repeat("a", 100), "token-invalid"},
	}
	for _, route := range []string{"/v1/me", "/v1/me/events"} {
		for _, tt := range tests {
			req := event(t, "GET", route, "")
			if tt.header != "" {
				req.Headers["authorization"] = tt.header
			}
			res, body := s.do(t, req)
			if res.StatusCode != http.StatusUnauthorized || body["type"] != httpapi.ProblemBase+tt.typ || res.Headers["content-type"] != "application/problem+json" {
				t.Errorf("%s %s = %d %s, want 401 %s", route, tt.name, res.StatusCode, res.Body, tt.typ)
			}
			if !strings.HasPrefix(res.Headers["www-authenticate"], "Bearer") {
				t.Errorf("%s %s: WWW-Authenticate = %q", route, tt.name, res.Headers["www-authenticate"])
			}
		}
	}
	res, _ := s.do(t, event(t, "POST", "/v1/sessions", `{"login":"+79990001122","password":"whatever-1"}`))
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("login with an unknown phone = %d, want 401", res.StatusCode)
	}
}

func TestJWKS(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	res, _ := s.do(t, event(t, "GET", "/.well-known/jwks.json", ""))
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(res.Body), &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("JWKS = %d %s (%v), want one key", res.StatusCode, res.Body, err)
	}
	if k := set.Keys[0]; k.Algorithm != "ES256" || !k.IsPublic() || k.KeyID == "" {
		t.Errorf("JWKS key = alg %s public %v kid %q, want a public ES256 key with a kid", k.Algorithm, k.IsPublic(), k.KeyID)
	}
}
