package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/settings"
)

type accountRoutes struct{ flow *settings.Flow }

type contactView struct {
	Kind        string    `json:"kind"`
	Address     string    `json:"address"`
	ConfirmedAt time.Time `json:"confirmedAt"`
}

type meResponse struct {
	AccountID            string        `json:"accountId"`
	Level                string        `json:"level"`
	ConfirmationMethod   *string       `json:"confirmationMethod"`
	Surname              string        `json:"surname"`
	GivenName            string        `json:"givenName"`
	Contacts             []contactView `json:"contacts"`
	SecurityQuestion     string        `json:"securityQuestion,omitempty"`
	NotificationChannels []string      `json:"notificationChannels"`
}

// me answers the signed-in person with their own account; the contacts
// are theirs, so they see them in full.
func (h accountRoutes) me(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	a := principal(ctx).Account
	out := meResponse{
		AccountID: a.ID, Level: string(a.Level), Surname: a.Surname, GivenName: a.GivenName, Contacts: contactViews(a.Contacts),
		SecurityQuestion: a.SecurityQuestion, NotificationChannels: a.NotificationChannels,
	}
	if a.ConfirmationMethod != "" {
		m := string(a.ConfirmationMethod)
		out.ConfirmationMethod = &m
	}
	if out.NotificationChannels == nil {
		out.NotificationChannels = []string{}
	}
	return jsonResponse(http.StatusOK, out), nil
}

func contactViews(cs []account.Contact) []contactView {
	out := []contactView{}
	for _, c := range cs {
		out = append(out, contactView{Kind: c.Kind, Address: c.Address, ConfirmedAt: c.ConfirmedAt.UTC()})
	}
	return out
}

type eventView struct {
	Seq       int64             `json:"seq"`
	Kind      string            `json:"kind"`
	At        time.Time         `json:"at"`
	IP        string            `json:"ip,omitempty"`
	UserAgent string            `json:"userAgent,omitempty"`
	Details   map[string]string `json:"details,omitempty"`
}

type eventsResponse struct {
	Events []eventView `json:"events"`
	Next   string      `json:"next,omitempty"`
}

func (h accountRoutes) events(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	limit, err := pageLimit(req)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	p, err := h.flow.Events(ctx, principal(ctx).Account, req.QueryStringParameters["cursor"], limit)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, eventPage(p.Events, p.Next)), nil
}

// pageLimit reads the limit of a page of events (0: the flow's page size).
func pageLimit(req events.APIGatewayV2HTTPRequest) (int, error) {
	l := req.QueryStringParameters["limit"]
	if l == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 {
		return 0, invalidQuery("/limit")
	}
	return n, nil
}

// eventPage is the answer of a page of events.
func eventPage(evs []event.Event, next string) eventsResponse {
	out := eventsResponse{Events: []eventView{}, Next: next}
	for _, e := range evs {
		out.Events = append(out.Events, eventView{Seq: e.Seq, Kind: string(e.Kind), At: e.At.UTC(), IP: e.IP, UserAgent: e.UserAgent, Details: e.Details})
	}
	return out
}

type verificationResponse struct {
	Intact   bool  `json:"intact"`
	BrokenAt int64 `json:"brokenAt,omitempty"`
}

func (h accountRoutes) verify(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	at, err := h.flow.Verify(ctx, principal(ctx).Account)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return jsonResponse(http.StatusOK, verificationResponse{Intact: at == 0, BrokenAt: at}), nil
}

func (h accountRoutes) notMe(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	p := principal(ctx)
	if err := h.flow.NotMe(ctx, p.Account, req.PathParameters["seq"], p.Client); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return noContent(), nil
}
