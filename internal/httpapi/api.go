// Package httpapi is the HTTP edge: the route table, request decoding and
// RFC 9457 problem+json errors. It is the only package that knows HTTP.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/catalogue"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/access"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/letter"
	"github.com/portalid/portalid/internal/flow/operator"
	"github.com/portalid/portalid/internal/flow/organisation"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/flow/recovery"
	"github.com/portalid/portalid/internal/flow/registration"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/idempotency"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/transient"
)

// Services are the flows the API serves. A Lambda function sets only the
// flows of its routes; a route whose flow is missing answers 404, as API
// Gateway would never send it there.
type Services struct {
	Registration *registration.Flow
	Recovery     *recovery.Flow
	Session      *session.Flow
	Settings     *settings.Flow
	Profile      *profile.Flow
	Identity     *identity.Flow
	Signature    *sigflow.Flow
	// Catalogue is the directory of centres and the catalogue of
	// services; Access checks a signed-in person against a service.
	Catalogue *catalogue.Catalogue
	Access    *access.Flow
	// Operator serves the service-centre operators' routes, whose callers
	// API Gateway authenticates by IAM (Spec.IAM).
	Operator *operator.Flow
	Letters  *letter.Flow
	// Organisations are the legal entities (SPEC §2.5).
	Organisations *organisation.Flow
	// JWKS is the public key set of the access tokens.
	JWKS []byte
	// Idempotency keeps the answers of create requests that carry an
	// Idempotency-Key; nil turns the header off.
	Idempotency *idempotency.Keeper
	Logger      *slog.Logger
	// Metrics writes the metrics a request noted (internal/metric) once it
	// is served; nil writes none.
	Metrics *metric.Emitter
}

// API serves the routes of the table. The same value serves Lambda, the
// local server of make run and the tests.
type API struct {
	handlers map[string]handler
	idem     *idempotency.Keeper
	log      *slog.Logger
	metrics  *metric.Emitter
}

// handler answers one route; it returns the response or an error that
// Handle maps to problem+json.
type handler func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// idempotent lists the routes that create things and so honour an
// Idempotency-Key (SPEC §3). New binds each of them wrapped in keyed, so
// only a function that serves one of them can reach the keeper (and the
// template's derived grants give table writes to no read-only function).
var idempotent = map[string]bool{
	"POST /v1/registrations":               true,
	"POST /v1/registrations/{id}/password": true,
	"POST /v1/recovery":                    true,
	"POST /v1/me/letters":                  true,
	"POST /v1/me/signature-challenges":     true,
	// Legal entities (SPEC §2.5).
	"POST /v1/organisations/signature-challenges": true,
	"POST /v1/organisations":                      true,
	"POST /v1/organisations/{id}/members":         true,
}

// New builds the API over the services.
func New(s Services) *API {
	a := &API{handlers: map[string]handler{}, idem: s.Idempotency, log: s.Logger, metrics: s.Metrics}
	if a.log == nil {
		a.log = slog.Default()
	}
	if r := s.Registration; r != nil {
		reg := registrationRoutes{flow: r}
		a.handlers["POST /v1/registrations"] = a.keyed(reg.start)
		a.handlers["POST /v1/registrations/{id}/resend"] = reg.resend
		a.handlers["POST /v1/registrations/{id}/confirm"] = reg.confirm
		a.handlers["POST /v1/registrations/{id}/password"] = a.keyed(reg.password)
	}
	if r := s.Recovery; r != nil {
		rec := recoveryRoutes{flow: r}
		a.handlers["POST /v1/recovery"] = a.keyed(rec.start)
		a.handlers["POST /v1/recovery/{id}/resend"] = rec.resend
		a.handlers["POST /v1/recovery/{id}/confirm"] = rec.confirm
		a.handlers["POST /v1/recovery/{id}/password"] = rec.password
	}
	if c := s.Catalogue; c != nil {
		cat := newCatalogueRoutes(c, s.Access)
		a.handlers["GET /v1/service-centres"] = cat.centreList()
		a.handlers["GET /v1/services"] = cat.serviceList()
		a.handlers["GET /v1/services/{id}"] = cat.service
		if s.Access != nil && s.Session != nil {
			a.handlers["GET /v1/services/{id}/access"] = cat.accessCheck
		}
	}
	if f := s.Session; f != nil {
		sess := sessionRoutes{flow: f, jwks: s.JWKS}
		a.handlers["POST /v1/sessions"] = sess.login
		a.handlers["POST /v1/sessions/refresh"] = sess.refresh
		a.handlers["DELETE /v1/sessions/current"] = sess.logout
		a.handlers["DELETE /v1/sessions"] = sess.logoutEverywhere
		a.handlers["GET /.well-known/jwks.json"] = sess.keys
		if st := s.Settings; st != nil {
			acct := accountRoutes{flow: st}
			a.handlers["GET /v1/me"] = acct.me
			a.handlers["GET /v1/me/events"] = acct.events
			a.handlers["GET /v1/me/events/verification"] = acct.verify
			a.handlers["POST /v1/me/events/{seq}/not-me"] = acct.notMe
			set := settingsRoutes{flow: st}
			a.handlers["PUT /v1/me/password"] = set.password
			a.handlers["PUT /v1/me/security-question"] = set.securityQuestion
			a.handlers["PUT /v1/me/contacts/{kind}"] = set.contact
			a.handlers["POST /v1/me/contacts/{kind}/confirm"] = set.confirmContact
			a.handlers["PUT /v1/me/notifications"] = set.notifications
		}
		if s.Profile != nil && s.Identity != nil {
			pr := profileRoutes{profile: s.Profile, identity: s.Identity}
			a.handlers["GET /v1/me/profile"] = pr.get
			a.handlers["PATCH /v1/me/profile"] = pr.patch
			a.handlers["POST /v1/me/identity-checks"] = pr.submit
			a.handlers["GET /v1/me/identity-checks/{id}"] = pr.progress
		}
		if s.Signature != nil {
			sig := signatureRoutes{flow: s.Signature}
			a.handlers["POST /v1/me/signature-challenges"] = a.keyed(sig.start)
			a.handlers["POST /v1/me/signature-challenges/{id}"] = sig.submit
		}
		if l := s.Letters; l != nil {
			lr := letterRoutes{flow: l}
			a.handlers["POST /v1/me/letters"] = a.keyed(lr.order)
			a.handlers["GET /v1/me/letters/{id}"] = lr.get
			a.handlers["POST /v1/me/letters/{id}/code"] = lr.code
		}
		if o := s.Organisations; o != nil {
			org := organisationRoutes{flow: o}
			a.handlers["POST /v1/organisations/signature-challenges"] = a.keyed(org.challenge)
			a.handlers["POST /v1/organisations"] = a.keyed(org.create)
			a.handlers["GET /v1/organisations"] = org.mine
			a.handlers["GET /v1/organisations/{id}"] = org.get
			a.handlers["GET /v1/organisations/{id}/members"] = org.members
			a.handlers["POST /v1/organisations/{id}/members"] = a.keyed(org.addMember)
			a.handlers["DELETE /v1/organisations/{id}/members/{accountId}"] = org.removeMember
			a.handlers["GET /v1/organisations/{id}/events"] = org.events
		}
		// Every route the table marks Auth runs behind the one check;
		// its Idempotency-Key, if it honours one, behind it (keyed).
		for _, r := range Table() {
			if h, ok := a.handlers[r.Key]; ok && r.Auth {
				a.handlers[r.Key] = authenticated(f, h)
			}
		}
	}
	if s.Operator != nil {
		a.addOperatorRoutes(s.Operator)
	}
	a.handlers[DefaultRoute] = notFound
	return a
}

// Handle serves one API Gateway (HTTP API, payload 2.0) request. It always
// returns a nil error: every failure becomes a problem+json response. It
// logs once per request: route, status, fault and duration.
func (a *API) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	start := time.Now()
	ctx, counted := metric.Collect(ctx)
	defer a.emit(ctx, counted)
	h, ok := a.handlers[req.RouteKey]
	if !ok {
		h = notFound
	}
	res, attrs := a.serve(ctx, h, req)
	attrs = append(attrs, slog.String("route", req.RouteKey), slog.Int("status", res.StatusCode),
		slog.Int64("durationMs", time.Since(start).Milliseconds()))
	level := slog.LevelInfo
	switch {
	case res.StatusCode >= 500:
		level = slog.LevelError
	case slices.ContainsFunc(attrs, func(a slog.Attr) bool { return a.Key == "undelivered" || a.Key == "unkept" }):
		level = slog.LevelWarn
	}
	a.log.LogAttrs(ctx, level, "request served", attrs...)
	return res, nil
}

// replayed is a stored answer to an Idempotency-Key, given again.
func replayed(stored idempotency.Response) events.APIGatewayV2HTTPResponse {
	res := events.APIGatewayV2HTTPResponse{StatusCode: stored.Status, Body: stored.Body, Headers: map[string]string{
		"content-type": stored.ContentType, "cache-control": "no-store", "idempotent-replayed": "true",
	}}
	if stored.Location != "" {
		res.Headers["location"] = stored.Location
	}
	return res
}

// emit writes the metrics the request noted; a failure to write them is
// logged, never the client's problem.
func (a *API) emit(ctx context.Context, b *metric.Batch) {
	if err := a.metrics.Emit(b); err != nil {
		a.log.WarnContext(ctx, "metrics not written", "error", err.Error())
	}
}

// serve runs a handler and turns its error into problem+json, returning
// the log attributes that describe the outcome.
func (a *API) serve(ctx context.Context, h handler, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, []slog.Attr) {
	n := &notes{}
	res, err := recovered(h)(context.WithValue(ctx, notesKey{}, n), req)
	if err == nil {
		return res, append([]slog.Attr{}, n.attrs...)
	}
	// What the handler noted (an operator's id) stays on a refusal's line.
	if f, ok := fault.As(err); ok {
		return problem(f, req.RequestContext.RequestID), append(n.attrs, slog.String("fault", f.Slug), slog.String("kind", f.Kind.String()))
	}
	// The error text names operations and ids, never personal data; the
	// answer's requestId (API Gateway's) finds the line.
	attrs := append(n.attrs, slog.String("apiRequestId", req.RequestContext.RequestID), slog.String("error", err.Error()))
	// An AWS fault the SDK's retries did not get past is no bug: 503 with
	// Retry-After, so the client tries again.
	if transient.Is(err) {
		f := fault.New(fault.Unavailable, "service-unavailable")
		return problem(f, req.RequestContext.RequestID), append(attrs, slog.String("fault", f.Slug), slog.String("kind", f.Kind.String()))
	}
	return internalError(req.RequestContext.RequestID), append(attrs, slog.String("fault", "internal"))
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

// notes collects what a handler adds to the one log line of its request.
type notes struct{ attrs []slog.Attr }

type notesKey struct{}

// undelivered notes the notices a completed change could not send; the
// change stands and the client gets its answer, the log line says what
// was lost (template and channel, never an address) at Warn.
func undelivered(ctx context.Context, err error) {
	if n, ok := ctx.Value(notesKey{}).(*notes); ok && err != nil {
		n.attrs = append(n.attrs, slog.String("undelivered", err.Error()))
	}
}
