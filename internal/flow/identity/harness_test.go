package identity_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/task"
)

// sfnStack is the local Step Functions every workflow test shares (loading
// aws-local-stepfunctions takes about a second); each test registers the
// real ASL under a name and a task function of its own.
var sfnStack struct {
	once sync.Once
	sfn  *local.SFN
	url  string
	err  error
}

func stepFunctions(t testing.TB) (*local.SFN, *sfn.Client) {
	t.Helper()
	if _, err := local.NodeBinary(); err != nil {
		msg := "the identity-check workflow tests need the emulators: run bash " + local.InstallScript
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	sfnStack.once.Do(func() {
		s, err := local.StartSFN(context.Background(), local.SFNOptions{Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			sfnStack.err = err
			return
		}
		srv, err := local.Serve(s, 0)
		if err != nil {
			sfnStack.err = err
			return
		}
		sfnStack.sfn, sfnStack.url = s, srv.URL()
	})
	if sfnStack.err != nil {
		t.Fatal(sfnStack.err)
	}
	cfg, err := local.AWSConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return sfnStack.sfn, sfn.NewFromConfig(cfg, func(o *sfn.Options) { o.BaseEndpoint = aws.String(sfnStack.url) })
}

var machines atomic.Int64

// logs is a concurrency-safe buffer for the captured task logs.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// world is one test's system: the flows over a fresh table, the real ASL
// on the local Step Functions, and the registry simulator answering
// through a real sfn client.
type world struct {
	*flowtest.Env
	Identity *identity.Flow
	Profiles *profile.Flow
	Sim      *registry.Simulator
	SFN      *local.SFN
	Client   *sfn.Client
	Machine  string // state machine ARN
	Logs     *logs
	Metrics  *logs // the EMF lines of the task function
}

// simDay is a simulated day: the 5-day registry timeout takes 250 ms.
const simDay = 50 * time.Millisecond

func newWorld(t testing.TB, sim *registry.Simulator) *world {
	t.Helper()
	return newWorldDay(t, sim, simDay)
}

// newWorldDay is newWorld with a simulated day of day.
func newWorldDay(t testing.TB, sim *registry.Simulator, day time.Duration) *world {
	t.Helper()
	s, c := stepFunctions(t)
	e := flowtest.New(t)
	sealer := flowtest.Sealer(t)
	n := machines.Add(1)
	fn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:tasks-%d", local.Region, local.AccountID, n)
	arn := local.StateMachineARN(fmt.Sprintf("identity-check-%d", n))
	err := s.RegisterStateMachine(arn, filepath.Join("..", "..", "..", "statemachines", "identity-check.asl.json"),
		map[string]string{"TaskFunctionArn": fn, "RegistryTimeoutSeconds": "432000"},
		local.WithSFNTime(local.SFNTime{Day: day}))
	if err != nil {
		t.Fatal(err)
	}
	sim.Answerer = &identity.Recorder{Store: e.Store, Next: &registry.StepFunctions{Client: c}, Now: e.Clock.Now}
	w := &world{
		Env: e, Sim: sim, SFN: s, Client: c, Machine: arn, Logs: &logs{}, Metrics: &logs{},
		Profiles: &profile.Flow{Store: e.Store, Sealer: sealer, Now: e.Clock.Now},
	}
	w.Identity = &identity.Flow{
		Store: e.Store, Sealer: sealer, Registry: sim, Workflow: &task.Starter{Client: c, StateMachine: arn},
		Sender: e.Sent, Index: e.Index, Now: e.Clock.Now, Rand: rand.Reader,
	}
	log := slog.New(slog.NewJSONHandler(w.Logs, nil))
	s.RegisterTask(fn, task.Dispatcher{Tasks: task.Identity(w.Identity), Log: log, Metrics: metric.New(w.Metrics, "", "test", time.Now)}.Handle)
	t.Cleanup(sim.Wait)
	return w
}

// person is a complete profile with the given SNILS and passport number.
func person(snils, series, number string) profile.Patch {
	p := profile.Patch{}
	raw := fmt.Sprintf(`{"noPatronymic":true,"gender":"female","birthDate":"1990-05-17","birthPlace":"г. Москва","citizenship":"RUS",`+
		`"snils":%q,"passport":{"series":%q,"number":%q,"issuer":"ОВД района Арбат г. Москвы","issueDate":"2010-06-01","subdivisionCode":"770-001"}}`,
		snils, series, number)
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		panic(err)
	}
	return p
}

// submit saves the draft, submits it with consent and waits for the
// execution, which must succeed; sent is how many messages had gone out
// before the submission.
func (w *world) submit(t *testing.T, id string, draft profile.Patch) (c identity.Check, got local.SFNExecution, sent int) {
	t.Helper()
	if _, err := w.Profiles.Save(t.Context(), id, draft); err != nil {
		t.Fatalf("profile Save() error = %v", err)
	}
	sent = w.Sent.Count()
	c, err := w.Identity.Submit(t.Context(), id, true)
	if err != nil {
		t.Fatalf("Submit() error = %v", err)
	}
	got = w.wait(t, c.ID)
	if got.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("execution %s (%s: %s), want SUCCEEDED", got.Status, got.Error, got.Cause)
	}
	return c, got, sent
}

// executionARN is the ARN of the execution named after check id.
func (w *world) executionARN(checkID string) string {
	return strings.Replace(w.Machine, ":stateMachine:", ":execution:", 1) + ":" + checkID
}

func (w *world) wait(t testing.TB, checkID string) local.SFNExecution {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	got, err := w.SFN.Wait(ctx, w.executionARN(checkID))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// history is the execution's whole history as JSON, for canary searches.
func (w *world) history(t *testing.T, checkID string) string {
	t.Helper()
	var b strings.Builder
	p := sfn.NewGetExecutionHistoryPaginator(w.Client, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(w.executionARN(checkID))})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		raw, _ := json.Marshal(page.Events)
		b.Write(raw)
	}
	return b.String()
}
