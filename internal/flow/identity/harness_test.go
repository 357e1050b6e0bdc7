package identity_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

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

var machines atomic.Int64

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
	Function string // the task function's ARN, for tests that register their own
	Logs     *flowtest.Logs
	Metrics  *flowtest.Logs // the EMF lines of the task function
}

// simDay is a simulated day: the 5-day registry timeout takes 1 s, long
// enough that a registry answering at once is never outrun by the timeout
// on a loaded CI machine (50 ms made it flaky under -race).
const simDay = 200 * time.Millisecond

func newWorld(t testing.TB, sim *registry.Simulator) *world {
	t.Helper()
	return newWorldDay(t, sim, simDay)
}

// newWorldDay is newWorld with a simulated day of day.
func newWorldDay(t testing.TB, sim *registry.Simulator, day time.Duration) *world {
	t.Helper()
	s, c := flowtest.StepFunctions(t)
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
		Env: e, Sim: sim, SFN: s, Client: c, Machine: arn, Function: fn, Logs: &flowtest.Logs{}, Metrics: &flowtest.Logs{},
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

// wait waits for the execution named after checkID to end.
func (w *world) wait(t testing.TB, checkID string) local.SFNExecution {
	t.Helper()
	return flowtest.Wait(t, w.SFN, w.Machine, checkID)
}

// history is the execution's whole history as JSON, for canary searches.
func (w *world) history(t *testing.T, checkID string) string {
	t.Helper()
	return flowtest.History(t, w.Client, w.Machine, checkID)
}
