package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/organisation"
	"github.com/portalid/portalid/internal/signature"
)

// organisationRoutes serve the legal entities of SPEC §2.5 on the
// confirmation function (which holds the signature trust list).
type organisationRoutes struct{ flow *organisation.Flow }

// challenge issues the signature challenge an organisation's creation
// spends (an Idempotency-Key, per account, through keyed).
func (h organisationRoutes) challenge(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var none struct{}
	if err := decode(req, &none, true); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return issuedChallenge(h.flow.Challenge(ctx, principal(ctx).Account))
}

type createOrganisationRequest struct {
	Name        string `json:"name"`
	OGRN        string `json:"ogrn"`
	INN         string `json:"inn"`
	ChallengeID string `json:"challengeId"`
	// Signature is the detached CMS over the challenge, base64, by the
	// head's certificate naming the organisation.
	Signature string `json:"signature"`
}

type organisationView struct {
	OrganisationID string    `json:"organisationId"`
	Name           string    `json:"name"`
	OGRN           string    `json:"ogrn"`
	INN            string    `json:"inn"`
	Role           string    `json:"role"`
	Members        int       `json:"members,omitempty"`
	CreatedAt      time.Time `json:"createdAt,omitzero"`
	Since          time.Time `json:"since,omitzero"`
}

// create creates an organisation headed by the signed-in person.
func (h organisationRoutes) create(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body createOrganisationRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	var errs fault.Fields
	if body.ChallengeID == "" {
		errs.Add("/challengeId", "required")
	}
	cms, err := signature.DecodeBase64(body.Signature)
	switch {
	case body.Signature == "":
		errs.Add("/signature", "required")
	case err != nil:
		errs.Add("/signature", "base64-invalid")
	}
	if err := errs.Err(); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	p := principal(ctx)
	o, err := h.flow.Create(ctx, organisation.Creation{
		Account: p.Account, Origin: p.Client, Name: body.Name, OGRN: body.OGRN, INN: body.INN, ChallengeID: body.ChallengeID, CMS: cms,
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	res := jsonResponse(http.StatusCreated, view(o, organisation.Head))
	res.Headers["location"] = "/v1/organisations/" + o.ID
	return res, nil
}

func view(o organisation.Organisation, r organisation.Role) organisationView {
	return organisationView{
		OrganisationID: o.ID, Name: o.Name, OGRN: o.OGRN, INN: o.INN, Role: string(r), Members: o.Members, CreatedAt: o.CreatedAt.UTC(),
	}
}

type organisationsResponse struct {
	Organisations []organisationView `json:"organisations"`
}

// mine lists the signed-in person's organisations with his role.
func (h organisationRoutes) mine(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	ms, err := h.flow.Mine(ctx, principal(ctx).Account)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	out := organisationsResponse{Organisations: []organisationView{}}
	for _, m := range ms {
		o := m.Organisation
		out.Organisations = append(out.Organisations, organisationView{
			OrganisationID: o.ID, Name: o.Name, OGRN: o.OGRN, INN: o.INN, Role: string(m.Role), Since: m.Since.UTC(),
		})
	}
	return jsonResponse(http.StatusOK, out), nil
}

// get answers an organisation to one of its members.
func (h organisationRoutes) get(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	o, role, err := h.flow.Get(ctx, principal(ctx).Account, req.PathParameters["id"])
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, view(o, role)), nil
}

type memberView struct {
	AccountID string    `json:"accountId"`
	Role      string    `json:"role"`
	Surname   string    `json:"surname"`
	GivenName string    `json:"givenName"`
	AddedAt   time.Time `json:"addedAt"`
}

func memberOf(m organisation.Member) memberView {
	return memberView{AccountID: m.AccountID, Role: string(m.Role), Surname: m.Surname, GivenName: m.GivenName, AddedAt: m.AddedAt.UTC()}
}

type membersResponse struct {
	Members []memberView `json:"members"`
}

// members lists an organisation's members to one of them.
func (h organisationRoutes) members(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	ms, err := h.flow.Members(ctx, principal(ctx).Account, req.PathParameters["id"])
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	out := membersResponse{Members: []memberView{}}
	for _, m := range ms {
		out.Members = append(out.Members, memberOf(m))
	}
	return jsonResponse(http.StatusOK, out), nil
}

type addMemberRequest struct {
	SNILS   string `json:"snils"`
	Surname string `json:"surname"`
	Role    string `json:"role"`
}

// addMember adds a confirmed person, named by SNILS and surname, with a
// role; the head only.
func (h organisationRoutes) addMember(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body addMemberRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	p := principal(ctx)
	orgID := req.PathParameters["id"]
	m, err := h.flow.Add(ctx, organisation.Addition{
		Account: p.Account, Origin: p.Client, OrganisationID: orgID, SNILS: body.SNILS, Surname: body.Surname, Role: body.Role,
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	res := jsonResponse(http.StatusCreated, memberOf(m))
	res.Headers["location"] = "/v1/organisations/" + orgID + "/members/" + m.AccountID
	return res, nil
}

// removeMember ends a membership; the head only, never his own.
func (h organisationRoutes) removeMember(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	p := principal(ctx)
	err := h.flow.Remove(ctx, organisation.Removal{
		Account: p.Account, Origin: p.Client, OrganisationID: req.PathParameters["id"], AccountID: req.PathParameters["accountId"],
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return noContent(), nil
}

// events lists an organisation's audit events, newest first, to its head
// and administrators.
func (h organisationRoutes) events(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	limit, err := pageLimit(req)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	p, err := h.flow.Events(ctx, principal(ctx).Account, req.PathParameters["id"], req.QueryStringParameters["cursor"], limit)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, eventPage(p.Events, p.Next)), nil
}
