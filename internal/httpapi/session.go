package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/flow/session"
)

type sessionRoutes struct {
	flow *session.Flow
	jwks []byte
}

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

type tokensResponse struct {
	AccessToken      string    `json:"accessToken"`
	TokenType        string    `json:"tokenType"`
	ExpiresIn        int       `json:"expiresIn"`
	RefreshToken     string    `json:"refreshToken"`
	RefreshExpiresAt time.Time `json:"refreshExpiresAt"`
	Level            string    `json:"level"`
}

func toTokens(t session.Tokens, now time.Time) tokensResponse {
	return tokensResponse{
		AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresIn: int(t.AccessExpires.Sub(now).Seconds()),
		RefreshToken: t.RefreshToken, RefreshExpiresAt: t.RefreshExpires.UTC(), Level: string(t.Level),
	}
}

func client(req events.APIGatewayV2HTTPRequest) session.Client {
	return session.Client{IP: req.RequestContext.HTTP.SourceIP, UserAgent: req.RequestContext.HTTP.UserAgent}
}

func (h sessionRoutes) login(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body loginRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	t, err := h.flow.Login(ctx, session.LoginInput{Login: body.Login, Password: body.Password, Client: client(req)})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusCreated, toTokens(t, h.flow.Now())), nil
}

type refreshRequest struct {
	RefreshToken string `json:"refreshToken"`
}

func (h sessionRoutes) refresh(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body refreshRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	t, err := h.flow.Refresh(ctx, body.RefreshToken, client(req))
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, toTokens(t, h.flow.Now())), nil
}

func (h sessionRoutes) logout(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	if err := h.flow.Logout(ctx, principal(ctx)); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return noContent(), nil
}

func (h sessionRoutes) logoutEverywhere(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	if err := h.flow.LogoutEverywhere(ctx, principal(ctx)); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return noContent(), nil
}

func (h sessionRoutes) keys(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{
		StatusCode: http.StatusOK,
		Headers:    map[string]string{"content-type": "application/jwk-set+json", "cache-control": "public, max-age=300"},
		Body:       string(h.jwks),
	}, nil
}

func noContent() events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNoContent, Headers: map[string]string{"cache-control": "no-store"}}
}

type principalKey struct{}

// principal returns the signed-in person the auth middleware put in ctx.
func principal(ctx context.Context) session.Principal {
	p, _ := ctx.Value(principalKey{}).(session.Principal)
	return p
}

// authenticated wraps a handler of a route that needs a citizen's access
// token: without a valid one the answer is 401, and the handler never runs.
func authenticated(f *session.Flow, h handler) handler {
	return func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		p, err := f.Authenticate(ctx, header(req, "authorization"), client(req))
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		noteAccount(ctx, p.Account.ID)
		return h(context.WithValue(ctx, principalKey{}, p), req)
	}
}
