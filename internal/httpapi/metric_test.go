package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/config"
)

// counts sums the EMF lines written so far per metric.
func (s *system) counts(t *testing.T) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(s.metrics.String()), "\n") {
		if line == "" {
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatalf("metric line %q is not JSON: %v", line, err)
		}
		meta := doc["_aws"].(map[string]any)
		for _, d := range meta["CloudWatchMetrics"].([]any) {
			for _, m := range d.(map[string]any)["Metrics"].([]any) {
				name := m.(map[string]any)["Name"].(string)
				out[name] += doc[name].(float64)
			}
		}
	}
	return out
}

// TestMetricsAtTheEdge: a created account is one Registrations, written
// once even when the request is replayed by its Idempotency-Key; the
// failure that trips a lockout is one Lockouts, and the refusals while
// locked add none. The metric lines carry no personal data.
func TestMetricsAtTheEdge(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	phone := "+79123450077"
	s.register(t, phone, "Lantern-Orbit-47")
	if diff := cmp.Diff(map[string]float64{"Registrations": 1}, s.counts(t)); diff != "" {
		t.Fatalf("after a registration (-want +got):\n%s", diff)
	}

	res, body := s.do(t, event(t, "POST", "/v1/registrations",
		`{"surname":"Петрова","givenName":"Анна","phone":"+79123450078","termsVersion":"1"}`))
	id := body["registrationId"].(string)
	s.do(t, event(t, "POST", "/v1/registrations/"+id+"/confirm", `{"code":"`+s.lastSMSCode(t, "+79123450078")+`"}`))
	req := event(t, "POST", "/v1/registrations/"+id+"/password", `{"password":"Lantern-Orbit-47"}`)
	req.Headers["idempotency-key"] = "2b0e6f1c-metric-replay"
	for range 2 {
		if res, _ = s.do(t, req); res.StatusCode != http.StatusCreated {
			t.Fatalf("password = %d %s", res.StatusCode, res.Body)
		}
	}
	if got := s.counts(t)["Registrations"]; got != 2 {
		t.Errorf("Registrations = %v after a second account and its replay, want 2", got)
	}

	max := config.Defaults().Session.LoginMaxFailures
	for i := range max + 2 {
		res, _ := s.do(t, event(t, "POST", "/v1/sessions", `{"login":"`+phone+`","password":"Wrong-Guess-1"}`))
		if i < max && res.StatusCode != http.StatusUnauthorized || i >= max && res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("failure %d = %d %s", i+1, res.StatusCode, res.Body)
		}
	}
	if got := s.counts(t)["Lockouts"]; got != 1 {
		t.Errorf("Lockouts = %v after %d failures and 2 refusals, want 1", got, max)
	}
	for _, secret := range []string{phone, "9123450077", "Lantern-Orbit-47", "Wrong-Guess-1", "Иванова"} {
		if strings.Contains(s.metrics.String(), secret) {
			t.Errorf("metric lines contain %q", secret)
		}
	}
}
