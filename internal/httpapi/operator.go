package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/flow/operator"
)

// iamFunctions are the functions whose every route API Gateway guards
// with its AWS_IAM authorizer: their callers are service-centre operators
// signing with IAM credentials (SigV4), never citizens with bearer
// tokens. template.yaml sets Auth.Authorizer AWS_IAM on exactly their
// routes, and a test keeps the two equal.
var iamFunctions = map[string]bool{"operator": true}

// IAM reports whether API Gateway authorizes the route's caller by IAM:
// the handler then takes the caller from requestContext.authorizer.iam
// and ignores the Authorization header.
func (s Spec) IAM() bool { return iamFunctions[s.Function] }

// IAMRoute reports whether the route key is one API Gateway authorizes by
// IAM; the local gateway guards those routes with operator credentials.
func IAMRoute(key string) bool {
	for _, s := range Table() {
		if s.Key == key {
			return s.IAM()
		}
	}
	return false
}

// operatorTitles are the problem titles of the operator routes' faults,
// kept beside them.
var operatorTitles = map[string]string{
	"operator-unknown":        "Not a registered service-centre operator",
	"operator-search-limit":   "Too many searches; try again later",
	"passport-check-required": "Compare the person's passport with the profile first",
	"contact-required":        "Give a phone or an e-mail address",
	"level-too-low":           "The account must have passed the registry check (standard) first",
	"already-confirmed":       "The account is confirmed already",
}

func init() {
	for slug, title := range operatorTitles {
		titles[slug] = title
	}
}

// operatorRoutes serve service-centre operators.
type operatorRoutes struct{ flow *operator.Flow }

func (a *API) addOperatorRoutes(f *operator.Flow) {
	o := operatorRoutes{flow: f}
	a.handlers["POST /v1/operator/account-searches"] = iamCaller(o.search)
	a.handlers["POST /v1/operator/accounts/{id}/passport-checks"] = iamCaller(o.passportCheck)
	a.handlers["POST /v1/operator/accounts/{id}/confirmation"] = iamCaller(o.confirm)
	a.handlers["POST /v1/operator/accounts/{id}/access-restorations"] = iamCaller(o.restore)
}

type callerKey struct{}

// caller returns the IAM principal iamCaller put in ctx.
func caller(ctx context.Context) string {
	p, _ := ctx.Value(callerKey{}).(string)
	return p
}

// iamCaller wraps the handler of a route behind API Gateway's AWS_IAM
// authorizer. The caller is the principal API Gateway verified
// (requestContext.authorizer.iam.userArn); the Authorization header is
// never read, so a citizen's bearer token counts for nothing here. A
// request without an IAM identity (which API Gateway never forwards) is
// refused before the handler runs.
func iamCaller(h handler) handler {
	return func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		az := req.RequestContext.Authorizer
		if az == nil || az.IAM == nil || az.IAM.UserARN == "" {
			return events.APIGatewayV2HTTPResponse{}, operator.ErrUnknown
		}
		return h(context.WithValue(ctx, callerKey{}, az.IAM.UserARN), req)
	}
}

// acting notes the operator and centre on the request's log line.
func acting(ctx context.Context, op operator.Operator) {
	if n, ok := ctx.Value(notesKey{}).(*notes); ok && op.ID != "" {
		n.attrs = append(n.attrs, slog.String("operator", op.ID), slog.String("centre", op.Centre))
	}
}

// The SNILS travels in the body, never in the path or query, which API
// Gateway's access log would keep.
type searchRequest struct {
	SNILS string `json:"snils"`
}

type foundResponse struct {
	AccountID          string  `json:"accountId"`
	Level              string  `json:"level"`
	ConfirmationMethod *string `json:"confirmationMethod"`
	Surname            string  `json:"surname"`
	GivenName          string  `json:"givenName"`
}

func (h operatorRoutes) search(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body searchRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	op, found, err := h.flow.Search(ctx, caller(ctx), body.SNILS)
	acting(ctx, op)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	out := foundResponse{AccountID: found.AccountID, Level: string(found.Level), Surname: found.Surname, GivenName: found.GivenName}
	if found.Method != "" {
		m := string(found.Method)
		out.ConfirmationMethod = &m
	}
	return jsonResponse(http.StatusOK, out), nil
}

type passportCheckRequest struct {
	Series    string `json:"series"`
	Number    string `json:"number"`
	IssueDate string `json:"issueDate"`
}

// passportCheckResponse says match or mismatch per field, never a value.
type passportCheckResponse struct {
	Match      bool              `json:"match"`
	Fields     map[string]string `json:"fields"`
	Verified   bool              `json:"verified"`
	ValidUntil *time.Time        `json:"validUntil,omitempty"`
}

func matchWord(ok bool) string {
	if ok {
		return "match"
	}
	return "mismatch"
}

func (h operatorRoutes) passportCheck(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body passportCheckRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	op, c, err := h.flow.ComparePassport(ctx, caller(ctx), req.PathParameters["id"], operator.Presented{
		Series: body.Series, Number: body.Number, IssueDate: body.IssueDate,
	})
	acting(ctx, op)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	out := passportCheckResponse{Match: c.Matched, Verified: c.Verified, Fields: map[string]string{
		"series": matchWord(c.Series), "number": matchWord(c.Number), "issueDate": matchWord(c.IssueDate),
	}}
	if c.Matched {
		until := c.ValidUntil.UTC()
		out.ValidUntil = &until
	}
	return jsonResponse(http.StatusOK, out), nil
}

type confirmationResponse struct {
	AccountID          string `json:"accountId"`
	Level              string `json:"level"`
	ConfirmationMethod string `json:"confirmationMethod"`
	OperatorID         string `json:"operatorId"`
	CentreID           string `json:"centreId"`
}

func (h operatorRoutes) confirm(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	if err := decode(req, &struct{}{}, true); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	op, a, err := h.flow.Confirm(ctx, caller(ctx), req.PathParameters["id"])
	acting(ctx, op)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, confirmationResponse{
		AccountID: a.ID, Level: string(a.Level), ConfirmationMethod: string(a.ConfirmationMethod), OperatorID: op.ID, CentreID: op.Centre,
	}), nil
}

type restoreRequest struct {
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// restoreResponse is the password reset started for the person: its id
// (the person completes it at /v1/recovery/{id}/confirm with the code
// sent to the new contact) and the kinds of contact changed.
type restoreResponse struct {
	recoveryResponse
	Changed []string `json:"changedContacts"`
}

func (h operatorRoutes) restore(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var body restoreRequest
	if err := decode(req, &body, false); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	op, r, err := h.flow.Restore(ctx, caller(ctx), req.PathParameters["id"], operator.RestoreInput{Phone: body.Phone, Email: body.Email})
	acting(ctx, op)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	undelivered(ctx, r.Undelivered)
	changed := r.Changed
	if changed == nil {
		changed = []string{}
	}
	return jsonResponse(http.StatusAccepted, restoreResponse{recoveryResponse: toRecoveryResponse(r.Recovery), Changed: changed}), nil
}
