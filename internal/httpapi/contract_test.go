package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/portalid/portalid/internal/httpapi"
)

// contractPath is the HTTP contract, api/openapi.yaml, from this package.
const contractPath = "../../api/openapi.yaml"

// contract is the document, loaded and validated once per test binary.
var contract = sync.OnceValues(func() (*openapi3.T, error) { return loadContract(contractPath) })

// loadContract reads an OpenAPI document and checks it against the
// OpenAPI rules (kin-openapi validates 3.1 schemas as JSON Schema 2020-12).
func loadContract(path string) (*openapi3.T, error) {
	l := openapi3.NewLoader()
	doc, err := l.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := doc.Validate(l.Context); err != nil {
		return nil, fmt.Errorf("validate %s: %w", path, err)
	}
	return doc, nil
}

func mustContract(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := contract()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// conform holds one exchange to the contract; every request the package's
// tests send through system.do passes here.
func conform(t testing.TB, req events.APIGatewayV2HTTPRequest, res events.APIGatewayV2HTTPResponse) {
	t.Helper()
	if err := checkExchange(mustContract(t), req, res); err != nil {
		t.Errorf("api/openapi.yaml: %s %s → %d: %v", req.RequestContext.HTTP.Method, req.RawPath, res.StatusCode, err)
	}
}

// checkExchange reports how an exchange departs from the document:
//   - a request the document refuses must have been refused (4xx);
//   - the response's status must be one the operation lists, its body
//     must match that status's schema for its content type, and its
//     documented headers (Retry-After, WWW-Authenticate) must be there;
//   - a problem answer's type must be one the operation lists
//     (x-problem-types, or x-common-problem-types that apply to it).
func checkExchange(doc *openapi3.T, req events.APIGatewayV2HTTPRequest, res events.APIGatewayV2HTTPResponse) error {
	if req.RouteKey == httpapi.DefaultRoute {
		return checkUnrouted(doc, res)
	}
	method, path, _ := strings.Cut(req.RouteKey, " ")
	item := doc.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		return fmt.Errorf("route %q is not in the document", req.RouteKey)
	}
	op := item.GetOperation(method)
	hreq, err := httpRequest(method, req)
	if err != nil {
		return err
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{
		Request:    hreq,
		PathParams: req.PathParameters,
		Route:      &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
		Options:    &openapi3filter.Options{MultiError: true, AuthenticationFunc: credentials},
	}
	if reqErr := openapi3filter.ValidateRequest(ctx, in); reqErr != nil && (res.StatusCode < 400 || res.StatusCode >= 500) {
		return fmt.Errorf("the document refuses the request (%v), yet the API answered %d", reqErr, res.StatusCode)
	}
	header := http.Header{}
	for k, v := range res.Headers {
		header.Set(k, v)
	}
	err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.StatusCode,
		Header:                 header,
		Body:                   io.NopCloser(strings.NewReader(res.Body)),
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	})
	if err != nil {
		return fmt.Errorf("response: %w", err)
	}
	if r := op.Responses.Status(res.StatusCode); r != nil && len(r.Value.Content) == 0 && res.Body != "" {
		return fmt.Errorf("status %d is documented without a body, yet the API sent one", res.StatusCode)
	}
	if res.StatusCode < 400 {
		return nil
	}
	slug, err := problemSlug(res)
	if err != nil {
		return err
	}
	if !slices.Contains(problemTypes(doc, op), slug) {
		return fmt.Errorf("problem type %q is not listed for %s (x-problem-types)", slug, req.RouteKey)
	}
	return nil
}

// checkUnrouted checks the answer to a request no operation matches: a
// problem of one of the types every path can answer.
func checkUnrouted(doc *openapi3.T, res events.APIGatewayV2HTTPResponse) error {
	var body any
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		return fmt.Errorf("unrouted answer is not JSON: %w", err)
	}
	if err := doc.Components.Schemas["Problem"].Value.VisitJSON(body, openapi3.EnableJSONSchema2020()); err != nil {
		return fmt.Errorf("unrouted answer: %w", err)
	}
	slug, err := problemSlug(res)
	if err != nil {
		return err
	}
	if !slices.Contains(commonProblemTypes(doc, "anyPath"), slug) {
		return fmt.Errorf("problem type %q is not in x-common-problem-types.anyPath", slug)
	}
	return nil
}

// httpRequest turns an API Gateway event back into the HTTP request it
// stands for.
func httpRequest(method string, req events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	body := req.Body
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
		body = string(b)
	}
	query := req.RawQueryString
	if query == "" && len(req.QueryStringParameters) > 0 {
		v := url.Values{}
		for k, x := range req.QueryStringParameters {
			v.Set(k, x)
		}
		query = v.Encode()
	}
	u := "https://api.portalid.example" + req.RawPath
	if query != "" {
		u += "?" + query
	}
	r, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range req.Headers {
		r.Header.Set(k, v)
	}
	return r, nil
}

// credentials checks that a request carries the credential its security
// scheme names. Whether the credential is good is the API's business, and
// a bad one is answered 401, which the responses document.
func credentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(h, " ")
	switch in.SecurityScheme.Type {
	case "http":
		if !strings.EqualFold(scheme, in.SecurityScheme.Scheme) || strings.TrimSpace(cred) == "" {
			return errors.New("no " + in.SecurityScheme.Scheme + " credential")
		}
	case "apiKey":
		if scheme != "AWS4-HMAC-SHA256" {
			return errors.New("not signed with SigV4")
		}
	}
	return nil
}

func problemSlug(res events.APIGatewayV2HTTPResponse) (string, error) {
	var p httpapi.Problem
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		return "", fmt.Errorf("problem body: %w", err)
	}
	slug, ok := strings.CutPrefix(p.Type, httpapi.ProblemBase)
	if !ok {
		return "", fmt.Errorf("problem type %q does not start with %s", p.Type, httpapi.ProblemBase)
	}
	return slug, nil
}

// problemTypes lists the problem types an operation may answer: its own
// x-problem-types and the common ones that apply to it.
func problemTypes(doc *openapi3.T, op *openapi3.Operation) []string {
	out := append(stringList(op.Extensions["x-problem-types"]), commonProblemTypes(doc, "all")...)
	if op.RequestBody != nil {
		out = append(out, commonProblemTypes(doc, "requestBody")...)
	}
	if op.Security != nil && slices.ContainsFunc(*op.Security, func(r openapi3.SecurityRequirement) bool { _, ok := r["citizenBearer"]; return ok }) {
		out = append(out, commonProblemTypes(doc, "citizenBearer")...)
	}
	return out
}

func commonProblemTypes(doc *openapi3.T, group string) []string {
	m, _ := doc.Extensions["x-common-problem-types"].(map[string]any)
	return stringList(m[group])
}

// stringList reads a list of strings from a decoded extension value.
func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
