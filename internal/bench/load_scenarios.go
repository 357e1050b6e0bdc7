package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portalid/portalid/internal/local"
)

// ScenarioLoad is one scenario at one concurrency: what was sent and how
// it was answered. A 429 or other 4xx the scenario provokes on purpose
// (a wrong password, then the identifier's lockout) is expected and
// counted apart; every other answer outside 2xx is an error.
type ScenarioLoad struct {
	Scenario  string  `json:"scenario"`
	Workers   int     `json:"workers"`
	Requests  int     `json:"requests"`
	Seconds   float64 `json:"seconds"`
	RPS       float64 `json:"rps"`
	P50Ms     float64 `json:"p50Ms"`
	P99Ms     float64 `json:"p99Ms"`
	OK        int     `json:"ok"`
	Limited   int     `json:"expected429"`
	Expected  int     `json:"expected4xx"`
	Errors    int     `json:"errors"`
	Status503 int     `json:"errors503"`
	Status500 int     `json:"errors500"`
	Transport int     `json:"transportErrors"`
	// ByStatus counts every answer by HTTP status (0: no answer).
	ByStatus map[int]int `json:"byStatus"`
	TimedOut bool        `json:"stoppedByTimeBound"`
}

// shot is one request of a scenario, with the answers outside 2xx it
// provokes on purpose.
type shot struct {
	ip, method, path, body string
	header                 map[string]string
	want                   []int
}

// Scenarios are the load scenarios, in the order they run.
var Scenarios = []string{"registration-start", "code-confirm", "login", "progress-read", "mixed"}

// mix is the mixed scenario's weighting, per 20 requests: mostly reads
// of progress (the spinning arrows a waiting person refreshes), some
// starts, confirmations and sign-ins, and one sign-in with a wrong
// password against one identifier (401, then its lockout's 429).
var mix = []string{
	"check", "start", "letter", "me", "confirm", "check", "login", "check", "wrong-password", "letter",
	"check", "start", "me", "confirm", "check", "login", "letter", "check", "start", "me",
}

// pool is what the scenarios sign in with and read: accounts with a
// submitted identity check, and standard ones with a letter in the post.
type pool struct {
	accounts []Account
	checks   []shot // GET /v1/me/identity-checks/{id}
	letters  []shot // GET /v1/me/letters/{id}
	me       []shot // GET /v1/me
	victim   string // a phone no account has: the wrong-password sign-ins
}

// preparePool makes the pool through the API (setup, not measured), n
// workers at a time.
func preparePool(ctx context.Context, s *System, size int) (*pool, error) {
	p := &pool{}
	p.victim, _, _ = Fresh()
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for i := range size {
		wg.Go(func() {
			a, t, check, err := s.Submitted(ctx)
			var letter shot
			if err == nil && i%4 == 0 {
				// Every fourth also a standard person with a letter sent.
				var per Person
				if per, err = s.Standard(ctx); err == nil {
					var id string
					id, _, err = s.Letter(ctx, per)
					letter = shot{method: "GET", path: "/v1/me/letters/" + id, header: per.Bearer()}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if letter.path != "" {
				p.letters = append(p.letters, letter)
			}
			p.accounts = append(p.accounts, a)
			p.checks = append(p.checks, shot{method: "GET", path: "/v1/me/identity-checks/" + check, header: t.Bearer()})
			p.me = append(p.me, shot{method: "GET", path: "/v1/me", header: t.Bearer()})
		})
		if (i+1)%4 == 0 {
			wg.Wait() // four at a time: the machine is shared
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("prepare load pool: %w", err)
	}
	return p, nil
}

// pending are registrations started and not yet confirmed, with the code
// each phone got.
type pending struct {
	regs []started
	next atomic.Int64
}

type started struct{ id, phone, ip, code string }

// take returns the next registration to confirm.
func (p *pending) take() (started, bool) {
	i := int(p.next.Add(1)) - 1
	if i >= len(p.regs) {
		return started{}, false
	}
	return p.regs[i], true
}

// startRegistrations starts n registrations (setup, not measured) and
// reads the codes they were sent from the SMS outbox, once.
func startRegistrations(ctx context.Context, s *System, c *loadClient, n int) (*pending, error) {
	regs := make([]started, n)
	_, err := c.run(ctx, "setup: registrations to confirm", n, 8, 5*time.Minute, func(ctx context.Context, i int) (int, error) {
		sh := registrationStart(c)
		status, body, err := c.send(ctx, sh)
		var r struct {
			ID string `json:"registrationId"`
		}
		if err == nil && status == http.StatusCreated {
			err = json.Unmarshal(body, &r)
		}
		regs[i] = started{id: r.ID, phone: phoneOf(sh.body), ip: sh.ip}
		return status, err
	})
	if err != nil {
		return nil, err
	}
	entries, err := local.ReadOutbox(s.sms)
	if err != nil {
		return nil, err
	}
	last := map[string]string{}
	for _, e := range entries {
		if code := codeRe.FindString(e.Message); code != "" {
			last[e.To] = code
		}
	}
	for i := range regs {
		if regs[i].code = last[regs[i].phone]; regs[i].code == "" {
			return nil, errors.New("prepare confirmations: a started registration's code was not sent")
		}
	}
	return &pending{regs: regs}, nil
}

func registrationStart(c *loadClient) shot {
	phone, _, _ := Fresh()
	return shot{ip: c.ip(), method: "POST", path: "/v1/registrations",
		body: fmt.Sprintf(`{"surname":"Иванова","givenName":"Анна","phone":%q,"termsVersion":"2026-01"}`, phone)}
}

// phoneOf is the phone of a registration start's body.
func phoneOf(body string) string {
	var v struct {
		Phone string `json:"phone"`
	}
	_ = json.Unmarshal([]byte(body), &v)
	return v.Phone
}

func confirmShot(r started) shot {
	return shot{ip: r.ip, method: "POST", path: "/v1/registrations/" + r.id + "/confirm", body: fmt.Sprintf(`{"code":%q}`, r.code)}
}

func loginShot(c *loadClient, a Account) shot {
	return shot{ip: c.ip(), method: "POST", path: "/v1/sessions", body: loginBody(a)}
}

// MeasureScenarios runs every scenario at each concurrency of o, each
// step bounded by o.PerStep requests and o.StepTimeout, against the API
// served on base.
func MeasureScenarios(ctx context.Context, s *System, base string, o LoadOptions) ([]ScenarioLoad, error) {
	c := newLoadClient(base)
	p, err := preparePool(ctx, s, o.Pool)
	if err != nil {
		return nil, err
	}
	var out []ScenarioLoad
	for _, name := range Scenarios {
		for _, workers := range o.Concurrency {
			var regs *pending
			switch name {
			case "code-confirm":
				regs, err = startRegistrations(ctx, s, c, o.PerStep)
			case "mixed":
				regs, err = startRegistrations(ctx, s, c, o.PerStep*countOf(mix, "confirm")/len(mix)+1)
			}
			if err != nil {
				return out, err
			}
			next := shots(name, c, p, regs)
			l := c.scenario(ctx, name, o.PerStep, workers, o.StepTimeout, next)
			out = append(out, l)
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
		}
	}
	return out, nil
}

// countOf is how many of xs are x.
func countOf(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

// shots is the i-th request of a scenario.
func shots(name string, c *loadClient, p *pool, regs *pending) func(i int) shot {
	kind := func(k string, i int) shot {
		switch k {
		case "confirm":
			if r, ok := regs.take(); ok {
				return confirmShot(r)
			}
			return registrationStart(c)
		case "login":
			return loginShot(c, p.accounts[i%len(p.accounts)])
		case "wrong-password":
			sh := loginShot(c, Account{Phone: p.victim, Password: "Wrong-Password-1"})
			sh.want = []int{http.StatusUnauthorized, http.StatusTooManyRequests}
			return sh
		case "check":
			return p.checks[i%len(p.checks)]
		case "letter":
			if len(p.letters) > 0 {
				return p.letters[i%len(p.letters)]
			}
			return p.checks[i%len(p.checks)]
		case "me":
			return p.me[i%len(p.me)]
		}
		return registrationStart(c)
	}
	return func(i int) shot {
		switch name {
		case "registration-start":
			return kind("start", i)
		case "code-confirm":
			return kind("confirm", i)
		case "login":
			return kind("login", i)
		case "progress-read":
			return kind([]string{"check", "check", "letter"}[i%3], i)
		}
		return kind(mix[i%len(mix)], i)
	}
}

// scenario sends n requests from workers clients, stopping at timeout,
// and classifies every answer.
func (c *loadClient) scenario(ctx context.Context, name string, n, workers int, timeout time.Duration, next func(i int) shot) ScenarioLoad {
	l := ScenarioLoad{Scenario: name, Workers: workers, ByStatus: map[int]int{}}
	var mu sync.Mutex
	times, elapsed, timedOut := drive(ctx, n, workers, timeout, func(ctx context.Context, i int) {
		sh := next(i)
		status, _, err := c.send(ctx, sh)
		mu.Lock()
		defer mu.Unlock()
		l.ByStatus[status]++
		switch {
		case err != nil || status == 0:
			l.Errors++
			l.Transport++
		case status >= 200 && status <= 299:
			l.OK++
		case slices.Contains(sh.want, status) && status == http.StatusTooManyRequests:
			l.Limited++
		case slices.Contains(sh.want, status):
			l.Expected++
		default:
			l.Errors++
			switch status {
			case http.StatusServiceUnavailable:
				l.Status503++
			case http.StatusInternalServerError:
				l.Status500++
			}
		}
	})
	l.Requests, l.Seconds, l.TimedOut = len(times), elapsed.Seconds(), timedOut
	if l.Seconds > 0 {
		l.RPS = float64(l.Requests) / l.Seconds
	}
	l.P50Ms, l.P99Ms = ms(Percentile(times, 50)), ms(Percentile(times, 99))
	return l
}

// send sends a shot from its client address (a fresh one when unset).
func (c *loadClient) send(ctx context.Context, sh shot) (int, []byte, error) {
	ip := sh.ip
	if ip == "" {
		ip = c.ip()
	}
	return c.doWith(ctx, ip, sh.method, sh.path, sh.body, sh.header)
}
