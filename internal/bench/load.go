package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/invariant"
	"github.com/portalid/portalid/internal/local"
)

// LoadOptions bound a throughput run in count and time.
type LoadOptions struct {
	Starts   int           // registration starts
	Complete int           // of those, registrations completed with a double submit
	Logins   int           // sign-ins, spread over the completed accounts
	Workers  int           // concurrent clients
	Timeout  time.Duration // per phase: no request is sent after it
	// The scenarios (Scenarios): each runs at every concurrency, each step
	// bounded by PerStep requests and StepTimeout; Pool accounts are
	// prepared for the sign-ins and progress reads.
	Concurrency []int
	PerStep     int
	StepTimeout time.Duration
	Pool        int
}

// Load is one phase of load on the local API: HTTP on loopback through
// the local API Gateway stand-in, each request from a client address of
// its own (a 127.x.y.z source address).
type Load struct {
	Route    string  `json:"route"`
	Requests int     `json:"requests"`
	Workers  int     `json:"workers"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	Errors   int     `json:"errors"`
	P50Ms    float64 `json:"p50Ms"`
	P99Ms    float64 `json:"p99Ms"`
	TimedOut bool    `json:"stoppedByTimeBound"`
}

// Uniqueness is what the table holds after the load: every completed
// registration's password was sent twice at once, and exactly one account
// per phone may exist (Duplicates: the contact-claim and account-contacts
// violations of the invariant scan).
type Uniqueness struct {
	Completed  int `json:"registrationsCompleted"`
	Refused    int `json:"secondSubmitsRefused"`
	Errors     int `json:"errors"`
	Accounts   int `json:"accountsInTable"`
	Duplicates int `json:"duplicatePhones"`
}

// Throughput is the whole load run.
type Throughput struct {
	Loads      []Load         `json:"loads"`
	Scenarios  []ScenarioLoad `json:"scenarios,omitempty"`
	Uniqueness Uniqueness     `json:"uniqueness"`
	// Invariants is the scan of the table after the load.
	Invariants invariant.Report `json:"invariants"`
}

// MeasureThroughput serves s's API on loopback and loads it: registration
// starts, then the completion of some of them (two password requests at
// once for each), then sign-ins of the new accounts, then the scenarios
// at increasing concurrency; then it scans the whole table for broken
// invariants (internal/invariant). s should have a table of its own.
func MeasureThroughput(ctx context.Context, s *System, o LoadOptions) (Throughput, error) {
	gw := local.NewGateway(s.API.Handle, httpapi.Match)
	gw.Log = s.log
	srv, err := local.Serve(gw, 0)
	if err != nil {
		return Throughput{}, err
	}
	defer func() { _ = srv.Shutdown(context.Background()) }()
	c := newLoadClient(srv.URL())
	var out Throughput

	type started struct{ id, phone, ip string }
	regs := make([]started, o.Starts)
	load, err := c.run(ctx, "POST /v1/registrations", o.Starts, o.Workers, o.Timeout, func(ctx context.Context, i int) (int, error) {
		phone, _, _ := Fresh()
		ip := c.ip()
		status, body, err := c.do(ctx, ip, "POST", "/v1/registrations",
			fmt.Sprintf(`{"surname":"Иванова","givenName":"Анна","phone":%q,"termsVersion":"2026-01"}`, phone))
		var r struct {
			ID string `json:"registrationId"`
		}
		if err == nil && status == http.StatusCreated {
			err = json.Unmarshal(body, &r)
		}
		regs[i] = started{r.ID, phone, ip}
		return status, err
	})
	if err != nil {
		return Throughput{}, err
	}
	out.Loads = append(out.Loads, load)

	// Completion: confirm, then the password twice at once.
	var accounts []Account
	var mu sync.Mutex
	var u Uniqueness
	var done []started
	for _, r := range regs {
		if r.id != "" && len(done) < o.Complete {
			done = append(done, r)
		}
	}
	_, err = c.run(ctx, "complete", len(done), o.Workers, o.Timeout, func(ctx context.Context, i int) (int, error) {
		r := done[i]
		code, err := s.LastCode(r.phone)
		if err != nil {
			return 0, err
		}
		if status, _, err := c.do(ctx, r.ip, "POST", "/v1/registrations/"+r.id+"/confirm", fmt.Sprintf(`{"code":%q}`, code)); err != nil || status != http.StatusOK {
			return status, err
		}
		statuses := make([]int, 2)
		var both sync.WaitGroup
		for k := range statuses {
			both.Go(func() {
				statuses[k], _, _ = c.do(ctx, r.ip, "POST", "/v1/registrations/"+r.id+"/password", fmt.Sprintf(`{"password":%q}`, Password))
			})
		}
		both.Wait()
		mu.Lock()
		defer mu.Unlock()
		created, refused := 0, 0
		for _, st := range statuses {
			switch {
			case st == http.StatusCreated:
				created++
			case st == http.StatusConflict:
				refused++
			}
		}
		if created != 1 || refused != 1 {
			u.Errors++
			return statuses[0], fmt.Errorf("double submit answered %v, want one 201 and one 409", statuses)
		}
		u.Completed++
		u.Refused++
		accounts = append(accounts, Account{Phone: r.phone, Password: Password})
		return http.StatusCreated, nil
	})
	if err != nil {
		return Throughput{}, err
	}

	if len(accounts) > 0 {
		load, err = c.run(ctx, "POST /v1/sessions", o.Logins, o.Workers, o.Timeout, func(ctx context.Context, i int) (int, error) {
			status, _, err := c.do(ctx, c.ip(), "POST", "/v1/sessions", loginBody(accounts[i%len(accounts)]))
			return status, err
		})
		if err != nil {
			return Throughput{}, err
		}
		out.Loads = append(out.Loads, load)
	}
	if len(o.Concurrency) > 0 && o.PerStep > 0 {
		if out.Scenarios, err = MeasureScenarios(ctx, s, srv.URL(), o); err != nil {
			return out, err
		}
	}
	out.Invariants, err = invariant.Scan(ctx, s.DB, s.Table, s.Config, 4)
	if err != nil {
		return out, err
	}
	u.Accounts = out.Invariants.Accounts
	for _, v := range out.Invariants.Violations {
		if v.Rule == "contact-claim" || v.Rule == "account-contacts" {
			u.Duplicates++
		}
	}
	out.Uniqueness = u
	if u.Accounts == 0 {
		return out, errors.New("the table holds no account")
	}
	return out, nil
}

// loadClient sends each request on a new connection from the source
// address in its context, so that every request comes from a client of
// its own, as the API's per-address limits expect of real clients.
type loadClient struct {
	base string
	http *http.Client
	n    atomic.Int64
}

type sourceKey struct{}

func newLoadClient(base string) *loadClient {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &loadClient{base: base, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dd := *d
			if ip, ok := ctx.Value(sourceKey{}).(string); ok {
				dd.LocalAddr = &net.TCPAddr{IP: net.ParseIP(ip)}
			}
			return dd.DialContext(ctx, network, addr)
		},
	}}}
}

// ip returns a new loopback source address (127.0.0.0/8 is all local).
func (c *loadClient) ip() string {
	n := c.n.Add(1)
	return fmt.Sprintf("127.%d.%d.%d", 1+n>>16&253, n>>8&255, 1+n&127)
}

func (c *loadClient) do(ctx context.Context, ip, method, path, body string) (int, []byte, error) {
	return c.doWith(ctx, ip, method, path, body, nil)
}

// doWith is do with further request headers.
func (c *loadClient) doWith(ctx context.Context, ip, method, path, body string, header map[string]string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(context.WithValue(ctx, sourceKey{}, ip), method, c.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "portalid-bench")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// run sends n requests from workers clients, stopping early at timeout;
// a request fails when it errs or answers outside 2xx.
func (c *loadClient) run(ctx context.Context, route string, n, workers int, timeout time.Duration, send func(ctx context.Context, i int) (int, error)) (Load, error) {
	l := Load{Route: route, Workers: workers}
	if n == 0 {
		return l, nil
	}
	var mu sync.Mutex
	var firstErr error
	times, elapsed, timedOut := drive(ctx, n, workers, timeout, func(ctx context.Context, i int) {
		status, err := send(ctx, i)
		if err != nil || status < 200 || status > 299 {
			mu.Lock()
			defer mu.Unlock()
			l.Errors++
			if firstErr == nil {
				firstErr = fmt.Errorf("%s #%d: status %d: %v", route, i, status, err)
			}
		}
	})
	l.Seconds, l.TimedOut = elapsed.Seconds(), timedOut
	l.Requests = len(times)
	l.RPS = float64(l.Requests) / l.Seconds
	l.P50Ms, l.P99Ms = ms(Percentile(times, 50)), ms(Percentile(times, 99))
	if firstErr != nil {
		return l, firstErr
	}
	return l, ctx.Err()
}

// drive calls send for requests 0…n-1 from workers goroutines, sending
// none after timeout; it returns each request's duration, the time it
// all took, and whether the time bound stopped it.
func drive(ctx context.Context, n, workers int, timeout time.Duration, send func(ctx context.Context, i int)) (times []time.Duration, elapsed time.Duration, timedOut bool) {
	deadline := time.Now().Add(timeout)
	var next atomic.Int64
	var mu sync.Mutex
	worker := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= n || ctx.Err() != nil {
				return
			}
			if time.Now().After(deadline) {
				mu.Lock()
				timedOut = true
				mu.Unlock()
				return
			}
			t := time.Now()
			send(ctx, i)
			d := time.Since(t)
			mu.Lock()
			times = append(times, d)
			mu.Unlock()
		}
	}
	t0 := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(worker)
	}
	wg.Wait()
	return times, time.Since(t0), timedOut
}
