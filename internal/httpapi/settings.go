package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/flow/settings"
)

// settingsRoutes change the signed-in person's own account.
type settingsRoutes struct{ flow *settings.Flow }

type changePasswordRequest struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// password answers with a fresh token pair: every session, the caller's
// too, has ended.
func (h settingsRoutes) password(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body changePasswordRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	out, err := h.flow.ChangePassword(ctx, principal(ctx), settings.PasswordInput{Current: body.CurrentPassword, New: body.NewPassword})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	undelivered(ctx, out.Undelivered)
	return jsonResponse(http.StatusOK, toTokens(out.Tokens, h.flow.Now())), nil
}

type securityQuestionRequest struct {
	Question        string `json:"question"`
	Answer          string `json:"answer"`
	CurrentPassword string `json:"currentPassword"`
}

func (h settingsRoutes) securityQuestion(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body securityQuestionRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	err := h.flow.SetSecurityQuestion(ctx, principal(ctx), settings.QuestionInput{
		Question: body.Question, Answer: body.Answer, CurrentPassword: body.CurrentPassword,
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return noContent(), nil
}

type contactRequest struct {
	Value           string `json:"value"`
	CurrentPassword string `json:"currentPassword"`
}

// contactChangeResponse is the same whether or not the new contact
// belongs to another account.
type contactChangeResponse struct {
	Kind          string    `json:"kind"`
	CodeExpiresAt time.Time `json:"codeExpiresAt"`
	ResendAfter   time.Time `json:"resendAfter"`
}

func (h settingsRoutes) contact(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body contactRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	s, err := h.flow.StartContactChange(ctx, principal(ctx), settings.ContactInput{
		Kind: req.PathParameters["kind"], Value: body.Value, CurrentPassword: body.CurrentPassword, Locale: locale(req),
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusAccepted, contactChangeResponse{
		Kind: string(s.Kind), CodeExpiresAt: s.CodeExpires.UTC(), ResendAfter: s.ResendAfter.UTC(),
	}), nil
}

type codeRequest struct {
	Code string `json:"code"`
}

type contactsResponse struct {
	Contacts []contactView `json:"contacts"`
}

func (h settingsRoutes) confirmContact(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body codeRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	out, err := h.flow.ConfirmContactChange(ctx, principal(ctx), req.PathParameters["kind"], body.Code)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	undelivered(ctx, out.Undelivered)
	return jsonResponse(http.StatusOK, contactsResponse{Contacts: contactViews(out.Account.Contacts)}), nil
}

type notificationsRequest struct {
	Channels []string `json:"channels"`
}

func (h settingsRoutes) notifications(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body notificationsRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	channels, err := h.flow.SetNotificationChannels(ctx, principal(ctx).Account, body.Channels)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, notificationsRequest{Channels: channels}), nil
}
