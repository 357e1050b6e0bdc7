package httpapi

import "strings"

// Spec is one row of the route table: the API Gateway route key and the
// Lambda function (by folder stem under functions/) that serves it.
type Spec struct {
	Key      string // "POST /v1/registrations/{id}/confirm", or "$default"
	Function string // "registration"
	Auth     bool   // requires a citizen's bearer access token
	// The routes of the operator function are behind API Gateway's IAM
	// authorizer instead (Spec.IAM in operator.go).
}

// DefaultRoute is API Gateway's catch-all route key.
const DefaultRoute = "$default"

// Table lists every route of the HTTP API. template.yaml declares the same
// routes on the same functions, and a test keeps the two equal.
func Table() []Spec {
	return []Spec{
		{"POST /v1/registrations", "registration", false},
		{"POST /v1/registrations/{id}/resend", "registration", false},
		{"POST /v1/registrations/{id}/confirm", "registration", false},
		{"POST /v1/registrations/{id}/password", "registration", false},
		{"POST /v1/sessions", "session", false},
		{"POST /v1/sessions/refresh", "session", false},
		{"DELETE /v1/sessions/current", "session", true},
		{"DELETE /v1/sessions", "session", true},
		{"GET /.well-known/jwks.json", "session", false},
		{"GET /v1/me", "account", true},
		{"GET /v1/me/events", "account", true},
		{"GET /v1/me/events/verification", "account", true},
		{"POST /v1/me/events/{seq}/not-me", "account", true},
		{"PUT /v1/me/password", "account", true},
		{"PUT /v1/me/security-question", "account", true},
		{"PUT /v1/me/contacts/{kind}", "account", true},
		{"POST /v1/me/contacts/{kind}/confirm", "account", true},
		{"PUT /v1/me/notifications", "account", true},
		{"GET /v1/me/profile", "account", true},
		{"PATCH /v1/me/profile", "account", true},
		{"POST /v1/me/identity-checks", "account", true},
		{"GET /v1/me/identity-checks/{id}", "account", true},
		{"POST /v1/me/signature-challenges", "confirmation", true},
		{"POST /v1/me/signature-challenges/{id}", "confirmation", true},
		{"POST /v1/me/letters", "confirmation", true},
		{"GET /v1/me/letters/{id}", "confirmation", true},
		{"POST /v1/me/letters/{id}/code", "confirmation", true},
		// Legal entities (SPEC §2.5), created by a signature: beside the
		// signature confirmation, which holds the trust list.
		{"POST /v1/organisations/signature-challenges", "confirmation", true},
		{"POST /v1/organisations", "confirmation", true},
		{"GET /v1/organisations", "confirmation", true},
		{"GET /v1/organisations/{id}", "confirmation", true},
		{"GET /v1/organisations/{id}/members", "confirmation", true},
		{"POST /v1/organisations/{id}/members", "confirmation", true},
		{"DELETE /v1/organisations/{id}/members/{accountId}", "confirmation", true},
		{"GET /v1/organisations/{id}/events", "confirmation", true},
		{"POST /v1/recovery", "recovery", false},
		{"POST /v1/recovery/{id}/resend", "recovery", false},
		{"POST /v1/recovery/{id}/confirm", "recovery", false},
		{"POST /v1/recovery/{id}/password", "recovery", false},
		{"GET /v1/service-centres", "catalogue", false},
		{"GET /v1/services", "catalogue", false},
		{"GET /v1/services/{id}", "catalogue", false},
		{"GET /v1/services/{id}/access", "catalogue", true},
		// Service-centre operators (SPEC §2.4 "In person"): IAM, not bearer.
		{"POST /v1/operator/account-searches", "operator", false},
		{"POST /v1/operator/accounts/{id}/passport-checks", "operator", false},
		{"POST /v1/operator/accounts/{id}/confirmation", "operator", false},
		{"POST /v1/operator/accounts/{id}/access-restorations", "operator", false},
		{DefaultRoute, "registration", false},
	}
}

// Match finds the route key for a request the way API Gateway does, with
// the path parameters it binds. It returns DefaultRoute when no route
// matches; allowed lists the methods of routes whose path matches, so the
// caller can answer 405 instead of 404.
func Match(method, path string) (key string, params map[string]string, allowed []string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, s := range Table() {
		m, tmpl, ok := strings.Cut(s.Key, " ")
		if !ok {
			continue
		}
		p, ok := matchPath(strings.Split(strings.Trim(tmpl, "/"), "/"), segs)
		if !ok {
			continue
		}
		if m == method {
			return s.Key, p, nil
		}
		allowed = append(allowed, m)
	}
	return DefaultRoute, nil, allowed
}

func matchPath(tmpl, segs []string) (map[string]string, bool) {
	if len(tmpl) != len(segs) {
		return nil, false
	}
	var params map[string]string
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[t[1:len(t)-1]] = segs[i]
			continue
		}
		if t != segs[i] {
			return nil, false
		}
	}
	return params, true
}
