package bench

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/operator"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/signature/devca"
)

// Person is a standard account the bench made: its documents passed the
// registry check.
type Person struct {
	Account
	Tokens
	SNILS    string // 11 digits
	Passport string // the number; series 2804, issued 2010-06-01
	Address  string // the registration address, the person's own
}

// Standard registers an account, saves a complete profile with a
// registration address and passes its registry check: submitted through
// the API, and its outcome recorded by the identity flow over the same
// table and keys, as the workflow does once both registries answered
// (the bench's Step Functions stand-in runs no execution).
func (s *System) Standard(ctx context.Context) (Person, error) {
	a, t, err := s.SignedIn(ctx)
	if err != nil {
		return Person{}, err
	}
	n := seq.Add(1)
	address := fmt.Sprintf("г. Тверь, ул. Канареечная, д. %d", n)
	body := strings.Replace(profileBody(n), `"citizenship":"RUS",`,
		`"citizenship":"RUS","registrationAddress":{"postcode":"170100","text":"`+address+`"},`, 1)
	if _, err := s.Do(ctx, Request{Method: "PATCH", Path: "/v1/me/profile", Header: mergePatch(t), Body: body}); err != nil {
		return Person{}, err
	}
	f, err := s.identity(ctx)
	if err != nil {
		return Person{}, err
	}
	c, err := f.Submit(ctx, a.ID, true)
	if err != nil {
		return Person{}, fmt.Errorf("identity submit: %w", err)
	}
	state, err := f.RecordOutcome(ctx, identity.OutcomeInput{AccountID: a.ID, CheckID: c.ID, Results: []registry.Result{
		{Item: registry.SNILS, Outcome: registry.Passed}, {Item: registry.Passport, Outcome: registry.Passed},
	}})
	if err != nil || state != identity.Passed {
		return Person{}, fmt.Errorf("identity outcome = %q, %v", state, err)
	}
	return Person{Account: a, Tokens: t, SNILS: strings.NewReplacer("-", "", " ", "").Replace(snils(n)), Passport: fmt.Sprintf("%06d", 200000+n%700000), Address: address}, nil
}

// identity is the identity flow over the system's table and local keys,
// unmetered: the bench's setup, not a measured request.
func (s *System) identity(ctx context.Context) (*identity.Flow, error) {
	master, err := cipher.FileSource{Path: s.Config.LocalKeysFile}.Master(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := cipher.DeriveKeys(master)
	if err != nil {
		return nil, err
	}
	data, err := cipher.NewLocalDataKeys(master)
	if err != nil {
		return nil, err
	}
	return &identity.Flow{
		Store: dynamo.New(s.DB, s.Table), Sealer: &cipher.Envelope{Keys: data}, Workflow: startNothing{}, Sender: sendNothing{},
		Index: secret.NewHasher(keys.Index), Now: time.Now, Rand: rand.Reader,
	}, nil
}

type startNothing struct{}

func (startNothing) Start(context.Context, string, any) error { return nil }

type sendNothing struct{}

func (sendNothing) Send(context.Context, string, string, string, string, map[string]string) error {
	return nil
}

// Operator registers a fresh operator at a service centre, as an
// administrator does in AWS, and returns its IAM principal.
func (s *System) Operator(ctx context.Context) (string, error) {
	principal := fmt.Sprintf("arn:aws:sts::%s:assumed-role/portalid-operator/bench%d", "123456789012", seq.Add(1))
	id := fmt.Sprintf("op-%d", seq.Add(1))
	return principal, dynamo.New(s.DB, s.Table).PutOperator(ctx, principal, operator.Operator{ID: id, Centre: "mfc-tver-zavolzhsky"})
}

// iam is the authorizer context API Gateway's AWS_IAM authorizer puts in
// the event of a request it accepted from principal.
func iam(principal string) *events.APIGatewayV2HTTPRequestContextAuthorizerDescription {
	return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
		UserARN: principal, AccountID: "123456789012",
	}}
}

// Sign is the base64 of a detached CMS signature over the challenge by a
// certificate the system's CA issues to p.
func (s *System) Sign(p Person, challenge string) (string, error) {
	content, err := base64.StdEncoding.DecodeString(challenge)
	if err != nil {
		return "", fmt.Errorf("challenge is not base64: %w", err)
	}
	cred, err := s.CA.Issue(devca.Person{Surname: "Иванова", GivenName: "Анна", SNILS: p.SNILS}, devca.Options{})
	if err != nil {
		return "", err
	}
	der, err := cred.Sign(content)
	return base64.StdEncoding.EncodeToString(der), err
}

// Letter orders a letter to p's registration address and runs the
// workflow's first steps with the task function (code issued, letter
// handed to the postal simulator, which prints it), as the workflow
// would; it returns the letter's id and the printed code.
func (s *System) Letter(ctx context.Context, p Person) (id, code string, err error) {
	res, err := s.Do(ctx, Request{Method: "POST", Path: "/v1/me/letters", Header: p.Bearer(), Body: `{"source":"registration"}`})
	if err != nil {
		return "", "", err
	}
	var v struct {
		ID string `json:"letterId"`
	}
	if err := decodeJSON(res.Body, &v); err != nil {
		return "", "", err
	}
	for _, step := range []string{"IssueLetterCode", "SendLetter"} {
		in, _ := json.Marshal(map[string]string{"task": step, "accountId": p.ID, "letterId": v.ID})
		if _, err := s.tasks.Handle(ctx, in, "bench-"+randomHex(16)); err != nil {
			return "", "", fmt.Errorf("%s: %w", step, err)
		}
	}
	entries, err := local.ReadOutbox(s.letters)
	if err != nil {
		return "", "", err
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if strings.Contains(entries[i].To, p.Address) {
			if c := printedCode.FindString(entries[i].Message); c != "" {
				return v.ID, c, nil
			}
		}
	}
	return "", "", errors.New("no letter was printed to the address")
}

var printedCode = regexp.MustCompile(`\b[0-9A-Z]{5}-[0-9A-Z]{5}\b`)

// confirmationScenarios measure the routes of identity confirmation
// (letters, signatures, operators) and of the catalogue.
func confirmationScenarios() []scenario {
	get := func(path string) func(context.Context, *System) (func(context.Context) (step, error), error) {
		return each(func(context.Context, *System) (step, error) {
			return step{req: Request{Method: "GET", Path: path}}, nil
		})
	}
	return []scenario{
		{Route: "GET /v1/service-centres", New: get("/v1/service-centres?city=tver&service=identity-confirmation")},
		{Route: "GET /v1/services", New: get("/v1/services?q=" + url.QueryEscape("Штрафы ГИБДД"))},
		{Route: "GET /v1/services/{id}", New: get("/v1/services/tax-personal-account")},
		{Route: "GET /v1/services/{id}/access", New: signedIn(func(t Tokens) Request {
			return Request{Method: "GET", Path: "/v1/services/tax-personal-account/access", Header: t.Bearer()}
		})},
		{Route: "POST /v1/me/letters", Why: whyLetterOrder, New: each(func(ctx context.Context, s *System) (step, error) {
			p, err := s.Standard(ctx)
			h := p.Bearer()
			h["idempotency-key"] = "bench-" + randomHex(8)
			return step{req: Request{Method: "POST", Path: "/v1/me/letters", Header: h, Body: `{"source":"registration"}`}}, err
		})},
		{Route: "GET /v1/me/letters/{id}", Hot: true, New: func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			p, err := s.Standard(ctx)
			if err != nil {
				return nil, err
			}
			id, _, err := s.Letter(ctx, p)
			return func(context.Context) (step, error) {
				return step{req: Request{Method: "GET", Path: "/v1/me/letters/" + id, Header: p.Bearer()}}, nil
			}, err
		}},
		{Route: "POST /v1/me/letters/{id}/code", Hot: true, Why: whyLetterCode, New: each(func(ctx context.Context, s *System) (step, error) {
			p, err := s.Standard(ctx)
			if err != nil {
				return step{}, err
			}
			id, code, err := s.Letter(ctx, p)
			return step{req: Request{Method: "POST", Path: "/v1/me/letters/" + id + "/code", Header: p.Bearer(), Body: fmt.Sprintf(`{"code":%q}`, code)}}, err
		})},
		{Route: "POST /v1/me/signature-challenges", Why: whySignatureStart, New: each(func(ctx context.Context, s *System) (step, error) {
			p, err := s.Standard(ctx)
			return step{req: Request{Method: "POST", Path: "/v1/me/signature-challenges", Header: p.Bearer()}}, err
		})},
		{Route: "POST /v1/me/signature-challenges/{id}", Why: whySignatureSubmit, New: each(func(ctx context.Context, s *System) (step, error) {
			p, err := s.Standard(ctx)
			if err != nil {
				return step{}, err
			}
			res, err := s.Do(ctx, Request{Method: "POST", Path: "/v1/me/signature-challenges", Header: p.Bearer()})
			if err != nil {
				return step{}, err
			}
			var c struct {
				ID        string `json:"challengeId"`
				Challenge string `json:"challenge"`
			}
			if err := decodeJSON(res.Body, &c); err != nil {
				return step{}, err
			}
			sig, err := s.Sign(p, c.Challenge)
			return step{req: Request{Method: "POST", Path: "/v1/me/signature-challenges/" + c.ID, Header: p.Bearer(), Body: fmt.Sprintf(`{"signature":%q}`, sig)}}, err
		})},
		{Route: "POST /v1/operator/account-searches", Why: whyOperatorSearch, New: func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			op, err := s.Operator(ctx)
			if err != nil {
				return nil, err
			}
			p, err := s.Standard(ctx)
			return func(context.Context) (step, error) {
				return step{req: Request{Method: "POST", Path: "/v1/operator/account-searches", Operator: op, Body: fmt.Sprintf(`{"snils":%q}`, p.SNILS)}}, nil
			}, err
		}},
		{Route: "POST /v1/operator/accounts/{id}/passport-checks", Why: whyOperatorCheck, New: atTheDesk(func(ctx context.Context, s *System, op string, p Person) (Request, error) {
			return passportCheck(op, p), nil
		})},
		{Route: "POST /v1/operator/accounts/{id}/confirmation", Why: whyOperatorConfirm, New: atTheDesk(func(ctx context.Context, s *System, op string, p Person) (Request, error) {
			_, err := s.Do(ctx, passportCheck(op, p))
			return Request{Method: "POST", Path: "/v1/operator/accounts/" + p.ID + "/confirmation", Operator: op, Body: "{}"}, err
		})},
		{Route: "POST /v1/operator/accounts/{id}/access-restorations", Why: whyOperatorRestore, New: atTheDesk(func(ctx context.Context, s *System, op string, p Person) (Request, error) {
			_, err := s.Do(ctx, passportCheck(op, p))
			phone, _, _ := Fresh()
			return Request{Method: "POST", Path: "/v1/operator/accounts/" + p.ID + "/access-restorations", Operator: op, Body: fmt.Sprintf(`{"phone":%q}`, phone)}, err
		})},
	}
}

// atTheDesk returns a scenario constructor with one operator; each
// request is about a standard account of its own, prepared by req.
func atTheDesk(req func(ctx context.Context, s *System, op string, p Person) (Request, error)) func(context.Context, *System) (func(context.Context) (step, error), error) {
	return func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
		op, err := s.Operator(ctx)
		return func(ctx context.Context) (step, error) {
			p, err := s.Standard(ctx)
			if err != nil {
				return step{}, err
			}
			r, err := req(ctx, s, op, p)
			return step{req: r}, err
		}, err
	}
}

func passportCheck(op string, p Person) Request {
	return Request{Method: "POST", Path: "/v1/operator/accounts/" + p.ID + "/passport-checks", Operator: op,
		Body: fmt.Sprintf(`{"series":"2804","number":%q,"issueDate":"2010-06-01"}`, p.Passport)}
}

// Why the confirmation routes above two round trips take what they take
// ("auth" is the BatchGetItem of session and account every signed-in
// request pays).
const (
	whyLetterOrder = "auth + the Idempotency-Key's claim (conditional PutItem) + one read of the latest-letter pointer and the sealed profile " +
		"(LetterOrderState, one round trip) + TransactWriteItems (letter, pointer, event) + the key's answer stored (UpdateItem). " +
		"3 without a key; the bench sends one, as clients are told to."
	whyLetterCode = "auth + the code check itself: UpdateItem counting the attempt before comparing, then TransactWriteItems " +
		"(code spent, level raised, proof, event) — 2, as on the other code routes."
	whySignatureSubmit = "auth + BatchGetItem (the challenge, the account, the sealed profile: the names and SNILS the certificate must match) + TransactWriteItems (challenge spent, level raised, " +
		"proof, event). The CMS check is CPU, not DynamoDB."
	whyOperatorSearch = "BatchGetItem (operator registry entry, the SNILS's claim, the operator's search log) → GetItem (the account " +
		"the claim names: its level and names; it depends on the first) → a write counting the search with the event on the person's chain."
	whyOperatorCheck   = ""
	whyOperatorConfirm = ""
	whyOperatorRestore = ""
	whySignatureStart  = ""
)
