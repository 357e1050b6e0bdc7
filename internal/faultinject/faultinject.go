// Package faultinject makes AWS calls fail on purpose, for tests only
// (no function or command links it): a middleware on the SDK clients (DynamoDB, SNS, Step
// Functions, KMS) answers a seeded fraction of the attempts of each
// operation with throttling, a server fault (HTTP 500/503) or a timeout.
// It sits innermost in the Deserialize step, next to the transport, so
// the SDK's own retryer sees every injected fault and acts first, as it
// would in production; what the retryer gives up on surfaces to the code.
// The injector counts what it injected and what surfaced.
//
// No production configuration path builds an Injector: app.New and the
// functions take no option for it; tests add it to the aws.Config they
// pass in (Option).
package faultinject

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Kind is a kind of injected fault.
type Kind string

// The kinds of fault.
const (
	// Throttle answers as an over-used table or API: HTTP 400 with the
	// service's throttling code (ProvisionedThroughputExceededException
	// for DynamoDB, ThrottlingException for the others).
	Throttle Kind = "throttle"
	// ServerError answers HTTP 500 InternalServerError or 503
	// ServiceUnavailable, alternately.
	ServerError Kind = "server-error"
	// Timeout holds the attempt for the injector's Delay (or until the
	// context ends) and then fails it as an HTTP client timeout would.
	Timeout Kind = "timeout"
)

// Kinds lists every kind, in report order.
var Kinds = []Kind{Throttle, ServerError, Timeout}

// Service IDs as the SDK names them (awsmiddleware.GetServiceID).
const (
	DynamoDB = "DynamoDB"
	SNS      = "SNS"
	SFN      = "SFN"
	KMS      = "KMS"
)

// Rates are the fractions of attempts that fail with each kind; their sum
// is at most 1. Outage, when set, fails the first Outage attempts of each
// operation with a server error before the fractions apply: an outage
// long enough to outlast the SDK's retries (3 attempts), that then passes.
type Rates struct {
	Throttle, ServerError, Timeout float64
	Outage                         uint64
}

// Injector decides, per attempt, whether to inject a fault and which. A
// decision depends only on the seed, the service, the operation and how
// many attempts of that operation came before, so a run is repeatable
// when its calls are made in the same order.
type Injector struct {
	seed uint64
	// Delay is how long a Timeout holds an attempt; zero means 50 ms.
	Delay time.Duration

	mu    sync.Mutex
	rates map[string]Rates           // by service ID
	ops   map[string]map[string]bool // by service ID: only these operations, when set
	seq   map[string]uint64          // attempts so far, by service and operation
	stats map[string]*stats          // by service ID
	off   atomic.Bool
}

type stats struct {
	calls, attempts, failed int
	injected, surfaced      map[Kind]int
}

// New returns an injector that injects nothing until Set gives a service
// its rates.
func New(seed uint64) *Injector {
	return &Injector{seed: seed, rates: map[string]Rates{}, ops: map[string]map[string]bool{}, seq: map[string]uint64{}, stats: map[string]*stats{}}
}

// Set gives service (DynamoDB, SNS, SFN, KMS) its rates; operations, when
// given, limits the faults to those operations (e.g. "TransactWriteItems").
func (in *Injector) Set(service string, r Rates, operations ...string) *Injector {
	if r.Throttle < 0 || r.ServerError < 0 || r.Timeout < 0 || r.Throttle+r.ServerError+r.Timeout > 1 {
		panic(fmt.Sprintf("faultinject: rates %+v are not fractions summing to at most 1", r))
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rates[service] = r
	if len(operations) > 0 {
		in.ops[service] = map[string]bool{}
		for _, op := range operations {
			in.ops[service][op] = true
		}
	} else {
		delete(in.ops, service)
	}
	return in
}

// Pause stops injecting (calls are still counted), for a test's setup and
// its final checks; Resume starts again.
func (in *Injector) Pause() { in.off.Store(true) }

// Resume undoes Pause.
func (in *Injector) Resume() { in.off.Store(false) }

// Option adds the injector to every client made from an aws.Config:
// cfg.APIOptions = append(cfg.APIOptions, inj.Option).
func (in *Injector) Option(s *middleware.Stack) error {
	if err := s.Initialize.Add(middleware.InitializeMiddlewareFunc("FaultInjectCount", in.count), middleware.After); err != nil {
		return err
	}
	return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("FaultInject", in.inject), middleware.After)
}

// AddTo adds the injector to every client made from cfg, with the
// SDK's standard retryer backing off for at most maxBackoff (see
// DynamoDBOptions).
func (in *Injector) AddTo(cfg *aws.Config, maxBackoff time.Duration) {
	cfg.APIOptions = append(cfg.APIOptions, in.Option)
	cfg.Retryer = func() aws.Retryer { return standard(maxBackoff) }
}

// count runs outside the retryer: one per operation, and whether what
// the code finally got was an injected fault.
func (in *Injector) count(ctx context.Context, input middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleInitialize(ctx, input)
	service := awsmiddleware.GetServiceID(ctx)
	in.mu.Lock()
	defer in.mu.Unlock()
	st := in.stat(service)
	st.calls++
	if err != nil {
		st.failed++
		var f injected
		if errors.As(err, &f) {
			st.surfaced[f.kind()]++
		}
	}
	return out, md, err
}

// inject runs once per attempt, in place of the transport when it
// injects.
func (in *Injector) inject(ctx context.Context, input middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	kind, n := in.decide(service, op)
	if kind == "" {
		return next.HandleDeserialize(ctx, input)
	}
	if kind == Timeout {
		delay := in.Delay
		if delay <= 0 {
			delay = 50 * time.Millisecond
		}
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return middleware.DeserializeOutput{}, middleware.Metadata{}, ctx.Err()
		case <-t.C:
		}
		return middleware.DeserializeOutput{}, middleware.Metadata{}, &smithyhttp.RequestSendError{
			Err: &url.Error{Op: "Post", URL: "https://" + service + ".injected", Err: timeoutError{}},
		}
	}
	e := &Error{k: Throttle, Service: service, Operation: op, Status: 400, Code: "ThrottlingException"}
	switch {
	case kind == Throttle && service == DynamoDB:
		e.Code = "ProvisionedThroughputExceededException"
	case kind == ServerError && n%2 == 0:
		e.k, e.Status, e.Code = ServerError, 500, "InternalServerError"
	case kind == ServerError:
		e.k, e.Status, e.Code = ServerError, 503, "ServiceUnavailable"
	}
	return middleware.DeserializeOutput{}, middleware.Metadata{}, e
}

// decide picks the attempt's fault ("" for none) and counts it.
func (in *Injector) decide(service, op string) (Kind, uint64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	st := in.stat(service)
	st.attempts++
	r, ok := in.rates[service]
	if !ok || in.off.Load() || (in.ops[service] != nil && !in.ops[service][op]) {
		return "", 0
	}
	key := service + "." + op
	n := in.seq[key]
	in.seq[key] = n + 1
	x := unit(in.seed, key, n)
	var kind Kind
	switch {
	case n < r.Outage:
		kind = ServerError
	case x < r.Throttle:
		kind = Throttle
	case x < r.Throttle+r.ServerError:
		kind = ServerError
	case x < r.Throttle+r.ServerError+r.Timeout:
		kind = Timeout
	default:
		return "", n
	}
	st.injected[kind]++
	return kind, n
}

func (in *Injector) stat(service string) *stats {
	st := in.stats[service]
	if st == nil {
		st = &stats{injected: map[Kind]int{}, surfaced: map[Kind]int{}}
		in.stats[service] = st
	}
	return st
}

// unit maps (seed, key, n) to [0, 1) with FNV-1a and a splitmix64 finish.
func unit(seed uint64, key string, n uint64) float64 {
	h := uint64(14695981039346656037) ^ seed
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 1099511628211
	}
	z := h + n*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

// injected marks the errors the injector made, so count can tell them
// from real ones however the SDK wrapped them.
type injected interface{ kind() Kind }

// Error is an injected service error. It reads as the service's own to
// the SDK's retryer (its code and HTTP status) and to the adapters
// (smithy.APIError).
type Error struct {
	k                  Kind
	Service, Operation string
	Status             int
	Code               string
}

var _ smithy.APIError = (*Error)(nil)

func (e *Error) Error() string {
	return fmt.Sprintf("injected fault: %s %s: api error %s (HTTP %d)", e.Service, e.Operation, e.Code, e.Status)
}

// ErrorCode implements smithy.APIError.
func (e *Error) ErrorCode() string { return e.Code }

// ErrorMessage implements smithy.APIError.
func (e *Error) ErrorMessage() string { return "injected" }

// ErrorFault implements smithy.APIError.
func (e *Error) ErrorFault() smithy.ErrorFault {
	if e.Status >= 500 {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}

// HTTPStatusCode is the status the retryer classifies 5xx answers by.
func (e *Error) HTTPStatusCode() int { return e.Status }

// Kind is the kind of fault injected.
func (e *Error) Kind() Kind { return e.k }

func (e *Error) kind() Kind { return e.k }

// timeoutError is what an HTTP client timeout looks like under the
// SDK's RequestSendError: a net.Error that timed out.
type timeoutError struct{}

func (timeoutError) Error() string   { return "injected fault: i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return false }
func (timeoutError) kind() Kind      { return Timeout }

// Report is what an injector did, by service.
type Report struct {
	Services map[string]ServiceReport `json:"services"`
}

// ServiceReport is one service's figures: operations the code called,
// attempts the SDK made, operations that ended in an error, faults
// injected per kind and faults that survived the retryer per kind.
type ServiceReport struct {
	Calls    int          `json:"calls"`
	Attempts int          `json:"attempts"`
	Failed   int          `json:"failed"`
	Injected map[Kind]int `json:"injected"`
	Surfaced map[Kind]int `json:"surfaced"`
}

// Report returns the figures so far.
func (in *Injector) Report() Report {
	in.mu.Lock()
	defer in.mu.Unlock()
	r := Report{Services: map[string]ServiceReport{}}
	for name, st := range in.stats {
		sr := ServiceReport{Calls: st.calls, Attempts: st.attempts, Failed: st.failed, Injected: map[Kind]int{}, Surfaced: map[Kind]int{}}
		for _, k := range Kinds {
			sr.Injected[k], sr.Surfaced[k] = st.injected[k], st.surfaced[k]
		}
		r.Services[name] = sr
	}
	return r
}

// Injected is the number of faults of kind injected into every service.
func (r Report) Injected(kind Kind) int {
	n := 0
	for _, s := range r.Services {
		n += s.Injected[kind]
	}
	return n
}

// Surfaced is the number of faults of kind the retryer gave up on.
func (r Report) Surfaced(kind Kind) int {
	n := 0
	for _, s := range r.Services {
		n += s.Surfaced[kind]
	}
	return n
}

// String is a one-line summary, services in name order.
func (r Report) String() string {
	names := make([]string, 0, len(r.Services))
	for n := range r.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	s := ""
	for _, n := range names {
		sr := r.Services[n]
		s += fmt.Sprintf("%s: %d calls, %d attempts, injected %d throttle / %d 5xx / %d timeout, surfaced %d / %d / %d; ",
			n, sr.Calls, sr.Attempts, sr.Injected[Throttle], sr.Injected[ServerError], sr.Injected[Timeout],
			sr.Surfaced[Throttle], sr.Surfaced[ServerError], sr.Surfaced[Timeout])
	}
	return s
}

// Summary is what a fault test writes for the figures to be quoted: the
// injector's report, the requests (or workflow runs) it made, how they
// ended, and the invariant violations it found.
type Summary struct {
	Test       string         `json:"test"`
	Seed       uint64         `json:"seed"`
	Requests   int            `json:"requests"`
	Outcomes   map[string]int `json:"outcomes"`
	Violations int            `json:"violations"`
	Faults     Report         `json:"faults"`
}

// Write appends s as one JSON line to dir/fault-summary.jsonl (dir is
// usually the repository's .local).
func (s Summary) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, "fault-summary.jsonl"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(append(b, '\n'))
	return errors.Join(werr, f.Close())
}
