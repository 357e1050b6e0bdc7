package httpapi

import (
	"context"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/fault"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/signature"
)

// signatureRoutes confirm an identity by electronic signature (SPEC §2.4).
type signatureRoutes struct{ flow *sigflow.Flow }

type challengeResponse struct {
	ChallengeID string    `json:"challengeId"`
	Challenge   string    `json:"challenge"` // standard base64 of the bytes to sign
	ExpiresAt   time.Time `json:"expiresAt"`
}

// start issues a challenge (an Idempotency-Key, per account, through keyed).
func (h signatureRoutes) start(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var none struct{}
	if err := decode(req, &none, true); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return issuedChallenge(h.flow.Start(ctx, principal(ctx).Account))
}

// issuedChallenge answers a challenge just issued (201), or the fault.
func issuedChallenge(c sigflow.Challenge, err error) (events.APIGatewayV2HTTPResponse, error) {
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusCreated, challengeResponse{
		ChallengeID: c.ID, Challenge: base64.StdEncoding.EncodeToString(c.Bytes), ExpiresAt: c.ExpiresAt.UTC(),
	}), nil
}

type signatureRequest struct {
	// Signature is the detached CMS SignedData over the challenge bytes,
	// base64 of its DER, the signer's certificate (and its chain) inside.
	Signature string `json:"signature"`
}

type confirmedResponse struct {
	Level              string    `json:"level"`
	ConfirmationMethod string    `json:"confirmationMethod"`
	ConfirmedAt        time.Time `json:"confirmedAt"`
}

// submit checks the signature for the challenge and confirms the account.
func (h signatureRoutes) submit(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body signatureRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	if body.Signature == "" {
		return events.APIGatewayV2HTTPResponse{}, fault.InvalidFields(fault.Field{Pointer: "/signature", Reason: "required"})
	}
	cms, err := signature.DecodeBase64(body.Signature)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, fault.InvalidFields(fault.Field{Pointer: "/signature", Reason: "base64-invalid"})
	}
	p := principal(ctx)
	out, err := h.flow.Submit(ctx, sigflow.Submission{Account: p.Account, Origin: p.Client, ChallengeID: req.PathParameters["id"], CMS: cms})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	undelivered(ctx, out.Undelivered)
	return jsonResponse(http.StatusOK, confirmedResponse{
		Level: string(out.Level), ConfirmationMethod: string(out.Method), ConfirmedAt: out.At.UTC(),
	}), nil
}
