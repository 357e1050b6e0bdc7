package letter_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/faultinject"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/letter"
	"github.com/portalid/portalid/internal/task"
)

// letters counts the account's letter items.
func (w *world) letters(t testing.TB, accountID string) int {
	t.Helper()
	res, err := w.DB.Query(context.Background(), &dynamodb.QueryInput{
		TableName: aws.String(w.Table), KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :l)"),
		ExpressionAttributeValues: map[string]ddb.AttributeValue{
			":pk": &ddb.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}, ":l": &ddb.AttributeValueMemberS{Value: "LETTER#"},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Items)
}

// outcomes tallies errors by slug ("ok" for nil).
type outcomes struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomes) add(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.n == nil {
		o.n = map[string]int{}
	}
	switch {
	case err == nil:
		o.n["ok"]++
	default:
		o.n[err.Error()]++
	}
}

func TestConcurrentOrders(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	p := w.standard(t, home)
	a := w.account(t, p.acc.ID)
	var got outcomes
	var mu sync.Mutex
	var ids []string
	flowtest.Gate(8, func(i int) {
		in := letter.OrderInput{Source: letter.SourceRegistration, Origin: origin}
		if i%2 == 1 {
			in.Source = letter.SourceResidence
		}
		v, err := w.Letters.Order(context.Background(), a, in)
		if errors.Is(err, letter.ErrReorderTooSoon) {
			err = letter.ErrReorderTooSoon
		}
		got.add(err)
		if err == nil {
			mu.Lock()
			ids = append(ids, v.LetterID)
			mu.Unlock()
		}
	})
	if diff := cmp.Diff(map[string]int{"ok": 1, "letter-reorder-too-soon": 7}, got.n); diff != "" {
		t.Errorf("eight orders at once (-want +got):\n%s", diff)
	}
	if n := w.letters(t, p.acc.ID); n != 1 {
		t.Errorf("%d letters written, want 1", n)
	}
	if kinds := w.EventKinds(t, p.acc.ID); strings.Count(kinds, "letter-ordered") != 1 {
		t.Errorf("events %q, want one letter-ordered", kinds)
	}
	if len(ids) == 1 {
		w.until(t, p.acc.ID, ids[0], letter.Delivered)
		if printed := w.Printed.all(); len(printed) != 1 {
			t.Errorf("%d letters printed, want 1", len(printed))
		}
	}
}

// delivered orders a letter and waits until it is delivered and its
// workflow waits for the code.
func (w *world) delivered(t *testing.T, p person) string {
	t.Helper()
	v := w.order(t, p, letter.OrderInput{Source: letter.SourceRegistration})
	w.until(t, p.acc.ID, v.LetterID, letter.Delivered)
	w.entered(t, v.LetterID, "AwaitCode")
	return v.LetterID
}

// deliveredWorld is a world with a standard person whose letter is
// delivered and waited for.
func deliveredWorld(t *testing.T) (*world, person, string) {
	t.Helper()
	w := newWorld(t, options{})
	p := w.standard(t, home)
	return w, p, w.delivered(t, p)
}

// guesses enters code n times at once and tallies the outcomes.
func (w *world) guesses(t *testing.T, p person, letterID string, n int, code string) *outcomes {
	t.Helper()
	a := w.account(t, p.acc.ID)
	got := &outcomes{}
	flowtest.Gate(n, func(int) {
		_, _, err := w.Letters.EnterCode(context.Background(), a, letterID, code, origin)
		got.add(err)
	})
	return got
}

func TestConcurrentGuesses(t *testing.T) {
	t.Parallel()
	w, p, id := deliveredWorld(t)
	got := w.guesses(t, p, id, 12, wrong(w.Post.code(t, id)))
	want := map[string]int{challenge.ErrCodeMismatch.Slug: 4, challenge.ErrAttemptsExhausted.Slug: 8}
	if diff := cmp.Diff(want, got.n); diff != "" {
		t.Errorf("twelve wrong guesses at once (-want +got):\n%s", diff)
	}
	l, err := w.Store.Letter(t.Context(), p.acc.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if l.Attempts != 5 || l.Status != letter.Void || l.VoidReason != letter.ReasonAttempts {
		t.Errorf("letter after the guesses: %d attempts, %s (%s); want 5, void (attempts)", l.Attempts, l.Status, l.VoidReason)
	}
	if e := w.wait(t, id); e.Status != types.ExecutionStatusSucceeded || e.States[len(e.States)-1] != "Conclude" {
		t.Errorf("execution %s %v, want SUCCEEDED ending in Conclude", e.Status, e.States)
	}
}

func TestConcurrentRightCodes(t *testing.T) {
	t.Parallel()
	w, p, id := deliveredWorld(t)
	got := w.guesses(t, p, id, 5, w.Post.code(t, id))
	if diff := cmp.Diff(map[string]int{"ok": 1, letter.ErrUsed.Slug: 4}, got.n); diff != "" {
		t.Errorf("five right codes at once (-want +got):\n%s", diff)
	}
	if kinds := w.EventKinds(t, p.acc.ID); strings.Count(kinds, "level-changed") != 1 {
		t.Errorf("events %q, want one level-changed", kinds)
	}
	if n := len(w.Sent.To(p.phone)); n == 0 || w.Sent.To(p.phone)[n-1].Template != "letter-confirmed-sms" {
		t.Errorf("the last SMS is not letter-confirmed")
	}
	if e := w.wait(t, id); e.Status != types.ExecutionStatusSucceeded || len(e.States) != 4 {
		t.Errorf("execution %s %v, want SUCCEEDED after AwaitCode", e.Status, e.States)
	}
}

// TestRetriedTasks: the provider refuses the first two hand-overs, the
// third takes the letter but its answer is lost, and every task's first
// successful attempt fails afterwards as if the function's answer was
// lost: Step Functions retries, and still one letter is printed, one
// notice of each kind goes out, and the printed code confirms the account.
// TestRetriedTasks: every step's first attempt fails after it ran (its
// answer lost), the provider refuses two hand-overs and loses the answer
// to one; then the same with a fifth of the steps' DynamoDB attempts
// failing and an outage of each operation's first 4 attempts (faults
// that outlast the SDK's retries, so steps fail with StorageUnavailable
// and the ASL retries them). One letter, one notice of each kind.
func TestRetriedTasks(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		faults *faultinject.Injector
	}{
		{"answers lost", nil},
		{"answers lost under DynamoDB faults", faultinject.New(20261123).Set(faultinject.DynamoDB,
			faultinject.Rates{Throttle: 0.12, ServerError: 0.08, Timeout: 0.03, Outage: 4})},
	} {
		// One after the other: the paths wait on simulated days, and
		// two at once on a loaded machine let a code expire.
		t.Run(tt.name, func(t *testing.T) {
			if tt.faults != nil {
				tt.faults.Delay = 5 * time.Millisecond
			}
			w := newWorld(t, options{failFirst: true, outage: 2, loseAnswer: true, faults: tt.faults})
			p := w.standard(t, home)
			sent := w.Sent.Count()
			id := w.delivered(t, p)
			w.enter(t, p, id, w.Post.code(t, id), nil)
			e := w.wait(t, id)
			if e.Status != types.ExecutionStatusSucceeded {
				t.Fatalf("execution %s (%s: %s)", e.Status, e.Error, e.Cause)
			}
			t.Logf("retried path: %d state transitions (%d states)", e.Transitions, len(e.States))
			if diff := cmp.Diff([]string{"IssueCode", "SendLetter", "RecordTracking", "AwaitCode"}, e.States); diff != "" {
				t.Errorf("states entered (-want +got):\n%s", diff)
			}
			if printed := w.Printed.all(); len(printed) != 1 || !strings.Contains(printed[0], w.Post.code(t, id)) {
				t.Errorf("%d letters printed, want 1 with the code", len(printed))
			}
			// Under faults a hand-over whose step then failed is made
			// again: the provider takes it as the same letter.
			if n := w.Post.sends.Load(); n != 4 && (tt.faults == nil || n < 4) {
				t.Errorf("%d hand-overs, want 4 (two refused, one whose answer was lost, its retry)", n)
			}
			want := []string{p.phone + " letter-sent-sms", p.email + " letter-sent-mail", p.phone + " letter-tracking-sms",
				p.email + " letter-tracking-mail", p.phone + " letter-confirmed-sms", p.email + " letter-confirmed-mail"}
			if diff := cmp.Diff(want, w.Sent.Told(sent)); diff != "" {
				t.Errorf("notices (-want +got):\n%s", diff)
			}
			if a := w.account(t, p.acc.ID); a.Level != account.Confirmed || a.ConfirmationMethod != account.MethodLetter {
				t.Errorf("account %s by %q, want confirmed by letter", a.Level, a.ConfirmationMethod)
			}
			if tt.faults != nil {
				r := tt.faults.Report()
				t.Logf("%d hand-overs; %s", w.Post.sends.Load(), r)
				if r.Services[faultinject.DynamoDB].Failed == 0 || !strings.Contains(w.Logs.String(), task.ErrStorageUnavailable) {
					t.Errorf("no step failed with %s: %s", task.ErrStorageUnavailable, r)
				}
			}
		})
	}
}
