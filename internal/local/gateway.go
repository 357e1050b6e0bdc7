package local

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// MaxGatewayBody is the largest request body the Gateway passes on; larger
// ones get 413. The API enforces its own, smaller limit.
const MaxGatewayBody = 1 << 20

// Facts of the local "deployment" as they appear in events.
const (
	AccountID = "000000000000"
	APIID     = "local"
	Stage     = "$default"
)

// defaultRoute is API Gateway's catch-all route key.
const defaultRoute = "$default"

// defaultTimeout is API Gateway's maximum integration timeout.
const defaultTimeout = 30 * time.Second

// Handler is a Lambda handler of API Gateway HTTP API events (payload
// format 2.0), such as (*httpapi.API).Handle.
type Handler func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// RouteMatcher finds the route key and path parameters of a request the
// way API Gateway does; httpapi.Match is the one the API uses. It returns
// "$default" when no route matches.
type RouteMatcher func(method, path string) (key string, params map[string]string, allowed []string)

// Gateway stands in for API Gateway in front of one Lambda function: it
// turns each net/http request into the event API Gateway would send,
// calls the handler and writes its response back.
type Gateway struct {
	handler Handler
	match   RouteMatcher
	// Timeout is the deadline of the handler's context, like a Lambda
	// function's timeout; 0 means 30 s, API Gateway's integration limit.
	Timeout time.Duration
	// Log receives failed invocations; nil means slog.Default().
	Log *slog.Logger
	// IAM stands in for API Gateway's AWS_IAM authorizer; nil authorizes
	// no route by IAM.
	IAM IAMAuthorizer
	now func() time.Time
}

// IAMAuthorizer stands in for API Gateway's AWS_IAM authorizer.
type IAMAuthorizer interface {
	// Authorize returns the IAM identity of the caller of routeKey, or
	// nil when the route is not authorized by IAM; ok false refuses the
	// request with 403, as API Gateway refuses a missing or bad signature.
	Authorize(routeKey string, h http.Header) (id *events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription, ok bool)
}

// NewGateway returns a Gateway calling h, with route keys and path
// parameters from match (nil sends every request to "$default").
func NewGateway(h Handler, match RouteMatcher) *Gateway {
	return &Gateway{handler: h, match: match, Timeout: defaultTimeout, now: time.Now}
}

// Problem bodies the Gateway itself answers with (RFC 9457).
const (
	problemInternal = `{"type":"https://portalid.example/problems/internal","title":"Internal error","status":500}`
	problemTooLarge = `{"type":"https://portalid.example/problems/payload-too-large","title":"Payload too large","status":413}`
)

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxGatewayBody+1))
	if err != nil {
		g.log().WarnContext(r.Context(), "read request body failed", "error", err)
		writeProblem(w, http.StatusBadRequest, `{"type":"https://portalid.example/problems/bad-request","title":"Bad request","status":400}`)
		return
	}
	if len(body) > MaxGatewayBody {
		writeProblem(w, http.StatusRequestEntityTooLarge, problemTooLarge)
		return
	}
	ev := g.Event(r, body)
	if g.IAM != nil {
		id, ok := g.IAM.Authorize(ev.RouteKey, r.Header)
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"message":"Forbidden"}`)
			return
		}
		if id != nil {
			ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{IAM: id}
			delete(ev.Headers, "authorization") // the credential stops here
		}
	}

	timeout := g.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
		AwsRequestID:       newUUID(),
		InvokedFunctionArn: "arn:aws:lambda:" + Region + ":" + AccountID + ":function:local",
	})
	resp, err := g.invoke(ctx, ev)
	if err != nil {
		g.log().ErrorContext(ctx, "handler failed", "route", ev.RouteKey, "error", err)
		writeProblem(w, http.StatusInternalServerError, problemInternal)
		return
	}
	if err := writeResponse(w, resp); err != nil {
		g.log().ErrorContext(ctx, "invalid handler response", "route", ev.RouteKey, "error", err)
		writeProblem(w, http.StatusInternalServerError, problemInternal)
	}
}

// invoke calls the handler; a panic is an invocation error, as it is for
// the Lambda runtime.
func (g *Gateway) invoke(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return g.handler(ctx, ev)
}

func (g *Gateway) log() *slog.Logger {
	if g.Log != nil {
		return g.Log
	}
	return slog.Default()
}

// Event returns the API Gateway HTTP API (payload 2.0) event for r, whose
// body has already been read into body.
func (g *Gateway) Event(r *http.Request, body []byte) events.APIGatewayV2HTTPRequest {
	now := time.Now
	if g.now != nil {
		now = g.now
	}
	t := now().UTC()
	sourceIP := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		sourceIP = host
	}
	rawPath := r.URL.EscapedPath()

	routeKey, params := defaultRoute, map[string]string(nil)
	if g.match != nil {
		var raw map[string]string
		routeKey, raw, _ = g.match(r.Method, rawPath)
		params = unescapeParams(raw)
	}

	headers, cookies := eventHeaders(r, sourceIP, len(body))
	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              routeKey,
		RawPath:               rawPath,
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: queryParams(r.URL.RawQuery),
		PathParameters:        params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     routeKey,
			AccountID:    AccountID,
			Stage:        Stage,
			RequestID:    newRequestID(),
			APIID:        APIID,
			DomainName:   hostOnly(r.Host),
			DomainPrefix: strings.SplitN(hostOnly(r.Host), ".", 2)[0],
			Time:         t.Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    t.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      rawPath,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if isTextual(r.Header.Get("Content-Type"), body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

// eventHeaders lower-cases names and joins repeated values with commas, as
// API Gateway does; cookies leave the headers for the event's Cookies.
func eventHeaders(r *http.Request, sourceIP string, bodyLen int) (map[string]string, []string) {
	headers := make(map[string]string, len(r.Header)+5)
	var cookies []string
	for name, values := range r.Header {
		lower := strings.ToLower(name)
		if lower == "cookie" {
			for _, v := range values {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[lower] = strings.Join(values, ",")
	}
	headers["host"] = r.Host
	if bodyLen > 0 {
		headers["content-length"] = strconv.Itoa(bodyLen)
	}
	if prior := headers["x-forwarded-for"]; prior != "" {
		headers["x-forwarded-for"] = prior + ", " + sourceIP
	} else {
		headers["x-forwarded-for"] = sourceIP
	}
	headers["x-forwarded-proto"] = "http"
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, port, err := net.SplitHostPort(a.String()); err == nil {
			headers["x-forwarded-port"] = port
		}
	}
	return headers, cookies
}

// queryParams joins repeated parameters with commas, as API Gateway does;
// nil when there are none.
func queryParams(raw string) map[string]string {
	if raw == "" {
		return nil
	}
	values, _ := url.ParseQuery(raw) // keeps what parses, like API Gateway
	if len(values) == 0 {
		return nil
	}
	params := make(map[string]string, len(values))
	for k, v := range values {
		params[k] = strings.Join(v, ",")
	}
	return params
}

func unescapeParams(raw map[string]string) map[string]string {
	if raw == nil {
		return nil
	}
	params := make(map[string]string, len(raw))
	for k, v := range raw {
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
		params[k] = v
	}
	return params
}

// isTextual reports whether API Gateway would pass the body as text rather
// than base64: a text-like content type and valid UTF-8.
func isTextual(contentType string, body []byte) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	textual := strings.HasPrefix(mt, "text/") ||
		strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml") ||
		mt == "application/json" || mt == "application/xml" ||
		mt == "application/javascript" || mt == "application/x-www-form-urlencoded"
	return textual && utf8.Valid(body)
}

// writeResponse writes a handler's response as API Gateway would.
func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) error {
	if resp.StatusCode < 200 || resp.StatusCode > 599 {
		return fmt.Errorf("status code %d", resp.StatusCode)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			return fmt.Errorf("decode base64 body: %w", err)
		}
	}
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	return nil
}

func writeProblem(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// newRequestID returns an id shaped like API Gateway's ("LV7fzho-PHcEJPw=").
func newRequestID() string {
	var b [11]byte
	_, _ = rand.Read(b[:])
	return base64.URLEncoding.EncodeToString(b[:])
}
