package letter_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/faultinject"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/letter"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/notify"
	"github.com/portalid/portalid/internal/postal"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/task"
	"github.com/portalid/portalid/internal/workflow"
)

var machines atomic.Int64

// world is one test's system: the letter flow over a fresh table, the
// real postal-letter ASL on the local Step Functions with the task
// handlers on loopback, and the postal simulator reporting back.
type world struct {
	*flowtest.Env
	// Letters is the API's flow, over the Env's store (its round trips
	// are counted); the workflow's steps and the postal reports run on a
	// flow of their own, over an uncounted store of the same table.
	Letters  *letter.Flow
	Printed  printer
	Profiles *profile.Flow
	Sim      *postal.Simulator
	Post     *recordingProvider
	SFN      *local.SFN
	Client   *sfn.Client
	Machine  string
	Logs     *flowtest.Logs
}

// options shape a world.
type options struct {
	day time.Duration // the simulated day (default 500 ms: the reminder is 7 s away)
	// failFirst fails the first attempt of every task after running it,
	// as a Lambda whose answer was lost: Step Functions retries it.
	failFirst bool
	// outage refuses the first n hand-overs of each letter.
	outage int
	// loseAnswer makes the first hand-over the provider takes look
	// failed to the step (its answer lost): the step tries again.
	loseAnswer bool
	// delivery is how long after the tracking number the simulator
	// reports delivery, loss or return (default 40 ms).
	delivery time.Duration
	// faults, when set, injects faults into the steps' DynamoDB calls.
	faults *faultinject.Injector
}

func newWorld(t testing.TB, o options) *world {
	t.Helper()
	if o.day == 0 {
		o.day = 500 * time.Millisecond
	}
	s, c := flowtest.StepFunctions(t)
	e := flowtest.New(t)
	// The API's clock starts at the wall clock, where the executions'
	// simulated clocks start too.
	e.Clock.Advance(time.Since(e.Clock.Now()))
	keys, err := cipher.NewLocalDataKeys(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sealer := &cipher.Envelope{Keys: keys}
	n := machines.Add(1)
	fn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:letter-tasks-%d", local.Region, local.AccountID, n)
	arn := local.StateMachineARN(fmt.Sprintf("postal-letter-%d", n))
	limits := config.Defaults().Letter
	err = s.RegisterStateMachine(arn, filepath.Join("..", "..", "..", "statemachines", "postal-letter.asl.json"),
		map[string]string{"TaskFunctionArn": fn, "PostalReportTimeoutSeconds": limits.PostalReportTimeoutSecondsString()},
		local.WithSFNTime(local.SFNTime{Day: o.day}))
	if err != nil {
		t.Fatal(err)
	}
	if o.delivery == 0 {
		o.delivery = 40 * time.Millisecond
	}
	outbox := filepath.Join(t.TempDir(), "letter-outbox.jsonl")
	printed := printer{notify.NewOutbox(outbox), outbox}
	sim := &postal.Simulator{TrackingDelay: 20 * time.Millisecond, DeliveryDelay: o.delivery, FailFirst: o.outage, Printer: printed}
	w := &world{
		Env: e, Sim: sim, Post: &recordingProvider{next: sim, letters: map[string]postal.Letter{}, loseAnswer: o.loseAnswer}, Printed: printed,
		SFN: s, Client: c, Machine: arn, Logs: &flowtest.Logs{},
		Profiles: &profile.Flow{Store: e.Store, Sealer: sealer, Now: e.Clock.Now},
	}
	w.Letters = &letter.Flow{
		Store: e.Store, Sealer: sealer,
		Workflow: &task.Starter{Client: c, StateMachine: arn}, Waker: &task.Waker{Client: c},
		Sender: e.Sent, Codes: secret.NewHasher([]byte("code-key-for-letter-tests-0123456789abcdef")),
		Limits: limits, Now: e.Clock.Now, Rand: rand.Reader,
	}
	steps := *w.Letters
	steps.Store, steps.Provider = dynamo.New(e.DB, e.Table), w.Post
	if o.faults != nil {
		steps.Store = dynamo.New(dynamodb.New(e.DB.Options(), o.faults.DynamoDBOptions(10*time.Millisecond)), e.Table)
	}
	sim.Reporter = &steps
	var h workflow.Handler = task.Dispatcher{Tasks: task.Letter(&steps), Log: slog.New(slog.NewJSONHandler(w.Logs, nil))}.Handle
	if o.failFirst {
		h = failFirst(h)
	}
	s.RegisterTask(fn, h)
	t.Cleanup(sim.Wait)
	return w
}

// failFirst runs each task's first attempt (per task and letter) and then
// fails it with Lambda.ServiceException, as if the function's answer was
// lost: the ASL's Retry runs it again.
func failFirst(h workflow.Handler) workflow.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return func(ctx context.Context, in json.RawMessage, token string) (json.RawMessage, error) {
		out, err := h(ctx, in, token)
		if err != nil {
			return out, err
		}
		var p struct{ Task, LetterID string }
		_ = json.Unmarshal(in, &p)
		mu.Lock()
		first := !seen[p.Task+"/"+p.LetterID]
		seen[p.Task+"/"+p.LetterID] = true
		mu.Unlock()
		if first {
			return nil, &workflow.Error{Name: "Lambda.ServiceException", Cause: "the answer was lost"}
		}
		return out, err
	}
}

// printer is the simulator's letter outbox, as make run's.
type printer struct {
	*notify.Outbox
	path string
}

// all returns the printed letters: recipient, subject and text.
func (p printer) all() []string {
	entries, err := local.ReadOutbox(p.path)
	if err != nil {
		panic(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.To+"\n"+e.Message)
	}
	return out
}

// recordingProvider keeps what each letter carried (its code among it),
// as the printed letter would show it, and hands it on.
type recordingProvider struct {
	next       postal.Provider
	loseAnswer bool
	mu         sync.Mutex
	letters    map[string]postal.Letter
	sends      atomic.Int64
}

func (p *recordingProvider) Send(ctx context.Context, l postal.Letter) error {
	p.sends.Add(1)
	err := p.next.Send(ctx, l)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, again := p.letters[l.ID]
	p.letters[l.ID] = l
	if p.loseAnswer && !again {
		return postal.ErrUnavailable
	}
	return nil
}

// code is the code printed in a letter, grouped as the letter shows it.
func (p *recordingProvider) code(t testing.TB, letterID string) string {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.letters[letterID]
	if !ok {
		t.Fatalf("letter %s was never handed over", letterID)
	}
	return l.Code.Grouped()
}

// person is a standard account with a phone, an e-mail and a profile
// with both addresses.
type person struct {
	phone, email string
	acc          account.Account
}

func (w *world) standard(t testing.TB, registration profile.Address) person {
	t.Helper()
	phone, email, id := w.Register(t, true)
	w.SetAccount(t, id, map[string]any{"level": string(account.Standard)})
	patch := profile.Patch{}
	raw := fmt.Sprintf(`{"patronymic":"Сергеевна","registrationAddress":{"postcode":%q,"text":%q},"residenceAddress":{"postcode":"190000","text":"г. Санкт-Петербург, Невский пр., д. 1"}}`,
		registration.Postcode, registration.Text)
	if err := json.Unmarshal([]byte(raw), &patch); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Profiles.Save(t.Context(), id, patch); err != nil {
		t.Fatalf("profile Save() error = %v", err)
	}
	return person{phone: phone, email: email, acc: w.account(t, id)}
}

func (w *world) account(t testing.TB, id string) account.Account {
	t.Helper()
	a, err := w.Store.Account(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// home is an ordinary address the simulator delivers to.
var home = profile.Address{Postcode: "170100", Text: "г. Тверь, ул. Советская, д. 5, кв. 12"}

var origin = event.Origin{IP: "192.0.2.10", UserAgent: "tests"}

func (w *world) order(t testing.TB, p person, in letter.OrderInput) letter.View {
	t.Helper()
	in.Origin = origin
	v, err := w.Letters.Order(t.Context(), w.account(t, p.acc.ID), in)
	if err != nil {
		t.Fatalf("Order() error = %v", err)
	}
	return v
}

// until polls the letter's view until it shows status.
func (w *world) until(t testing.TB, accountID, letterID, status string) letter.View {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		v, err := w.Letters.Get(t.Context(), accountID, letterID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status == status {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("letter %s is %s, want %s", letterID, v.Status, status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wait waits for the execution named after letterID to end.
func (w *world) wait(t testing.TB, letterID string) local.SFNExecution {
	t.Helper()
	return flowtest.Wait(t, w.SFN, w.Machine, letterID)
}

// history is the execution's whole history as JSON, for canary searches.
func (w *world) history(t *testing.T, letterID string) string {
	t.Helper()
	return flowtest.History(t, w.Client, w.Machine, letterID)
}

// wrong is a well-formed code that is not code.
func wrong(code string) string {
	if strings.HasPrefix(code, "00000") {
		return "11111-11111"
	}
	return "00000-00000"
}
