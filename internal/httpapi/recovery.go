package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/flow/recovery"
)

type recoveryRoutes struct{ flow *recovery.Flow }

type recoveryStartRequest struct {
	Login string `json:"login"`
}

// recoveryResponse is the same whether or not the login names an account.
type recoveryResponse struct {
	RecoveryID    string    `json:"recoveryId"`
	Channel       string    `json:"channel"`
	ExpiresAt     time.Time `json:"expiresAt"`
	CodeExpiresAt time.Time `json:"codeExpiresAt"`
	ResendAfter   time.Time `json:"resendAfter"`
	Confirmed     bool      `json:"confirmed"`
}

func toRecoveryResponse(s recovery.Status) recoveryResponse {
	return recoveryResponse{
		RecoveryID: s.ID, Channel: string(s.Kind), ExpiresAt: s.Expires.UTC(),
		CodeExpiresAt: s.CodeExpires.UTC(), ResendAfter: s.ResendAfter.UTC(), Confirmed: s.Confirmed,
	}
}

// start answers 202 Accepted: a code is on its way if the login is known,
// and the answer does not say which.
func (h recoveryRoutes) start(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body recoveryStartRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	s, err := h.flow.Start(ctx, recovery.StartInput{Login: body.Login, Locale: locale(req), ClientIP: req.RequestContext.HTTP.SourceIP})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusAccepted, toRecoveryResponse(s)), nil
}

func (h recoveryRoutes) resend(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	if err := decode(req, &struct{}{}, true); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	s, err := h.flow.Resend(ctx, recovery.ResendInput{ID: req.PathParameters["id"], ClientIP: req.RequestContext.HTTP.SourceIP})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, toRecoveryResponse(s)), nil
}

type recoveryConfirmRequest struct {
	Code   string `json:"code"`
	SNILS  string `json:"snils"`
	Answer string `json:"answer"`
}

func (h recoveryRoutes) confirm(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body recoveryConfirmRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	s, err := h.flow.Confirm(ctx, recovery.ConfirmInput{ID: req.PathParameters["id"], Code: body.Code, SNILS: body.SNILS, Answer: body.Answer})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, toRecoveryResponse(s)), nil
}

func (h recoveryRoutes) password(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body passwordRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	r, err := h.flow.SetPassword(ctx, recovery.PasswordInput{ID: req.PathParameters["id"], Password: body.Password, Client: client(req)})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	undelivered(ctx, r.Undelivered)
	return noContent(), nil
}
