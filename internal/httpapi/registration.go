package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/flow/registration"
	"github.com/portalid/portalid/internal/metric"
)

type registrationRoutes struct{ flow *registration.Flow }

type startRequest struct {
	Surname      string `json:"surname"`
	GivenName    string `json:"givenName"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	TermsVersion string `json:"termsVersion"`
}

type contactStatus struct {
	Kind          string    `json:"kind"`
	CodeExpiresAt time.Time `json:"codeExpiresAt"`
	ResendAfter   time.Time `json:"resendAfter"`
	Confirmed     bool      `json:"confirmed"`
}

type registrationResponse struct {
	RegistrationID string          `json:"registrationId"`
	ExpiresAt      time.Time       `json:"expiresAt"`
	Contacts       []contactStatus `json:"contacts"`
}

func toRegistrationResponse(s registration.Status) registrationResponse {
	out := registrationResponse{RegistrationID: s.ID, ExpiresAt: s.Expires.UTC(), Contacts: []contactStatus{}}
	for _, c := range s.Channels {
		out.Contacts = append(out.Contacts, contactStatus{
			Kind: string(c.Kind), CodeExpiresAt: c.CodeExpires.UTC(), ResendAfter: c.ResendAfter.UTC(), Confirmed: c.Confirmed,
		})
	}
	return out
}

func (h registrationRoutes) start(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body startRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	s, err := h.flow.Start(ctx, registration.StartInput{
		Surname: body.Surname, GivenName: body.GivenName, Phone: body.Phone, Email: body.Email,
		TermsVersion: body.TermsVersion, Locale: locale(req), ClientIP: req.RequestContext.HTTP.SourceIP,
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusCreated, toRegistrationResponse(s)), nil
}

type resendRequest struct {
	Contact string `json:"contact"`
}

func (h registrationRoutes) resend(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body resendRequest
	if err := decode(req, &body, true); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	s, err := h.flow.Resend(ctx, registration.ResendInput{
		ID: req.PathParameters["id"], Kind: body.Contact, ClientIP: req.RequestContext.HTTP.SourceIP,
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, toRegistrationResponse(s)), nil
}

type confirmRequest struct {
	Code  string `json:"code"`
	Token string `json:"token"`
}

func (h registrationRoutes) confirm(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body confirmRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	s, err := h.flow.Confirm(ctx, registration.ConfirmInput{ID: req.PathParameters["id"], Code: body.Code, Token: body.Token})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, toRegistrationResponse(s)), nil
}

type passwordRequest struct {
	Password string `json:"password"`
}

type accountCreated struct {
	AccountID string `json:"accountId"`
	Level     string `json:"level"`
}

func (h registrationRoutes) password(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body passwordRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	c, err := h.flow.SetPassword(ctx, registration.PasswordInput{
		ID: req.PathParameters["id"], Password: body.Password,
		ClientIP: req.RequestContext.HTTP.SourceIP, UserAgent: req.RequestContext.HTTP.UserAgent,
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	metric.Add(ctx, metric.Count(metric.Registrations))
	return jsonResponse(http.StatusCreated, accountCreated{AccountID: c.AccountID, Level: string(c.Level)}), nil
}
