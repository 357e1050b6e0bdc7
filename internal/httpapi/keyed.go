package httpapi

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/idempotency"
)

// keyed runs a signed-in person's create request at most once per
// Idempotency-Key. It runs inside the authentication check, and the key's
// scope holds the account: a replay needs a valid token of the same
// account, and two people's keys never meet.
func (a *API) keyed(h handler) handler {
	return func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		key := header(req, "idempotency-key")
		if key == "" || a.idem == nil {
			return h(ctx, req)
		}
		var (
			res   events.APIGatewayV2HTTPResponse
			attrs []slog.Attr
			ran   bool
		)
		scope := req.RouteKey + " " + req.RawPath + " " + principal(ctx).Account.ID
		stored, err := a.idem.Do(ctx, scope, key, []byte(req.Body), func() idempotency.Response {
			ran = true
			res, attrs = a.serve(ctx, h, req)
			return idempotency.Response{Status: res.StatusCode, ContentType: res.Headers["content-type"], Body: res.Body}
		})
		if n, ok := ctx.Value(notesKey{}).(*notes); ok {
			n.attrs = append(n.attrs, attrs...)
		}
		switch {
		case err != nil:
			return events.APIGatewayV2HTTPResponse{}, err
		case ran:
			return res, nil
		}
		if n, ok := ctx.Value(notesKey{}).(*notes); ok {
			n.attrs = append(n.attrs, slog.Bool("replayed", true))
		}
		return events.APIGatewayV2HTTPResponse{StatusCode: stored.Status, Body: stored.Body, Headers: map[string]string{
			"content-type": stored.ContentType, "cache-control": "no-store", "idempotent-replayed": "true",
		}}, nil
	}
}

// signedIn reports whether the route needs a signed-in person, whose
// Idempotency-Key keyed handles.
func signedIn(routeKey string) bool {
	for _, r := range Table() {
		if r.Key == routeKey {
			return r.Auth
		}
	}
	return false
}
