package httpapi

import (
	"context"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/fault"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/idempotency"
	"github.com/portalid/portalid/internal/signature"
)

// signatureRoutes confirm an identity by electronic signature (SPEC §2.4).
type signatureRoutes struct {
	flow *sigflow.Flow
	idem *idempotency.Keeper
}

type challengeResponse struct {
	ChallengeID string    `json:"challengeId"`
	Challenge   string    `json:"challenge"` // standard base64 of the bytes to sign
	ExpiresAt   time.Time `json:"expiresAt"`
}

// start issues a challenge. It honours an Idempotency-Key, per account.
func (h signatureRoutes) start(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var none struct{}
	if err := decode(req, &none, true); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	a := principal(ctx).Account
	return once(ctx, h.idem, "account/"+a.ID, req, func() (events.APIGatewayV2HTTPResponse, error) {
		c, err := h.flow.Start(ctx, a)
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		return jsonResponse(http.StatusCreated, challengeResponse{
			ChallengeID: c.ID, Challenge: base64.StdEncoding.EncodeToString(c.Bytes), ExpiresAt: c.ExpiresAt.UTC(),
		}), nil
	})
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

// once runs a create handler of a signed-in person's route once per
// Idempotency-Key (SPEC §3): a repeat gets the first answer, marked
// Idempotent-Replayed. Unlike the public create routes, which Handle keys
// before any handler runs, it runs after authentication and keys by
// scope (the account), so one person's key never replays another's
// answer and an unauthenticated repeat never sees one. Only successes are
// kept: after a refusal or a fault the key is released and a retry runs
// again. Without a header or a keeper it just runs.
func once(ctx context.Context, k *idempotency.Keeper, scope string, req events.APIGatewayV2HTTPRequest,
	run func() (events.APIGatewayV2HTTPResponse, error)) (events.APIGatewayV2HTTPResponse, error) {
	key := header(req, "idempotency-key")
	if key == "" || k == nil {
		return run()
	}
	var (
		first  *events.APIGatewayV2HTTPResponse
		runErr error
	)
	stored, err := k.Do(ctx, scope+" "+req.RouteKey, key, []byte(req.Body), func() idempotency.Response {
		res, err := run()
		if err != nil {
			runErr = err
			return idempotency.Response{Status: http.StatusInternalServerError} // not kept
		}
		first = &res
		return idempotency.Response{Status: res.StatusCode, ContentType: res.Headers["content-type"], Body: res.Body}
	})
	switch {
	case err != nil: // the key refused, or not kept or released
		return events.APIGatewayV2HTTPResponse{}, err
	case runErr != nil:
		return events.APIGatewayV2HTTPResponse{}, runErr
	case first != nil:
		return *first, nil
	}
	return replayed(stored), nil
}
