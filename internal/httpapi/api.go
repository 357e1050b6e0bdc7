// Package httpapi is the HTTP edge: the route table, request decoding and
// RFC 9457 problem+json errors. It is the only package that knows HTTP.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/registration"
)

// Services are the flows the API serves. A Lambda function sets only the
// flows of its routes; a route whose flow is missing answers 404, as API
// Gateway would never send it there.
type Services struct {
	Registration *registration.Flow
	Logger       *slog.Logger
}

// API serves the routes of the table. The same value serves Lambda, the
// local server of make run and the tests.
type API struct {
	handlers map[string]handler
	log      *slog.Logger
}

// handler answers one route; it returns the response or an error that
// serve maps to problem+json.
type handler func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// New builds the API over the services.
func New(s Services) *API {
	a := &API{handlers: map[string]handler{}, log: s.Logger}
	if a.log == nil {
		a.log = slog.Default()
	}
	if r := s.Registration; r != nil {
		reg := registrationRoutes{flow: r}
		a.handlers["POST /v1/registrations"] = reg.start
		a.handlers["POST /v1/registrations/{id}/resend"] = reg.resend
		a.handlers["POST /v1/registrations/{id}/confirm"] = reg.confirm
		a.handlers["POST /v1/registrations/{id}/password"] = reg.password
	}
	a.handlers[DefaultRoute] = notFound
	return a
}

// Handle serves one API Gateway (HTTP API, payload 2.0) request. It always
// returns a nil error: every failure becomes a problem+json response.
func (a *API) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	start := time.Now()
	h, ok := a.handlers[req.RouteKey]
	if !ok {
		h = notFound
	}
	res, err := h(ctx, req)
	attrs := []slog.Attr{slog.String("route", req.RouteKey)}
	if err != nil {
		if f, ok := fault.As(err); ok {
			res = problem(f, req.RequestContext.RequestID)
			attrs = append(attrs, slog.String("fault", f.Slug), slog.String("kind", f.Kind.String()))
		} else {
			res = internalError(req.RequestContext.RequestID)
			// The error text names operations and ids, never personal data.
			attrs = append(attrs, slog.String("fault", "internal"), slog.String("error", err.Error()))
		}
	}
	attrs = append(attrs, slog.Int("status", res.StatusCode), slog.Int64("durationMs", time.Since(start).Milliseconds()))
	level := slog.LevelInfo
	if res.StatusCode >= 500 {
		level = slog.LevelError
	}
	a.log.LogAttrs(ctx, level, "request served", attrs...)
	return res, nil
}

// notFound serves the $default route: 405 with Allow when the path exists
// under another method, else 404.
func notFound(_ context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	_, _, allowed := Match(req.RequestContext.HTTP.Method, req.RawPath)
	if len(allowed) == 0 {
		return events.APIGatewayV2HTTPResponse{}, fault.New(fault.NotFound, "route-not-found")
	}
	sort.Strings(allowed)
	res := render(http.StatusMethodNotAllowed, fault.New(fault.Invalid, "method-not-allowed"), req.RequestContext.RequestID)
	res.Headers["allow"] = strings.Join(allowed, ", ")
	return res, nil
}
