package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/catalogue"
	"github.com/portalid/portalid/internal/flow/access"
)

// CatalogueMaxAge is how long clients and caches may keep the directory
// and the catalogue: static data that changes only with a deployment.
const CatalogueMaxAge = "public, max-age=3600"

// catalogueRoutes serve the directory of service centres and the
// catalogue of services from memory (no storage call), and the access
// check of the signed-in person. Every centre and service is encoded to
// JSON once, when the routes are built; a list answer only joins them.
type catalogueRoutes struct {
	cat      *catalogue.Catalogue
	access   *access.Flow
	centres  map[string]string // id → JSON of centreView
	services map[string]string // id → JSON of serviceView
}

type namedView struct {
	ID   string         `json:"id"`
	Name catalogue.Text `json:"name"`
}

type centreView struct {
	ID       string                    `json:"id"`
	Type     catalogue.CentreType      `json:"type"`
	Name     catalogue.Text            `json:"name"`
	City     namedView                 `json:"city"`
	TimeZone string                    `json:"timeZone"`
	Address  catalogue.Text            `json:"address"`
	Postcode string                    `json:"postcode"`
	Hours    catalogue.Week            `json:"hours"`
	Services []catalogue.CentreService `json:"services"`
}

type serviceView struct {
	ID          string         `json:"id"`
	Name        catalogue.Text `json:"name"`
	Description catalogue.Text `json:"description"`
	Category    namedView      `json:"category"`
	Department  namedView      `json:"department"`
	Level       account.Level  `json:"level"`
	// AcceptedMethods, when present, are the only confirmation methods
	// the service accepts.
	AcceptedMethods []account.Method `json:"acceptedMethods,omitempty"`
	CitizensOnly    bool             `json:"citizensOnly"`
}

func newCatalogueRoutes(c *catalogue.Catalogue, a *access.Flow) catalogueRoutes {
	h := catalogueRoutes{cat: c, access: a, centres: map[string]string{}, services: map[string]string{}}
	for _, ce := range c.Centres() {
		city, _ := c.City(ce.City)
		h.centres[ce.ID] = encode(centreView{
			ID: ce.ID, Type: ce.Type, Name: ce.Name, City: namedView{city.ID, city.Name}, TimeZone: city.TimeZone,
			Address: ce.Address, Postcode: ce.Postcode, Hours: ce.Hours, Services: ce.Services,
		})
	}
	for _, s := range c.Services() {
		h.services[s.ID] = encode(serviceView{
			ID: s.ID, Name: s.Name, Description: s.Description, Category: categoryView(c, s.Category), Department: departmentView(c, s.Department),
			Level: s.Level, AcceptedMethods: s.Methods, CitizensOnly: s.CitizensOnly,
		})
	}
	return h
}

func categoryView(c *catalogue.Catalogue, id string) namedView {
	x, _ := c.Category(id)
	return namedView{x.ID, x.Name}
}

func departmentView(c *catalogue.Catalogue, id string) namedView {
	x, _ := c.Department(id)
	return namedView{x.ID, x.Name}
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own view types are encoded; they always marshal.
		panic("httpapi: encode catalogue: " + err.Error())
	}
	return string(b)
}

// listRoute answers a list route: the query parameters parsed (a
// refusal is problem+json), the page found, its items joined from their
// JSON encoded beforehand, under key.
func listRoute[Q, T any](key string, parse func(map[string]string) (Q, error), find func(Q) catalogue.Results[T], encoded func(T) string) handler {
	return func(_ context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		q, err := parse(req.QueryStringParameters)
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		return listResponse(key, find(q), encoded), nil
	}
}

// centreList answers GET /v1/service-centres: ?city=&type=&service=
// (comma-separated), ?limit= and ?cursor=.
func (h catalogueRoutes) centreList() handler {
	return listRoute("centres", h.cat.ParseCentreQuery, h.cat.FindCentres, func(c catalogue.Centre) string { return h.centres[c.ID] })
}

// serviceList answers GET /v1/services: ?q= (search), ?category=,
// ?department=, ?level= (comma-separated), ?limit= and ?cursor=.
func (h catalogueRoutes) serviceList() handler {
	return listRoute("services", h.cat.ParseServiceQuery, h.cat.FindServices, func(s catalogue.Service) string { return h.services[s.ID] })
}

// service answers GET /v1/services/{id}.
func (h catalogueRoutes) service(_ context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	body, ok := h.services[req.PathParameters["id"]]
	if !ok {
		return events.APIGatewayV2HTTPResponse{}, catalogue.ErrServiceNotFound
	}
	return publicJSON(body), nil
}

// listResponse joins the pre-encoded items of a page into
// {"<key>":[…],"total":…,"next":…}, "next" only when a page follows.
func listResponse[T any](key string, r catalogue.Results[T], encoded func(T) string) events.APIGatewayV2HTTPResponse {
	size := len(key) + 48 + len(r.Next)
	for _, x := range r.Items {
		size += len(encoded(x)) + 1
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(`{"`)
	b.WriteString(key)
	b.WriteString(`":[`)
	for i, x := range r.Items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(encoded(x))
	}
	b.WriteString(`],"total":`)
	b.WriteString(strconv.Itoa(r.Total))
	if r.Next != "" {
		b.WriteString(`,"next":"`)
		b.WriteString(r.Next) // digits only
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return publicJSON(b.String())
}

func publicJSON(body string) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{
		StatusCode: http.StatusOK,
		Headers:    map[string]string{"content-type": "application/json", "cache-control": CatalogueMaxAge},
		Body:       body,
	}
}

type accessResponse struct {
	ServiceID          string              `json:"serviceId"`
	Allowed            bool                `json:"allowed"`
	Outcome            catalogue.Outcome   `json:"outcome"`
	Steps              []catalogue.Outcome `json:"steps"`
	Message            catalogue.Text      `json:"message"`
	Level              account.Level       `json:"level"`
	ConfirmationMethod *account.Method     `json:"confirmationMethod"`
	RequiredLevel      account.Level       `json:"requiredLevel"`
	AcceptedMethods    []account.Method    `json:"acceptedMethods,omitempty"`
	CitizensOnly       bool                `json:"citizensOnly"`
}

// access answers GET /v1/services/{id}/access for the signed-in person:
// allowed, or the missing step as a stable value with a message in
// Russian and English. It is the person's own answer: never cached.
func (h catalogueRoutes) accessCheck(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	a := principal(ctx).Account
	s, d, err := h.access.Check(ctx, a, req.PathParameters["id"])
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	out := accessResponse{
		ServiceID: s.ID, Allowed: d.Outcome == catalogue.Allowed, Outcome: d.Outcome, Steps: d.Steps, Message: d.Message,
		Level: a.Level, RequiredLevel: s.Level, AcceptedMethods: s.Methods, CitizensOnly: s.CitizensOnly,
	}
	if out.Steps == nil {
		out.Steps = []catalogue.Outcome{}
	}
	if a.ConfirmationMethod != "" {
		m := a.ConfirmationMethod
		out.ConfirmationMethod = &m
	}
	return jsonResponse(http.StatusOK, out), nil
}
