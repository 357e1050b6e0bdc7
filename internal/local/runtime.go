package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RuntimeAPIVersion is the path prefix of the Lambda Runtime API.
const RuntimeAPIVersion = "/2018-06-01/runtime"

// maxRuntimePayload is Lambda's limit on a synchronous response (6 MB).
const maxRuntimePayload = 6 << 20

// ErrRuntimeInit reports that the function posted an init error.
var ErrRuntimeInit = errors.New("function init failed")

// Runtime stands in for the Lambda Runtime API in front of one function
// process: the AWS Runtime Interface Emulator is not installable here, so
// this is what runs the real bootstrap binaries on loopback (serve it with
// Serve and give the process AWS_LAMBDA_RUNTIME_API=host:port). It hands
// each invocation queued by Invoke to GET …/invocation/next, with the
// headers aws-lambda-go reads, and completes it when the function posts
// to …/invocation/{id}/response or …/invocation/{id}/error; an init error
// (POST …/init/error) fails every waiting invocation.
type Runtime struct {
	// FunctionARN is sent as Lambda-Runtime-Invoked-Function-Arn.
	FunctionARN string
	// Timeout sets each invocation's deadline (Lambda-Runtime-Deadline-Ms);
	// 0 means 10 s, the functions' Timeout in template.yaml.
	Timeout time.Duration

	queue    chan *invocation
	mu       sync.Mutex
	inflight map[string]*invocation
	initErr  chan struct{}
	initOnce sync.Once
	initBody []byte
	polled   time.Time // the first GET …/next: the end of the function's init
}

// RuntimeResult is what the function posted for one invocation.
type RuntimeResult struct {
	Payload   []byte
	Error     bool      // posted to …/error
	ErrorType string    // Lambda-Runtime-Function-Error-Type, or errorType of the body
	At        time.Time // when the post arrived, body read
}

type invocation struct {
	id      string
	payload []byte
	done    chan RuntimeResult
}

// NewRuntime returns a Runtime API host for the function named by arn.
func NewRuntime(arn string) *Runtime {
	return &Runtime{
		FunctionARN: arn,
		queue:       make(chan *invocation, 64),
		inflight:    map[string]*invocation{},
		initErr:     make(chan struct{}),
	}
}

// Invoke queues payload for the function and waits for its answer, an
// init error, or the end of ctx.
func (r *Runtime) Invoke(ctx context.Context, payload []byte) (RuntimeResult, error) {
	wait, err := r.Enqueue(ctx, payload)
	if err != nil {
		return RuntimeResult{}, err
	}
	return wait(ctx)
}

// Enqueue queues payload for the function's next GET …/next and returns
// what waits for the answer; a cold start is timed from a process started
// with its first event already queued.
func (r *Runtime) Enqueue(ctx context.Context, payload []byte) (wait func(context.Context) (RuntimeResult, error), err error) {
	inv := &invocation{id: newUUID(), payload: payload, done: make(chan RuntimeResult, 1)}
	select {
	case r.queue <- inv:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return func(ctx context.Context) (RuntimeResult, error) {
		select {
		case res := <-inv.done:
			return res, nil
		case <-r.initErr:
			return RuntimeResult{}, fmt.Errorf("%w: %s", ErrRuntimeInit, r.initBody)
		case <-ctx.Done():
			return RuntimeResult{}, ctx.Err()
		}
	}, nil
}

// ServeHTTP implements the Runtime API endpoints a bootstrap uses.
func (r *Runtime) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	path, ok := strings.CutPrefix(req.URL.Path, RuntimeAPIVersion+"/")
	if !ok {
		runtimeError(w, http.StatusNotFound, "NotFound", "unknown path")
		return
	}
	switch {
	case path == "invocation/next" && req.Method == http.MethodGet:
		r.next(w, req)
	case path == "init/error" && req.Method == http.MethodPost:
		body, err := readPayload(req)
		if err != nil {
			runtimeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", err.Error())
			return
		}
		r.initOnce.Do(func() {
			r.initBody = body
			close(r.initErr)
		})
		accepted(w)
	case strings.HasPrefix(path, "invocation/") && req.Method == http.MethodPost:
		id, kind, _ := strings.Cut(strings.TrimPrefix(path, "invocation/"), "/")
		if kind != "response" && kind != "error" {
			runtimeError(w, http.StatusNotFound, "NotFound", "unknown path")
			return
		}
		r.complete(w, req, id, kind == "error")
	default:
		runtimeError(w, http.StatusNotFound, "NotFound", "unknown path")
	}
}

// FirstPoll returns when the function first asked for an invocation (the
// end of its init phase); zero before that.
func (r *Runtime) FirstPoll() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.polled
}

// next blocks until an invocation is queued, then hands it over.
func (r *Runtime) next(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	if r.polled.IsZero() {
		r.polled = time.Now()
	}
	r.mu.Unlock()
	var inv *invocation
	select {
	case inv = <-r.queue:
	case <-req.Context().Done():
		return
	}
	r.mu.Lock()
	r.inflight[inv.id] = inv
	r.mu.Unlock()
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(timeout).UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", r.FunctionARN)
	h.Set("Lambda-Runtime-Trace-Id", "Root=1-"+strconv.FormatInt(time.Now().Unix(), 16)+"-"+strings.ReplaceAll(newUUID(), "-", "")[:24]+";Sampled=0")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.payload)
}

// complete records the function's answer to invocation id.
func (r *Runtime) complete(w http.ResponseWriter, req *http.Request, id string, failed bool) {
	r.mu.Lock()
	inv, ok := r.inflight[id]
	delete(r.inflight, id)
	r.mu.Unlock()
	if !ok {
		runtimeError(w, http.StatusBadRequest, "InvalidRequestID", "no invocation in flight with this id")
		return
	}
	body, err := readPayload(req)
	if err != nil {
		runtimeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", err.Error())
		return
	}
	res := RuntimeResult{Payload: body, Error: failed, At: time.Now()}
	if failed {
		res.ErrorType = req.Header.Get("Lambda-Runtime-Function-Error-Type")
		var e struct {
			Type string `json:"errorType"`
		}
		if res.ErrorType == "" && json.Unmarshal(body, &e) == nil {
			res.ErrorType = e.Type
		}
	}
	inv.done <- res
	accepted(w)
}

func readPayload(req *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(req.Body, maxRuntimePayload+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxRuntimePayload {
		return nil, errors.New("payload over 6 MB")
	}
	return body, nil
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

func runtimeError(w http.ResponseWriter, status int, kind, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"errorType": kind, "errorMessage": msg})
}
