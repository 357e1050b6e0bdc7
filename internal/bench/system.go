// Package bench measures what `make bench` reports, side by side: per API
// route latency, allocations, DynamoDB round trips and request units;
// argon2id per hash; cold starts of the real bootstrap binaries; state
// transitions per workflow path; throughput of the local API; and the
// cost model that turns them into dollars per million monthly users.
// infra/bench is its command; its own test runs every part once, small.
package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/logging"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/signature/devca"
	"github.com/portalid/portalid/internal/task"
	"github.com/portalid/portalid/internal/token"
)

// ErrNoEmulators means the DynamoDB Local endpoint is not set: run the
// bench under `go run ./infra/local exec`.
var ErrNoEmulators = errors.New("AWS_ENDPOINT_URL_DYNAMODB is unset: run through `go run ./infra/local exec -- …` (make bench)")

// System is the whole API as app.New wires it for Lambda (the
// configuration make run gives it) over its own table on DynamoDB Local,
// a fake SNS and a mail outbox, with the DynamoDB client metered.
type System struct {
	API *httpapi.API
	// Catalogue is the catalogue function's API: app.New builds it apart
	// (its own, smaller wiring), and Handle sends it its routes.
	Catalogue *httpapi.API
	// CA is the development issuing CA the signature flow trusts (its
	// root is the system's trust list).
	CA       *devca.Authority
	DB       *dynamodb.Client // unmetered, for setup checks and scans
	Table    string
	Config   config.Config
	Calls    atomic.Int64 // DynamoDB operations of the API
	Capacity dynamo.Capacity
	Dir      string // keys and outboxes
	SNSURL   string
	SFNURL   string       // the Step Functions stand-in (see sfnSink)
	Started  atomic.Int64 // executions started through it

	sms, mail string
	letters   string          // the postal simulator's outbox
	tasks     task.Dispatcher // the task function, for the letter steps
	gateway   *local.Gateway
	log       *slog.Logger
	stop      func()
}

// ResendInterval is the wait between resends the bench configures (the
// default is 60 s), so that resends can be measured without waiting; no
// other number changes.
const ResendInterval = time.Millisecond

// NewSystem builds the system in dir, with a fresh table; adjust, when
// set, changes the configuration first (tests make argon2id cheap).
func NewSystem(ctx context.Context, dir string, adjust func(*config.Config)) (*System, error) {
	return NewSystemWith(ctx, dir, SystemOptions{Adjust: adjust})
}

// SystemOptions shape a System beyond its configuration: the personal-data
// canary test (internal/canary) runs the real workflows and reads every
// sink.
type SystemOptions struct {
	// Adjust, when set, changes the configuration first.
	Adjust func(*config.Config)
	// Log receives the JSON log lines of the API and the task function,
	// through the redacting logger Lambda uses (nil: discarded).
	Log io.Writer
	// LogLevel is the level of that logger (zero: Info, as in Lambda).
	LogLevel slog.Level
	// Metrics receives their EMF lines (nil: none).
	Metrics io.Writer
	// StepFunctions is the endpoint of a Step Functions that runs the
	// executions (the local one); "" keeps the stand-in that runs none.
	StepFunctions string
}

// NewSystemWith is NewSystem shaped by o.
func NewSystemWith(ctx context.Context, dir string, o SystemOptions) (*System, error) {
	adjust := o.Adjust
	if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" {
		return nil, ErrNoEmulators
	}
	s := &System{Dir: dir, Table: "bench-" + randomHex(6), sms: filepath.Join(dir, "sms-outbox.jsonl"), mail: filepath.Join(dir, "mail-outbox.jsonl"), letters: filepath.Join(dir, "letter-outbox.jsonl")}
	if err := WriteKeys(dir); err != nil {
		return nil, err
	}
	srv, err := local.Serve(local.NewSNS(s.sms), 0)
	if err != nil {
		return nil, err
	}
	sink, err := local.Serve(sfnSink{&s.Started}, 0)
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return nil, err
	}
	s.SNSURL, s.SFNURL = srv.URL(), sink.URL()
	if o.StepFunctions != "" {
		s.SFNURL = o.StepFunctions
	}
	s.stop = func() {
		_ = srv.Shutdown(context.Background())
		_ = sink.Shutdown(context.Background())
	}
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		s.Close()
		return nil, err
	}
	cfg.TableName = s.Table
	cfg.LocalKeysFile, cfg.LocalSigningKeyFile = filepath.Join(dir, "keys"), filepath.Join(dir, "signing-key.pem")
	cfg.MailOutbox, cfg.LetterOutbox = s.mail, s.letters
	cfg.IdentityCheckStateMachineARN = local.StateMachineARN("identity-check")
	cfg.PostalLetterStateMachineARN = local.StateMachineARN("postal-letter")
	ca := filepath.Join(dir, "devca")
	if err := devca.Generate(ca); err != nil {
		s.Close()
		return nil, err
	}
	if s.CA, err = devca.Load(ca); err != nil {
		s.Close()
		return nil, err
	}
	cfg.Signature.TrustList = filepath.Join(ca, devca.RootFile)
	cfg.Registration.ResendMinInterval = ResendInterval
	if adjust != nil {
		adjust(&cfg)
	}
	s.Config = cfg
	// The SDK reads AWS_ENDPOINT_URL_SFN when it makes a client: point it
	// at the stand-in while the app makes its clients.
	restore, err := setEnv("AWS_ENDPOINT_URL_SFN", s.SFNURL)
	if err != nil {
		s.Close()
		return nil, err
	}
	defer restore()
	awsCfg, err := local.AWSConfig(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.DB = local.NewDynamoDBClient(awsCfg)
	// As in Lambda, every request writes its JSON log line.
	logs := io.Discard
	if o.Log != nil {
		logs = o.Log
	}
	s.log = logging.New(logs, o.LogLevel)
	if err := dynamo.CreateTable(ctx, s.DB, s.Table); err != nil {
		s.Close()
		return nil, err
	}
	opts := app.Options{
		DynamoDB: []func(*dynamodb.Options){local.DynamoDBOptions, dynamo.CountCalls(&s.Calls), dynamo.MeterCapacity(&s.Capacity)},
		SNS:      []func(*sns.Options){func(o *sns.Options) { o.BaseEndpoint = aws.String(s.SNSURL) }},
		Logger:   s.log,
	}
	if o.Metrics != nil {
		opts.Metrics = metric.New(o.Metrics, "", "bench", time.Now)
	}
	s.API, err = app.New(ctx, cfg, awsCfg, opts)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("build api: %w", err)
	}
	// The task function, unmetered: the bench runs letter steps with it
	// to prepare a code entry (setup, not a measured request).
	s.tasks, err = app.Tasks(ctx, cfg, awsCfg, app.Options{
		DynamoDB: []func(*dynamodb.Options){local.DynamoDBOptions},
		SNS:      opts.SNS, Logger: s.log, Function: "tasks", Metrics: opts.Metrics,
	})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("build tasks: %w", err)
	}
	opts.Function = "catalogue"
	if s.Catalogue, err = app.New(ctx, cfg, awsCfg, opts); err != nil {
		s.Close()
		return nil, fmt.Errorf("build catalogue api: %w", err)
	}
	s.gateway = local.NewGateway(s.API.Handle, httpapi.Match)
	return s, nil
}

// envMu serialises setEnv: the environment is the process's.
var envMu sync.Mutex

// setEnv sets key to value until restore is called, holding envMu.
func setEnv(key, value string) (restore func(), err error) {
	envMu.Lock()
	prev, had := os.LookupEnv(key)
	if err := os.Setenv(key, value); err != nil {
		envMu.Unlock()
		return nil, err
	}
	return func() {
		if had {
			_ = os.Setenv(key, prev)
		} else {
			_ = os.Unsetenv(key)
		}
		envMu.Unlock()
	}, nil
}

// sfnSink answers the app's StartExecution as Step Functions would, and
// runs nothing: a route is measured up to the start of its workflow, and
// the workflows are measured on their own (MeasureWorkflows), so no
// execution runs behind the routes' backs (allocating, or failing for
// want of a task function).
type sfnSink struct{ started *atomic.Int64 }

func (k sfnSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Machine string `json:"stateMachineArn"`
		Name    string `json:"name"`
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	if r.Header.Get("X-Amz-Target") != "AWSStepFunctions.StartExecution" || json.NewDecoder(r.Body).Decode(&in) != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"UnknownOperationException","message":"the bench's stand-in only starts executions"}`)
		return
	}
	k.started.Add(1)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"executionArn": strings.Replace(in.Machine, ":stateMachine:", ":execution:", 1) + ":" + in.Name,
		"startDate":    float64(time.Now().UnixMilli()) / 1000,
	})
}

// WriteKeys writes the local master key and signing key into dir, as make
// run does under .local/.
func WriteKeys(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := cipher.GenerateKeyFile(filepath.Join(dir, "keys")); err != nil {
		return err
	}
	return token.GenerateKeyFile(filepath.Join(dir, "signing-key.pem"))
}

// Tasks is the system's task function, for a Step Functions that runs
// the workflows (SystemOptions.StepFunctions) to invoke.
func (s *System) Tasks() task.Dispatcher { return s.tasks }

// Close stops the fake SNS.
func (s *System) Close() {
	if s.stop != nil {
		s.stop()
	}
}

// Request is one HTTP request to the API, from client address IP (a
// fresh one when empty).
type Request struct {
	Method, Path, Body string
	Header             map[string]string
	IP                 string
	// Operator, when set, is the IAM principal API Gateway's AWS_IAM
	// authorizer accepted (the operator routes).
	Operator string
}

// Event is the API Gateway (HTTP API, payload 2.0) event for r, built the
// way the local gateway builds it from a real HTTP request.
func (s *System) Event(r Request) events.APIGatewayV2HTTPRequest {
	hr := httptest.NewRequest(r.Method, "http://api.portalid.test"+r.Path, strings.NewReader(r.Body))
	ip := r.IP
	if ip == "" {
		// Each request from a client of its own, so that per-address
		// limits meet only the requests that mean to share them.
		_, _, ip = Fresh()
	}
	hr.RemoteAddr = ip + ":40000"
	hr.Header.Set("User-Agent", "portalid-bench")
	if r.Body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.Header {
		hr.Header.Set(k, v)
	}
	ev := s.gateway.Event(hr, []byte(r.Body))
	if r.Operator != "" {
		ev.RequestContext.Authorizer = iam(r.Operator)
	}
	return ev
}

// Handle calls the API as Lambda does, with a Lambda context.
func (s *System) Handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: randomHex(16)})
	api := s.API
	if catalogueRoutes[ev.RouteKey] {
		api = s.Catalogue
	}
	res, _ := api.Handle(ctx, ev) // always nil: failures are problem+json
	return res
}

// catalogueRoutes are the route keys of the catalogue function.
var catalogueRoutes = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range httpapi.Table() {
		if r.Function == "catalogue" {
			m[r.Key] = true
		}
	}
	return m
}()

// Do sends r and fails on any status outside 2xx.
func (s *System) Do(ctx context.Context, r Request) (events.APIGatewayV2HTTPResponse, error) {
	res := s.Handle(ctx, s.Event(r))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res, fmt.Errorf("%s %s = %d %s", r.Method, r.Path, res.StatusCode, problemType(res.Body))
	}
	return res, nil
}

var typeRe = regexp.MustCompile(`"type":"[^"]*/([a-z0-9-]+)"`)

// problemType is the slug of a problem+json body ("" if none): what a
// failure is, without echoing the body.
func problemType(body string) string {
	if m := typeRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

var codeRe = regexp.MustCompile(`\b\d{6}\b`)

// LastCode returns the code in the latest SMS or mail to address.
func (s *System) LastCode(address string) (string, error) {
	path := s.sms
	if strings.Contains(address, "@") {
		path = s.mail
	}
	entries, err := local.ReadOutbox(path)
	if err != nil {
		return "", err
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].To == address {
			if c := codeRe.FindString(entries[i].Message); c != "" {
				return c, nil
			}
		}
	}
	return "", fmt.Errorf("no code was sent to the contact")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
