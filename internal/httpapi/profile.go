package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/profile"
)

type profileRoutes struct {
	profile  *profile.Flow
	identity *identity.Flow
}

type profileResponse struct {
	Profile profile.Profile `json:"profile"`
	Version int64           `json:"version"`
	// Missing lists what a submission for the registry check still lacks.
	Missing []string `json:"missing"`
}

func (h profileRoutes) respond(p profile.Profile, version int64) events.APIGatewayV2HTTPResponse {
	missing := profile.Missing(p, h.profile.Now())
	if missing == nil {
		missing = []string{}
	}
	return jsonResponse(http.StatusOK, profileResponse{Profile: p, Version: version, Missing: missing})
}

// get answers the owner with their own draft: the one response that
// carries their personal data.
func (h profileRoutes) get(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	p, version, err := h.profile.Get(ctx, principal(ctx).Account.ID)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return h.respond(p, version), nil
}

// patch saves any subset of the draft as a JSON merge patch (RFC 7396).
func (h profileRoutes) patch(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var patch map[string]json.RawMessage
	if err := decode(req, &patch, false, "application/merge-patch+json"); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	p, version, err := h.profile.SaveVersion(ctx, principal(ctx).Account.ID, patch)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return h.respond(p, version), nil
}

type submitRequest struct {
	Consent bool `json:"consent"`
}

// submit starts the registry check of the saved draft.
func (h profileRoutes) submit(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body submitRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	c, err := h.identity.Submit(ctx, principal(ctx).Account.ID, body.Consent)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusAccepted, c), nil
}

// progress answers per item pending, passed, failed or unavailable.
func (h profileRoutes) progress(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	c, err := h.identity.Progress(ctx, principal(ctx).Account.ID, req.PathParameters["id"])
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, c), nil
}
