package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/logging"
)

// TestSensitiveAnswersAreNotCached: every answer that carries tokens,
// personal data or an outcome of the person's account says
// Cache-Control: no-store, successes and problems alike (ASVS 8.1.1,
// 8.2.1).
func TestSensitiveAnswersAreNotCached(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	s.register(t, "+79123450077", "Lantern-Orbit-47")
	_, login := s.do(t, event(t, "POST", "/v1/sessions", `{"login":"+79123450077","password":"Lantern-Orbit-47"}`))
	access, _ := login["accessToken"].(string)
	refresh, _ := login["refreshToken"].(string)
	if access == "" || refresh == "" {
		t.Fatalf("login = %v, want tokens", login)
	}
	authed := func(method, path, body string) func() (string, int, map[string]string) {
		return func() (string, int, map[string]string) {
			req := event(t, method, path, body)
			req.Headers["authorization"] = "Bearer " + access
			res, _ := s.do(t, req)
			return method + " " + path, res.StatusCode, res.Headers
		}
	}
	plain := func(method, path, body string) func() (string, int, map[string]string) {
		return func() (string, int, map[string]string) {
			res, _ := s.do(t, event(t, method, path, body))
			return method + " " + path, res.StatusCode, res.Headers
		}
	}
	steps := []struct {
		call   func() (string, int, map[string]string)
		status int
	}{
		{plain("POST", "/v1/sessions", `{"login":"+79123450077","password":"Lantern-Orbit-47"}`), http.StatusCreated},
		{plain("POST", "/v1/sessions", `{"login":"+79123450077","password":"Wrong-Orbit-47"}`), http.StatusUnauthorized},
		{authed("GET", "/v1/me", ""), http.StatusOK},
		{authed("GET", "/v1/me/profile", ""), http.StatusOK},
		{authed("PATCH", "/v1/me/profile", `{"birthDate":"1990-05-17"}`), http.StatusOK},
		{authed("GET", "/v1/me/events", ""), http.StatusOK},
		{authed("GET", "/v1/me/events/verification", ""), http.StatusOK},
		{plain("GET", "/v1/me", ""), http.StatusUnauthorized},
		{plain("POST", "/v1/sessions/refresh", `{"refreshToken":"`+refresh+`"}`), http.StatusOK},
		{plain("POST", "/v1/sessions/refresh", `{"refreshToken":"`+refresh+`"}`), http.StatusUnauthorized},
		{plain("POST", "/v1/registrations", `{"surname":"","givenName":"Анна","phone":"+79123450078","termsVersion":"1"}`), http.StatusBadRequest},
	}
	for _, st := range steps {
		route, status, headers := st.call()
		if status != st.status {
			t.Errorf("%s = %d, want %d", route, status, st.status)
		}
		if headers["cache-control"] != "no-store" {
			t.Errorf("%s: Cache-Control = %q, want no-store", route, headers["cache-control"])
		}
	}
}

// sensitiveName matches parameter names that would put a secret or personal
// data into a URL, where gateways, proxies and browser histories keep it.
var sensitiveName = regexp.MustCompile(`(?i)token|code|password|secret|snils|passport|phone|e-?mail|inn|answer|birth|name`)

// TestNoSensitiveDataInURLs: no route takes a token, code, password or
// personal datum in its path or query string; they travel in bodies and
// the Authorization header (ASVS 3.1.1, 8.3.1). Path parameters are the
// server's random ids (an organisation's, a member's account id), a
// contact kind or an event number; query
// parameters are paging and catalogue filters. A new parameter has to be
// added here, which is the point: it gets looked at.
func TestNoSensitiveDataInURLs(t *testing.T) {
	t.Parallel()
	pathParams := []string{"id", "kind", "seq", "accountId"} // accountId: a member's random account id
	queryParams := []string{"cursor", "limit", "city", "type", "service", "q", "category", "department", "level"}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	for _, r := range httpapi.Table() {
		for _, m := range param.FindAllStringSubmatch(r.Key, -1) {
			if !slices.Contains(pathParams, m[1]) || sensitiveName.MatchString(m[1]) || logging.Sensitive(m[1]) {
				t.Errorf("%s: path parameter {%s} is not a reviewed id", r.Key, m[1])
			}
		}
	}
	doc := mustContract(t)
	seen := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			params := append(item.Parameters, op.Parameters...)
			for _, p := range params {
				if p.Value == nil {
					continue
				}
				allowed := pathParams
				switch p.Value.In {
				case "query":
					allowed = queryParams
				case "path":
				default:
					continue
				}
				seen[p.Value.In+" "+p.Value.Name] = true
				if !slices.Contains(allowed, p.Value.Name) || sensitiveName.MatchString(p.Value.Name) || logging.Sensitive(p.Value.Name) {
					t.Errorf("%s %s: %s parameter %q is not a reviewed, non-sensitive name", method, path, p.Value.In, p.Value.Name)
				}
			}
		}
	}
	for _, want := range []string{"query cursor", "query q", "path id"} {
		if !seen[want] {
			t.Errorf("api/openapi.yaml: %s parameter not seen; the walk over the document is broken", want)
		}
	}
}

// TestAuthenticationDecisionsAreLogged: every sign-in, failed or not, and
// every refused or accepted bearer token leaves one log line with the
// route, status and fault, at Info for refusals; a signed-in request's
// line names its account; no password or token reaches the log (ASVS
// 7.1.1, 7.1.3, 7.1.4, 7.2.1, 7.2.2).
func TestAuthenticationDecisionsAreLogged(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	const phone, password = "+79123450079", "Lantern-Orbit-47"
	s.register(t, phone, password)
	s.do(t, event(t, "POST", "/v1/sessions", `{"login":"`+phone+`","password":"Wrong-Orbit-47"}`))
	_, login := s.do(t, event(t, "POST", "/v1/sessions", `{"login":"`+phone+`","password":"`+password+`"}`))
	access, _ := login["accessToken"].(string)
	s.do(t, event(t, "GET", "/v1/me", ""))
	me := event(t, "GET", "/v1/me", "")
	me.Headers["authorization"] = "Bearer " + access
	_, account := s.do(t, me)
	accountID, _ := account["accountId"].(string)
	if access == "" || accountID == "" {
		t.Fatalf("login %v, me %v: want a token and an account", login, account)
	}

	type line struct {
		Level, Msg, Route, Fault, AccountID string
		Status                              int
	}
	var lines []line
	for _, l := range strings.Split(strings.TrimSpace(s.logs.String()), "\n") {
		var ln line
		if err := json.Unmarshal([]byte(l), &ln); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if ln.Msg == "request served" {
			lines = append(lines, ln)
		}
	}
	want := []line{
		{Level: "INFO", Route: "POST /v1/sessions", Status: http.StatusUnauthorized, Fault: "login-failed"},
		{Level: "INFO", Route: "POST /v1/sessions", Status: http.StatusCreated},
		{Level: "INFO", Route: "GET /v1/me", Status: http.StatusUnauthorized, Fault: "authentication-required"},
		{Level: "INFO", Route: "GET /v1/me", Status: http.StatusOK, AccountID: accountID},
	}
	if len(lines) < len(want) {
		t.Fatalf("%d request lines, want at least %d: %s", len(lines), len(want), s.logs.String())
	}
	got := lines[len(lines)-len(want):]
	for i := range want {
		got[i].Msg = ""
		if got[i] != want[i] {
			t.Errorf("request line %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for what, v := range map[string]string{"password": password, "access token": access} {
		if strings.Contains(s.logs.String(), v) {
			t.Errorf("the log holds the %s", what)
		}
	}
}
