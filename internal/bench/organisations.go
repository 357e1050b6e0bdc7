package bench

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/signature/devca"
)

// Confirmed is a standard person confirmed by signature through the API.
func (s *System) Confirmed(ctx context.Context) (Person, error) {
	p, err := s.Standard(ctx)
	if err != nil {
		return Person{}, err
	}
	c, err := s.challenge(ctx, p, "/v1/me/signature-challenges")
	if err != nil {
		return Person{}, err
	}
	sig, err := s.Sign(p, c.Challenge)
	if err != nil {
		return Person{}, err
	}
	_, err = s.Do(ctx, Request{Method: "POST", Path: "/v1/me/signature-challenges/" + c.ID, Header: p.Bearer(), Body: fmt.Sprintf(`{"signature":%q}`, sig)})
	return p, err
}

type issued struct {
	ID        string `json:"challengeId"`
	Challenge string `json:"challenge"`
}

// challenge asks for a signature challenge at path.
func (s *System) challenge(ctx context.Context, p Person, path string) (issued, error) {
	res, err := s.Do(ctx, Request{Method: "POST", Path: path, Header: p.Bearer()})
	if err != nil {
		return issued{}, err
	}
	var c issued
	return c, decodeJSON(res.Body, &c)
}

// organisationCreation is the body that creates a new organisation headed
// by p: fresh numbers, a challenge signed by p's certificate as its head.
func (s *System) organisationCreation(ctx context.Context, p Person) (string, error) {
	n := seq.Add(1)
	ogrn, inn := withCheckDigit(person.ParseOGRN, fmt.Sprintf("1%011d", 30000000000+n)), withCheckDigit(person.ParseOrgINN, fmt.Sprintf("%09d", 500000000+n))
	c, err := s.challenge(ctx, p, "/v1/organisations/signature-challenges")
	if err != nil {
		return "", err
	}
	content, err := base64.StdEncoding.DecodeString(c.Challenge)
	if err != nil {
		return "", err
	}
	cred, err := s.CA.Issue(devca.Person{Surname: "Иванова", GivenName: "Анна", SNILS: p.SNILS, Organisation: "ООО «Ромашка»", OGRN: ogrn, OrgINN: inn}, devca.Options{})
	if err != nil {
		return "", err
	}
	der, err := cred.Sign(content)
	return fmt.Sprintf(`{"name":"ООО «Ромашка»","ogrn":%q,"inn":%q,"challengeId":%q,"signature":%q}`,
		ogrn, inn, c.ID, base64.StdEncoding.EncodeToString(der)), err
}

// withCheckDigit appends the check digit the parser accepts.
func withCheckDigit[T interface{ Value() string }](parse func(string) (T, error), base string) string {
	for c := range 10 {
		if v, err := parse(fmt.Sprintf("%s%d", base, c)); err == nil {
			return v.Value()
		}
	}
	panic("bench: no check digit for " + base)
}

// Organisation makes a confirmed person the head of a new organisation
// with an administrator; it returns the head and the organisation's path.
func (s *System) Organisation(ctx context.Context) (Person, string, error) {
	head, err := s.Confirmed(ctx)
	if err != nil {
		return Person{}, "", err
	}
	body, err := s.organisationCreation(ctx, head)
	if err != nil {
		return Person{}, "", err
	}
	res, err := s.Do(ctx, Request{Method: "POST", Path: "/v1/organisations", Header: head.Bearer(), Body: body})
	if err != nil {
		return Person{}, "", err
	}
	org := res.Headers["location"]
	admin, err := s.Confirmed(ctx)
	if err != nil {
		return Person{}, "", err
	}
	_, err = s.Do(ctx, Request{Method: "POST", Path: org + "/members", Header: head.Bearer(), Body: addition(admin, "administrator")})
	return head, org, err
}

// rotatingOrganisation hands out an organisation and its head, a new one
// every few uses: a head may try ORG_MEMBER_ADDS_PER_HOUR additions an
// hour, fewer than a route's requests.
func (s *System) rotatingOrganisation() func(context.Context) (Person, string, error) {
	var (
		head Person
		org  string
		uses int
	)
	perHead := max(1, s.Config.Organisation.MemberAddsPerHour/2)
	return func(ctx context.Context) (Person, string, error) {
		if uses%perHead == 0 {
			var err error
			if head, org, err = s.Organisation(ctx); err != nil {
				return Person{}, "", err
			}
		}
		uses++
		return head, org, nil
	}
}

func addition(p Person, role string) string {
	return fmt.Sprintf(`{"snils":%q,"surname":"Иванова","role":%q}`, p.SNILS, role)
}

// organisationScenarios measure the routes of the organisations.
func organisationScenarios() []scenario {
	// read measures a read of the organisation of one head, at suffix.
	read := func(suffix string) func(context.Context, *System) (func(context.Context) (step, error), error) {
		return func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			head, org, err := s.Organisation(ctx)
			return func(context.Context) (step, error) {
				path := org + suffix
				if suffix == "/" {
					path = "/v1/organisations"
				}
				return step{req: Request{Method: "GET", Path: path, Header: head.Bearer()}}, nil
			}, err
		}
	}
	return []scenario{
		{Route: "POST /v1/organisations/signature-challenges", New: each(func(ctx context.Context, s *System) (step, error) {
			p, err := s.Confirmed(ctx)
			return step{req: Request{Method: "POST", Path: "/v1/organisations/signature-challenges", Header: p.Bearer()}}, err
		})},
		{Route: "POST /v1/organisations", Why: whyOrgCreate, New: each(func(ctx context.Context, s *System) (step, error) {
			p, err := s.Confirmed(ctx)
			if err != nil {
				return step{}, err
			}
			body, err := s.organisationCreation(ctx, p)
			return step{req: Request{Method: "POST", Path: "/v1/organisations", Header: p.Bearer(), Body: body}}, err
		})},
		{Route: "GET /v1/organisations", New: read("/")},
		{Route: "GET /v1/organisations/{id}", New: read("")},
		{Route: "GET /v1/organisations/{id}/members", New: read("/members")},
		{Route: "GET /v1/organisations/{id}/events", Why: whyOrgEvents, New: read("/events")},
		{Route: "POST /v1/organisations/{id}/members", Why: whyOrgAdd, New: func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			next := s.rotatingOrganisation()
			return func(ctx context.Context) (step, error) {
				head, org, err := next(ctx)
				if err != nil {
					return step{}, err
				}
				p, err := s.Confirmed(ctx)
				return step{req: Request{Method: "POST", Path: org + "/members", Header: head.Bearer(), Body: addition(p, "employee")}}, err
			}, nil
		}},
		{Route: "DELETE /v1/organisations/{id}/members/{accountId}", Why: whyOrgRemove, New: func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			next := s.rotatingOrganisation()
			return func(ctx context.Context) (step, error) {
				head, org, err := next(ctx)
				if err != nil {
					return step{}, err
				}
				p, err := s.Confirmed(ctx)
				if err != nil {
					return step{}, err
				}
				_, err = s.Do(ctx, Request{Method: "POST", Path: org + "/members", Header: head.Bearer(), Body: addition(p, "employee")})
				return step{req: Request{Method: "DELETE", Path: org + "/members/" + p.ID, Header: head.Bearer()}}, err
			}, nil
		}},
	}
}

// Why the organisation routes above two round trips take what they take.
const (
	whyOrgCreate = "auth + BatchGetItem (the challenge, the account, the sealed profile: the certificate must name the person) + " +
		"TransactWriteItems (challenge spent with the proof, organisation, OGRN and INN claims, membership both ways, " +
		"the organisation's first event, the head's event). The CMS check is CPU, not DynamoDB."
	whyOrgAdd = "auth + BatchGetItem (organisation, the head's membership, the SNILS claim, the head's counter of additions) → " +
		"BatchGetItem (the account the claim names and its membership: it depends on the first) → TransactWriteItems (count " +
		"and chain under the limit, event, membership both ways, the member's event, the counted attempt); a refused " +
		"candidate costs the same two reads and a PutItem of the count."
	whyOrgRemove = "auth + BatchGetItem (organisation, both memberships, the member's account: the path names him) + " +
		"TransactWriteItems (count and chain, event, both membership items deleted, the member's event)."
	whyOrgEvents = "auth + GetItem (the caller's membership: head and administrators only) + Query (the organisation's events)."
)
