package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/catalogue"
)

// FuzzMatch: routing any method and path gives a key of the table or
// $default; a matched route's template, filled with the parameters it
// bound, is the path again; only $default comes with allowed methods.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"POST", "/v1/registrations/abc/confirm"}, {"GET", "/v1/registrations/abc/confirm"}, {"GET", "/v1/services/"},
		{"GET", "//v1//services//x"}, {"POST", "/v1/me/events/05/not-me"}, {"get", "/v1/me"}, {"", ""}, {"GET", "/v1/services/a%2Fb"},
	} {
		f.Add(s[0], s[1])
	}
	keys := map[string]bool{}
	for _, s := range Table() {
		keys[s.Key] = true
	}
	param := regexp.MustCompile(`\{[a-z]+\}`)
	f.Fuzz(func(t *testing.T, method, path string) {
		key, params, allowed := Match(method, path)
		if !keys[key] {
			t.Fatalf("Match(%q, %q) = %q, not a route of the table", method, path, key)
		}
		if key == DefaultRoute {
			if params != nil {
				t.Fatalf("Match(%q, %q) = $default with parameters %v", method, path, params)
			}
			return
		}
		if len(allowed) != 0 {
			t.Fatalf("Match(%q, %q) = %q and allowed %v", method, path, key, allowed)
		}
		m, tmpl, _ := strings.Cut(key, " ")
		filled := param.ReplaceAllStringFunc(tmpl, func(p string) string {
			v := params[p[1:len(p)-1]]
			if v == "" || strings.Contains(v, "/") {
				t.Fatalf("Match(%q, %q) bound %s to %q", method, path, p, v)
			}
			return v
		})
		if m != method || strings.Trim(filled, "/") != strings.Trim(path, "/") {
			t.Fatalf("Match(%q, %q) = %q %v, which fills to %q", method, path, key, params, filled)
		}
	})
}

// FuzzCatalogueRoutes sends any path and query to the public routes
// through the route table: the answer is JSON on 200, else problem+json
// with a 4xx status made only of fixed text (a kebab-case slug, a title of
// the table, reasons, and pointers naming the query parameter), so it
// cannot echo a query value or path segment.
func FuzzCatalogueRoutes(f *testing.F) {
	for _, s := range [][3]string{
		{"/v1/services", "q", "штрафы"}, {"/v1/services", "limit", "0"}, {"/v1/service-centres", "city", "moskva,tver"},
		{"/v1/services/uec-issue", "", ""}, {"/v1/services/<script>", "x", "y"}, {"/v1/service-centres", "cursor", "99999999999"},
		{"/v1/services", "level", "standard,Administrator"}, {"/v1/nowhere", "", ""}, {"/v1/services/uec-issue", "q", "x"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	c, err := catalogue.Embedded()
	if err != nil {
		f.Fatal(err)
	}
	api := New(Services{Catalogue: c, Logger: slog.New(slog.DiscardHandler)})
	var fixed []string
	for _, t := range titles {
		fixed = append(fixed, t)
	}
	for _, t := range kindTitles {
		fixed = append(fixed, t)
	}
	slug := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	f.Fuzz(func(t *testing.T, path, name, value string) {
		key, params, _ := Match(http.MethodGet, path)
		req := events.APIGatewayV2HTTPRequest{RouteKey: key, RawPath: path, PathParameters: params,
			QueryStringParameters: map[string]string{name: value}}
		req.RequestContext.HTTP.Method = http.MethodGet
		res, err := api.Handle(context.Background(), req)
		if err != nil {
			t.Fatalf("Handle() error = %v, want nil", err)
		}
		if !json.Valid([]byte(res.Body)) {
			t.Fatalf("Handle(%q ?%s=%s) body is not JSON", path, name, value)
		}
		if res.StatusCode == http.StatusOK {
			return
		}
		var p Problem
		if res.StatusCode < 400 || res.StatusCode > 499 || res.Headers["content-type"] != "application/problem+json" ||
			json.Unmarshal([]byte(res.Body), &p) != nil || !slug.MatchString(strings.TrimPrefix(p.Type, ProblemBase)) ||
			!slices.Contains(fixed, p.Title) || p.Detail != "" || p.RequestID != "" {
			t.Fatalf("Handle(%q ?%s=%s) = %d %q %s", path, name, value, res.StatusCode, res.Headers["content-type"], res.Body)
		}
		for _, fl := range p.Errors {
			if !slug.MatchString(fl.Reason) || (fl.Pointer != "/"+name && fl.Pointer != "") {
				t.Fatalf("Handle(%q ?%s=%s) field %+v", path, name, value, fl)
			}
		}
	})
}
