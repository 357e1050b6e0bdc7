package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/portalid/portalid/internal/workflow"
)

// DefaultSFNDay is the real time a simulated day takes unless configured:
// a 5-day registry check takes 5 s, the 60-day postal letter a minute.
const DefaultSFNDay = time.Second

// SFNTime maps a workflow's simulated time to real time.
type SFNTime struct {
	// Day is the real time one simulated day takes. Wait states (Seconds,
	// SecondsPath, Timestamp, TimestampPath), Retry intervals, the
	// TimeoutSeconds of .waitForTaskToken tasks and the execution's own
	// TimeoutSeconds are multiplied by Day/24h. The TimeoutSeconds of other
	// tasks stays real: their work (a Go handler) is not simulated. 0 means
	// DefaultSFNDay.
	Day time.Duration
	// Instant makes Wait states and Retry pauses take no time at all
	// (STYLE §12's "Wait states overridden to 0 ms"); timeouts still
	// scale with Day.
	Instant bool
}

// Real returns the real duration of the simulated duration d.
func (t SFNTime) Real(d time.Duration) time.Duration {
	return time.Duration(float64(d) * float64(t.day()) / float64(24*time.Hour))
}

func (t SFNTime) day() time.Duration {
	if t.Day <= 0 {
		return DefaultSFNDay
	}
	return t.Day
}

// SFNOptions configures StartSFN.
type SFNOptions struct {
	// Time is the time scale of every execution, unless its state machine
	// was registered WithSFNTime.
	Time SFNTime
	// Log receives task failures and unhandled tasks; nil means
	// slog.Default().
	Log *slog.Logger
	// Output receives the harness's own stderr; nil discards it (its tail
	// still goes into errors).
	Output io.Writer
}

// SFN stands in for AWS Step Functions (STANDARD workflows) on 127.0.0.1:
// real ASL definitions run in aws-local-stepfunctions, in a Node process
// it owns (infra/emulators/sfn/harness.mjs), and every Task calls back
// into a Go handler registered with RegisterTask. It is an http.Handler
// speaking the Step Functions API (awsJson1_0) that the Go sfn client
// sends: serve it with Serve and point the client at it with
// AWS_ENDPOINT_URL_SFN or BaseEndpoint.
type SFN struct {
	opts     SFNOptions
	log      *slog.Logger
	harness  *harness
	callback *Server
	secret   string

	mu         sync.Mutex
	machines   map[string]*sfnMachine   // by state machine ARN
	executions map[string]*sfnExecution // by execution ARN

	tasksMu sync.RWMutex
	tasks   map[string]workflow.Handler

	stopOnce sync.Once
	stopErr  error
}

type sfnMachine struct {
	arn  string
	time SFNTime
}

// StartSFN starts the harness and the loopback endpoint its tasks call
// back to. ctx bounds the start only; both run until Stop. The emulators
// must have been installed (InstallScript).
func StartSFN(ctx context.Context, opts SFNOptions) (*SFN, error) {
	s := &SFN{
		opts:       opts,
		log:        opts.Log,
		secret:     randomSecret(),
		machines:   map[string]*sfnMachine{},
		executions: map[string]*sfnExecution{},
		tasks:      map[string]workflow.Handler{},
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	cb, err := Serve(&taskEndpoint{sfn: s}, 0)
	if err != nil {
		return nil, fmt.Errorf("start step functions: %w", err)
	}
	s.callback = cb
	h, err := startHarness(ctx, opts.Output, s.harnessEvent, s.harnessEnd, s.harnessExited)
	if err != nil {
		_ = shutdownServer(cb)
		return nil, fmt.Errorf("start step functions: %w", err)
	}
	s.harness = h
	if err := h.call(ctx, harnessRequest{Op: "init", Callback: cb.URL() + taskPath, Secret: s.secret}); err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("start step functions: %w", err)
	}
	return s, nil
}

// SFNMachineOption configures one state machine.
type SFNMachineOption func(*sfnMachine)

// WithSFNTime gives a state machine's executions their own time scale.
func WithSFNTime(t SFNTime) SFNMachineOption {
	return func(m *sfnMachine) { m.time = t }
}

// RegisterStateMachine reads the ASL definition at aslPath, replaces its
// ${Name} placeholders with substitutions as the template's
// DefinitionSubstitutions do (${!Name} stays a literal ${Name}), and
// defines it under arn (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME,
// see StateMachineARN). The harness validates it as aws-local-stepfunctions
// does and refuses what the engine cannot run faithfully (HeartbeatSeconds,
// JSONata, Assign, distributed Map, a state name used twice). Registering
// an ARN again replaces its definition for later executions.
func (s *SFN) RegisterStateMachine(arn, aslPath string, substitutions map[string]string, opts ...SFNMachineOption) error {
	if _, ok := executionARNPrefix(arn); !ok {
		return fmt.Errorf("register state machine %s: not a state machine ARN", arn)
	}
	raw, err := os.ReadFile(aslPath)
	if err != nil {
		return fmt.Errorf("register state machine %s: %w", arn, err)
	}
	def, err := substitute(string(raw), substitutions)
	if err != nil {
		return fmt.Errorf("register state machine %s from %s: %w", arn, aslPath, err)
	}
	m := &sfnMachine{arn: arn, time: s.opts.Time}
	for _, o := range opts {
		o(m)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.harness.call(ctx, harnessRequest{Op: "define", Machine: arn, Definition: def}); err != nil {
		return fmt.Errorf("register state machine %s from %s: %w", arn, aslPath, err)
	}
	s.mu.Lock()
	s.machines[arn] = m
	s.mu.Unlock()
	return nil
}

// RegisterStateMachines registers every *.asl.json in dir under
// StateMachineARN(name), name being the file name without .asl.json, and
// returns for each the variable NAME_STATE_MACHINE_ARN=arn (identity-check
// gives IDENTITY_CHECK_STATE_MACHINE_ARN). Files that fail to register are
// reported together in err; the others are registered.
func (s *SFN) RegisterStateMachines(dir string, substitutions map[string]string) (env []string, err error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.asl.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var errs []error
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".asl.json")
		arn := StateMachineARN(name)
		if err := s.RegisterStateMachine(arn, p, substitutions); err != nil {
			errs = append(errs, err)
			continue
		}
		env = append(env, StateMachineEnv(name)+"="+arn)
	}
	return env, errors.Join(errs...)
}

// RegisterTask makes h the handler of the Task states that invoke
// resource: for arn:aws:states:::lambda:invoke (and its .waitForTaskToken
// form) resource is the FunctionName parameter, and h gets the Payload and
// returns what the function returns; for any other Resource it is the
// Resource itself, and h gets the task's input. A Task with no handler
// fails with Local.TaskNotRegistered.
func (s *SFN) RegisterTask(resource string, h workflow.Handler) {
	s.tasksMu.Lock()
	defer s.tasksMu.Unlock()
	s.tasks[resource] = h
}

func (s *SFN) task(resource string) (workflow.Handler, bool) {
	s.tasksMu.RLock()
	defer s.tasksMu.RUnlock()
	h, ok := s.tasks[resource]
	return h, ok
}

// PID returns the process id of the harness (Node).
func (s *SFN) PID() int { return s.harness.PID() }

// Done is closed when the harness has exited, whether stopped or not.
func (s *SFN) Done() <-chan struct{} { return s.harness.done }

// Stop ends the harness (its process group) and the callback endpoint;
// executions still running become FAILED with Local.HarnessExited. Safe
// to call more than once.
func (s *SFN) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		if s.harness != nil {
			errs = append(errs, s.harness.stop())
		}
		errs = append(errs, shutdownServer(s.callback))
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

func shutdownServer(srv *Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// StateMachineARN returns the ARN of the local state machine name.
func StateMachineARN(name string) string {
	return "arn:aws:states:" + Region + ":" + AccountID + ":stateMachine:" + name
}

// StateMachineEnv returns the variable that names the ARN of the state
// machine name: identity-check → IDENTITY_CHECK_STATE_MACHINE_ARN.
func StateMachineEnv(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_STATE_MACHINE_ARN"
}

// executionARNPrefix returns "arn:…:execution:NAME:" for a state machine
// ARN arn:…:stateMachine:NAME.
func executionARNPrefix(machineARN string) (string, bool) {
	parts := strings.Split(machineARN, ":")
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "states" || parts[5] != "stateMachine" || parts[6] == "" {
		return "", false
	}
	parts[5] = "execution"
	return strings.Join(parts, ":") + ":", true
}

// substitute replaces ${Name} with substitutions[Name], as
// DefinitionSubstitutions (Fn::Sub) do: textually. ${!Name} becomes the
// literal ${Name}. Placeholders without a value are an error.
func substitute(text string, substitutions map[string]string) (string, error) {
	var b strings.Builder
	var missing []string
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		rest := text[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			b.WriteString(text[i:])
			break
		}
		name := rest[:j]
		switch v, ok := substitutions[name]; {
		case strings.HasPrefix(name, "!"):
			b.WriteString("${" + name[1:] + "}")
		case ok:
			b.WriteString(v)
		case !slices.Contains(missing, name):
			missing = append(missing, name)
		}
		text = rest[j+1:]
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("no substitution for ${%s}", strings.Join(missing, "}, ${"))
	}
	return b.String(), nil
}

func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SFNExecution is what the local Step Functions knows about an execution.
type SFNExecution struct {
	ARN             string
	StateMachineARN string
	Name            string
	Status          types.ExecutionStatus
	Input           string
	Output          string // SUCCEEDED only
	Error, Cause    string
	// States lists the states entered, in order, Parallel branch and Map
	// iteration states included (interleaved as they ran).
	States []string
	// Transitions counts state transitions as Standard workflows are
	// billed: every state entered, at any depth, and every retry.
	Transitions int
	Start, Stop time.Time
}

// Execution returns what is known about the execution arn.
func (s *SFN) Execution(arn string) (SFNExecution, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.executions[arn]
	if !ok {
		return SFNExecution{}, false
	}
	return e.snapshot(), true
}

// Wait waits until the execution arn has ended and returns it.
func (s *SFN) Wait(ctx context.Context, arn string) (SFNExecution, error) {
	s.mu.Lock()
	e, ok := s.executions[arn]
	s.mu.Unlock()
	if !ok {
		return SFNExecution{}, fmt.Errorf("wait for %s: no such execution", arn)
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return SFNExecution{}, fmt.Errorf("wait for %s: %w", arn, ctx.Err())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return e.snapshot(), nil
}
