// Package httpapi is the HTTP edge: the route table, request decoding and
// RFC 9457 problem+json errors. It is the only package that knows HTTP.
package httpapi

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// API serves the routes of the table. The same value serves Lambda, the
// local server of make run and the tests.
type API struct {
	handlers map[string]handler
}

type handler func(ctx context.Context, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse

// Handle serves one API Gateway (HTTP API, payload 2.0) request. It always
// returns a nil error: every failure becomes a problem+json response.
func (a *API) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	h, ok := a.handlers[req.RouteKey]
	if !ok {
		h = a.handlers[DefaultRoute]
	}
	return h(ctx, req), nil
}
