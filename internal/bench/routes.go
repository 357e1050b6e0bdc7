package bench

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/httpapi"
)

// MaxHotCalls is the target of DynamoDB round trips per request on the
// hot routes (code checks, login, refresh, progress reads).
const MaxHotCalls = 2

// Route is what one API route costs per request, measured in-process
// through the route table with API Gateway v2 events, against DynamoDB
// Local.
type Route struct {
	Route    string  `json:"route"`
	Function string  `json:"function"`
	Hot      bool    `json:"hot"`
	Samples  int     `json:"samples"`
	P50Ms    float64 `json:"p50Ms"`
	P99Ms    float64 `json:"p99Ms"`
	Allocs   float64 `json:"allocsPerRequest"`
	Calls    float64 `json:"ddbCallsPerRequest"`
	MaxCalls int64   `json:"ddbCallsMax"`
	RRU      float64 `json:"readUnitsPerRequest"`
	WRU      float64 `json:"writeUnitsPerRequest"`
	// KMSSigns counts the access tokens issued per request: in AWS each
	// is one KMS Sign, as the signing key never leaves KMS.
	KMSSigns float64 `json:"kmsSignsPerRequest"`
	// Why explains round trips above MaxHotCalls.
	Why string `json:"why,omitempty"`
}

// OverTarget reports whether a hot route needs more round trips than
// MaxHotCalls.
func (r Route) OverTarget() bool { return r.Hot && r.MaxCalls > MaxHotCalls }

// step is one measured request, and what to do with its answer.
type step struct {
	req  Request
	keep func(events.APIGatewayV2HTTPResponse) error
}

// scenario measures one route: New prepares what every request of the
// route shares and returns the function that prepares each request (its
// work is not measured).
type scenario struct {
	Route  string
	Hot    bool
	Why    string
	Status int // the status wanted, when not a 2xx
	New    func(ctx context.Context, s *System) (func(ctx context.Context) (step, error), error)
}

// each returns a scenario constructor whose requests need nothing shared.
func each(prepare func(ctx context.Context, s *System) (step, error)) func(context.Context, *System) (func(context.Context) (step, error), error) {
	return func(_ context.Context, s *System) (func(context.Context) (step, error), error) {
		return func(ctx context.Context) (step, error) { return prepare(ctx, s) }, nil
	}
}

// signedIn returns a scenario constructor whose requests all act as one
// signed-in account; req builds each request from its tokens.
func signedIn(req func(Tokens) Request) func(context.Context, *System) (func(context.Context) (step, error), error) {
	return func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
		_, t, err := s.SignedIn(ctx)
		if err != nil {
			return nil, err
		}
		return func(context.Context) (step, error) { return step{req: req(t)}, nil }, nil
	}
}

// MeasureRoutes measures every scenario with n requests each (after one
// unmeasured warm-up request when n > 1). A request that fails fails the
// run: a benchmark that measures errors measures nothing.
func MeasureRoutes(ctx context.Context, s *System, n int) ([]Route, error) {
	functions := map[string]string{}
	for _, r := range httpapi.Table() {
		functions[r.Key] = r.Function
	}
	var out []Route
	for _, sc := range scenarios() {
		r, err := measure(ctx, s, sc, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sc.Route, err)
		}
		r.Function = functions[sc.Route]
		out = append(out, r)
	}
	return out, nil
}

func measure(ctx context.Context, s *System, sc scenario, n int) (Route, error) {
	prepare, err := sc.New(ctx, s)
	if err != nil {
		return Route{}, fmt.Errorf("set up: %w", err)
	}
	want := func(code int) bool {
		if sc.Status != 0 {
			return code == sc.Status
		}
		return code >= 200 && code <= 299
	}
	r := Route{Route: sc.Route, Hot: sc.Hot, Why: sc.Why}
	var times []time.Duration
	var mallocs uint64
	var calls int64
	var rru, wru, signs float64
	warm := n > 1
	for len(times) < n {
		st, err := prepare(ctx)
		if err != nil {
			return Route{}, fmt.Errorf("prepare: %w", err)
		}
		ev := s.Event(st.req)
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		c0 := s.Calls.Load()
		r0, w0 := s.Capacity.Units()
		t0 := time.Now()
		res := s.Handle(ctx, ev)
		d := time.Since(t0)
		c := s.Calls.Load() - c0
		r1, w1 := s.Capacity.Units()
		runtime.ReadMemStats(&m1)
		if !want(res.StatusCode) {
			return Route{}, fmt.Errorf("%s %s = %d %s", st.req.Method, st.req.Path, res.StatusCode, problemType(res.Body))
		}
		if st.keep != nil {
			if err := st.keep(res); err != nil {
				return Route{}, err
			}
		}
		if warm {
			warm = false
			continue
		}
		times = append(times, d)
		mallocs += m1.Mallocs - m0.Mallocs
		calls += c
		r.MaxCalls = max(r.MaxCalls, c)
		rru += r1 - r0
		wru += w1 - w0
		if strings.Contains(res.Body, `"accessToken"`) {
			signs++
		}
	}
	r.Samples = n
	r.P50Ms, r.P99Ms = ms(Percentile(times, 50)), ms(Percentile(times, 99))
	r.Allocs = float64(mallocs) / float64(n)
	r.Calls = float64(calls) / float64(n)
	r.RRU, r.WRU, r.KMSSigns = rru/float64(n), wru/float64(n), signs/float64(n)
	return r, nil
}

// Percentile is the nearest-rank p-th percentile of ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Unmeasured lists the routes of the table no scenario measures yet.
func Unmeasured() []string {
	have := map[string]bool{}
	for _, sc := range scenarios() {
		have[sc.Route] = true
	}
	var out []string
	for _, r := range httpapi.Table() {
		if !have[r.Key] {
			out = append(out, r.Key)
		}
	}
	return out
}

// scenarios lists a scenario per route. A route added to the table shows
// as unmeasured in the report until it gets one here.
func scenarios() []scenario {
	all := append([]scenario{
		{Route: "POST /v1/registrations", New: each(func(_ context.Context, _ *System) (step, error) {
			phone, _, ip := Fresh()
			return step{req: Request{Method: "POST", Path: "/v1/registrations", IP: ip,
				Body: fmt.Sprintf(`{"surname":"Иванова","givenName":"Анна","phone":%q,"termsVersion":"2026-01"}`, phone)}}, nil
		})},
		{Route: "POST /v1/registrations/{id}/resend", Why: whyRegResend, New: each(func(ctx context.Context, s *System) (step, error) {
			phone, _, ip := Fresh()
			id, err := s.StartRegistration(ctx, phone, ip)
			time.Sleep(2 * ResendInterval)
			return step{req: Request{Method: "POST", Path: "/v1/registrations/" + id + "/resend", IP: ip}}, err
		})},
		{Route: "POST /v1/registrations/{id}/confirm", Hot: true, New: each(func(ctx context.Context, s *System) (step, error) {
			phone, _, ip := Fresh()
			id, err := s.StartRegistration(ctx, phone, ip)
			if err != nil {
				return step{}, err
			}
			code, err := s.LastCode(phone)
			return step{req: Request{Method: "POST", Path: "/v1/registrations/" + id + "/confirm", IP: ip, Body: fmt.Sprintf(`{"code":%q}`, code)}}, err
		})},
		{Route: "POST /v1/registrations/{id}/password", New: each(func(ctx context.Context, s *System) (step, error) {
			phone, _, ip := Fresh()
			id, err := s.StartRegistration(ctx, phone, ip)
			if err == nil {
				err = s.ConfirmRegistration(ctx, id, phone, ip)
			}
			return step{req: Request{Method: "POST", Path: "/v1/registrations/" + id + "/password", IP: ip, Body: fmt.Sprintf(`{"password":%q}`, Password)}}, err
		})},
		{Route: "POST /v1/sessions", Hot: true, Why: whyLogin, New: func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			a, err := s.Register(ctx)
			return func(context.Context) (step, error) {
				_, _, ip := Fresh()
				return step{req: Request{Method: "POST", Path: "/v1/sessions", IP: ip, Body: loginBody(a)}}, nil
			}, err
		}},
		{Route: "POST /v1/sessions/refresh", Hot: true, New: func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			_, t, err := s.SignedIn(ctx)
			return func(context.Context) (step, error) {
				return step{req: Request{Method: "POST", Path: "/v1/sessions/refresh", Body: fmt.Sprintf(`{"refreshToken":%q}`, t.Refresh)},
					keep: func(res events.APIGatewayV2HTTPResponse) error { return decodeJSON(res.Body, &t) }}, nil
			}, err
		}},
		{Route: "DELETE /v1/sessions/current", New: signOut("/v1/sessions/current")},
		{Route: "DELETE /v1/sessions", New: signOut("/v1/sessions")},
		{Route: "GET /.well-known/jwks.json", New: each(func(context.Context, *System) (step, error) {
			return step{req: Request{Method: "GET", Path: "/.well-known/jwks.json"}}, nil
		})},
		{Route: "GET /v1/me", New: signedIn(func(t Tokens) Request { return Request{Method: "GET", Path: "/v1/me", Header: t.Bearer()} })},
		{Route: "GET /v1/me/events", New: signedIn(func(t Tokens) Request { return Request{Method: "GET", Path: "/v1/me/events", Header: t.Bearer()} })},
		{Route: "GET /v1/me/events/verification", New: signedIn(func(t Tokens) Request {
			return Request{Method: "GET", Path: "/v1/me/events/verification", Header: t.Bearer()}
		})},
		{Route: "POST /v1/me/events/{seq}/not-me", New: each(func(ctx context.Context, s *System) (step, error) {
			_, t, err := s.SignedIn(ctx)
			if err != nil {
				return step{}, err
			}
			res, err := s.Do(ctx, Request{Method: "GET", Path: "/v1/me/events?limit=1", Header: t.Bearer()})
			if err != nil {
				return step{}, err
			}
			var page struct {
				Events []struct {
					Seq int64 `json:"seq"`
				} `json:"events"`
			}
			if err := decodeJSON(res.Body, &page); err != nil || len(page.Events) == 0 {
				return step{}, fmt.Errorf("no event to mark: %v", err)
			}
			return step{req: Request{Method: "POST", Path: fmt.Sprintf("/v1/me/events/%d/not-me", page.Events[0].Seq), Header: t.Bearer()}}, nil
		})},
		{Route: "PUT /v1/me/password", Why: whyPassword, New: func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			_, t, err := s.SignedIn(ctx)
			current, next := Password, Password2
			return func(context.Context) (step, error) {
				return step{req: Request{Method: "PUT", Path: "/v1/me/password", Header: t.Bearer(),
					Body: fmt.Sprintf(`{"currentPassword":%q,"newPassword":%q}`, current, next)},
					keep: func(res events.APIGatewayV2HTTPResponse) error {
						current, next = next, current
						return decodeJSON(res.Body, &t)
					}}, nil
			}, err
		}},
		{Route: "PUT /v1/me/security-question", Why: whyQuestion, New: signedIn(func(t Tokens) Request {
			return Request{Method: "PUT", Path: "/v1/me/security-question", Header: t.Bearer(),
				Body: fmt.Sprintf(`{"question":"Кличка первой собаки?","answer":"Рекс","currentPassword":%q}`, Password)}
		})},
		{Route: "PUT /v1/me/contacts/{kind}", Why: whyContact, New: signedIn(func(t Tokens) Request {
			_, email, _ := Fresh()
			return Request{Method: "PUT", Path: "/v1/me/contacts/email", Header: t.Bearer(), Body: fmt.Sprintf(`{"value":%q,"currentPassword":%q}`, email, Password)}
		})},
		{Route: "POST /v1/me/contacts/{kind}/confirm", Hot: true, Why: whyContactConfirm, New: func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			_, t, err := s.SignedIn(ctx)
			return func(ctx context.Context) (step, error) {
				_, email, _ := Fresh()
				if _, err := s.Do(ctx, Request{Method: "PUT", Path: "/v1/me/contacts/email", Header: t.Bearer(), Body: fmt.Sprintf(`{"value":%q,"currentPassword":%q}`, email, Password)}); err != nil {
					return step{}, err
				}
				code, err := s.LastCode(email)
				return step{req: Request{Method: "POST", Path: "/v1/me/contacts/email/confirm", Header: t.Bearer(), Body: fmt.Sprintf(`{"code":%q}`, code)}}, err
			}, err
		}},
		{Route: "PUT /v1/me/notifications", New: signedIn(func(t Tokens) Request {
			return Request{Method: "PUT", Path: "/v1/me/notifications", Header: t.Bearer(), Body: `{"channels":["sms"]}`}
		})},
		{Route: "GET /v1/me/profile", New: withProfile(func(t Tokens, _ string) Request {
			return Request{Method: "GET", Path: "/v1/me/profile", Header: t.Bearer()}
		})},
		{Route: "PATCH /v1/me/profile", Why: whyPatch, New: withProfile(func(t Tokens, body string) Request {
			return Request{Method: "PATCH", Path: "/v1/me/profile", Header: mergePatch(t), Body: body}
		})},
		{Route: "POST /v1/me/identity-checks", Why: whySubmit, New: each(func(ctx context.Context, s *System) (step, error) {
			_, t, err := s.SignedIn(ctx)
			if err != nil {
				return step{}, err
			}
			_, err = s.Do(ctx, Request{Method: "PATCH", Path: "/v1/me/profile", Header: mergePatch(t), Body: profileBody(seq.Add(1))})
			return step{req: Request{Method: "POST", Path: "/v1/me/identity-checks", Header: t.Bearer(), Body: `{"consent":true}`}}, err
		})},
		{Route: "GET /v1/me/identity-checks/{id}", Hot: true, New: func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
			_, t, id, err := s.Submitted(ctx)
			return func(context.Context) (step, error) {
				return step{req: Request{Method: "GET", Path: "/v1/me/identity-checks/" + id, Header: t.Bearer()}}, nil
			}, err
		}},
		{Route: "POST /v1/recovery", New: each(func(ctx context.Context, s *System) (step, error) {
			a, err := s.Register(ctx)
			_, _, ip := Fresh()
			return step{req: Request{Method: "POST", Path: "/v1/recovery", IP: ip, Body: fmt.Sprintf(`{"login":%q}`, a.Phone)}}, err
		})},
		{Route: "POST /v1/recovery/{id}/resend", Why: whyResend, New: each(func(ctx context.Context, s *System) (step, error) {
			_, id, ip, err := recovering(ctx, s)
			time.Sleep(2 * ResendInterval)
			return step{req: Request{Method: "POST", Path: "/v1/recovery/" + id + "/resend", IP: ip}}, err
		})},
		{Route: "POST /v1/recovery/{id}/confirm", Hot: true, Why: whyRecoveryConfirm, New: each(func(ctx context.Context, s *System) (step, error) {
			a, id, ip, err := recovering(ctx, s)
			if err != nil {
				return step{}, err
			}
			code, err := s.LastCode(a.Phone)
			return step{req: Request{Method: "POST", Path: "/v1/recovery/" + id + "/confirm", IP: ip, Body: fmt.Sprintf(`{"code":%q}`, code)}}, err
		})},
		{Route: "POST /v1/recovery/{id}/password", Why: whyRecoveryPassword, New: each(func(ctx context.Context, s *System) (step, error) {
			a, id, ip, err := recovering(ctx, s)
			if err != nil {
				return step{}, err
			}
			code, err := s.LastCode(a.Phone)
			if err != nil {
				return step{}, err
			}
			if _, err := s.Do(ctx, Request{Method: "POST", Path: "/v1/recovery/" + id + "/confirm", IP: ip, Body: fmt.Sprintf(`{"code":%q}`, code)}); err != nil {
				return step{}, err
			}
			return step{req: Request{Method: "POST", Path: "/v1/recovery/" + id + "/password", IP: ip, Body: fmt.Sprintf(`{"password":%q}`, Password2)}}, nil
		})},
		{Route: httpapi.DefaultRoute, Status: http.StatusNotFound, New: each(func(context.Context, *System) (step, error) {
			return step{req: Request{Method: "GET", Path: "/v1/nowhere"}}, nil
		})},
	}, confirmationScenarios()...)
	all = append(all, organisationScenarios()...)
	// In the table's order, as the report lists them.
	at := map[string]int{}
	for i, r := range httpapi.Table() {
		at[r.Key] = i
	}
	slices.SortStableFunc(all, func(a, b scenario) int { return at[a.Route] - at[b.Route] })
	return all
}

// signOut returns a scenario constructor signing out through path after a
// fresh sign-in of one account per request.
func signOut(path string) func(context.Context, *System) (func(context.Context) (step, error), error) {
	return func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
		a, err := s.Register(ctx)
		return func(ctx context.Context) (step, error) {
			t, err := s.Login(ctx, a)
			return step{req: Request{Method: "DELETE", Path: path, Header: t.Bearer()}}, err
		}, err
	}
}

// withProfile returns a scenario constructor acting as one signed-in
// account whose complete profile is saved; req gets the profile's patch.
func withProfile(req func(t Tokens, patch string) Request) func(context.Context, *System) (func(context.Context) (step, error), error) {
	return func(ctx context.Context, s *System) (func(context.Context) (step, error), error) {
		_, t, err := s.SignedIn(ctx)
		if err != nil {
			return nil, err
		}
		body := profileBody(seq.Add(1))
		if _, err := s.Do(ctx, Request{Method: "PATCH", Path: "/v1/me/profile", Header: mergePatch(t), Body: body}); err != nil {
			return nil, err
		}
		return func(context.Context) (step, error) { return step{req: req(t, body)}, nil }, nil
	}
}

// recovering registers an account and starts its recovery from a fresh
// client address.
func recovering(ctx context.Context, s *System) (a Account, id, ip string, err error) {
	if a, err = s.Register(ctx); err != nil {
		return Account{}, "", "", err
	}
	_, _, ip = Fresh()
	id, err = s.StartRecovery(ctx, a, ip)
	return a, id, ip, err
}

// Why the routes above two round trips take what they take. "auth" is
// the one BatchGetItem (session + account) every signed-in request pays.
const (
	whyLogin = "BatchGetItem (the identifier's contact items, its lock, the address's failures) → GetItem (the account the identifier names: " +
		"password hash, reset flag, head of its event hash chain) → TransactWriteItems (session, login event, chain head, lock reset). " +
		"The account read depends on the first (the identifier names the account). Copying hash and flags onto the identifier items " +
		"would not remove it: the login event must extend the chain, and the chain head moves with every event of every flow, so " +
		"every event-appending transaction would have to rewrite up to 3 identifier items — more write units on every event than " +
		"the one read unit saved, and a consistency duty on every flow. Kept at 3."
	whyContactConfirm = "auth + the code check itself: UpdateItem counting the attempt before comparing, then TransactWriteItems " +
		"committing the change (new contact claimed, old released, event) — 2, as on the unauthenticated code routes."
	whyRecoveryConfirm = "UpdateItem counting the attempt → GetItem of the account (its level, SNILS index and security answer say " +
		"what proves the person; a decoy reads an id that cannot exist, so unknown logins cost the same) → UpdateItem confirming. " +
		"Copying the proofs onto the recovery at its start would save the read but check against proofs that may have changed since."
	whyResend = "GetItem (the pending item) → BatchGetItem (the send logs of its contact and of the address: the contact's key " +
		"comes from the item) → TransactWriteItems (new code, both logs)."
	whyRecoveryPassword = "GetItem (the recovery) → GetItem (the account, for the chain head) → TransactWriteItems (hash, revocation, events)."
	whyPassword         = "auth + BatchGetItem (lock, address failures: a wrong current password counts as a failed sign-in) + " +
		"TransactWriteItems (hash, sessions revoked, event) + TransactWriteItems (the caller's fresh session)."
	whyQuestion  = "auth + BatchGetItem (lock, address failures, as for the password) + TransactWriteItems (answer hash, event)."
	whyContact   = "auth + the password check (BatchGetItem of the sign-in lock and the address's failures, as a sign-in) + BatchGetItem (pending change, the new contact's owner, send logs) + TransactWriteItems (change, logs)."
	whyPatch     = "auth + GetItem (draft and its version) + conditional PutItem on that version (optimistic locking: a concurrent save retries)."
	whySubmit    = "auth + BatchGetItem (draft, the current check's pointer) + TransactWriteItems (check, document claims); a resubmission also reads the previous check. StartExecution is Step Functions, not DynamoDB."
	whyRegResend = whyResend
)
