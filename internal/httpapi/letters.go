package httpapi

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/letter"
	"github.com/portalid/portalid/internal/flow/profile"
)

// letterRoutes serve identity confirmation by registered letter (SPEC
// §2.4) on the confirmation function.
type letterRoutes struct{ flow *letter.Flow }

type orderRequest struct {
	// Source is "registration" or "residence": the profile address to
	// send to. Address is one given or edited instead.
	Source  string           `json:"source"`
	Address *profile.Address `json:"address"`
}

// order orders a letter to the signed-in person.
func (h letterRoutes) order(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body orderRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	p := principal(ctx)
	v, err := h.flow.Order(ctx, p.Account, letter.OrderInput{
		Source: body.Source, Address: body.Address, Origin: event.Origin{IP: p.Client.IP, UserAgent: p.Client.UserAgent},
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	res := jsonResponse(http.StatusCreated, v)
	res.Headers["location"] = "/v1/me/letters/" + v.LetterID
	return res, nil
}

// get answers a letter's status and tracking; never its code.
func (h letterRoutes) get(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	v, err := h.flow.Get(ctx, principal(ctx).Account.ID, req.PathParameters["id"])
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, v), nil
}

// code takes the activation code from the letter.
func (h letterRoutes) code(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body codeRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	p := principal(ctx)
	c, lost, err := h.flow.EnterCode(ctx, p.Account, req.PathParameters["id"], body.Code, event.Origin{IP: p.Client.IP, UserAgent: p.Client.UserAgent})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	undelivered(ctx, lost)
	return jsonResponse(http.StatusOK, c), nil
}
