package httpapi

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/idempotency"
)

// keyed runs a create request (a route of idempotent) at most once per
// Idempotency-Key, scoped to the route and path. New binds it into those
// routes' handlers only, never into Handle, so no other route reaches the
// keeper. On a signed-in route it runs inside the authentication check,
// and the key's scope holds the account too: a replay needs a valid token
// of the same account, and two people's keys never meet.
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
		scope := req.RouteKey + " " + req.RawPath
		if signedIn(req.RouteKey) {
			scope += " " + principal(ctx).Account.ID
		}
		stored, err := a.idem.Do(ctx, scope, key, []byte(req.Body), func() idempotency.Response {
			ran = true
			res, attrs = a.serve(ctx, h, req)
			return idempotency.Response{Status: res.StatusCode, ContentType: res.Headers["content-type"], Body: res.Body, Location: res.Headers["location"]}
		})
		if n, ok := ctx.Value(notesKey{}).(*notes); ok {
			n.attrs = append(n.attrs, attrs...)
		}
		switch {
		case ran && err != nil:
			// The request ran and its answer stands; only keeping it
			// for a replay failed, which the log line says at Warn.
			if n, ok := ctx.Value(notesKey{}).(*notes); ok {
				n.attrs = append(n.attrs, slog.String("unkept", err.Error()))
			}
			return res, nil
		case err != nil:
			return events.APIGatewayV2HTTPResponse{}, err
		case ran:
			return res, nil
		}
		if n, ok := ctx.Value(notesKey{}).(*notes); ok {
			n.attrs = append(n.attrs, slog.Bool("replayed", true))
		}
		return replayed(stored), nil
	}
}

// signedIn reports whether the route needs a signed-in person, whose
// Idempotency-Key keyed scopes to the account.
func signedIn(routeKey string) bool {
	for _, r := range Table() {
		if r.Key == routeKey {
			return r.Auth
		}
	}
	return false
}
