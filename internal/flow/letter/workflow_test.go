package letter_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/faultinject"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/letter"
	"github.com/portalid/portalid/internal/postal"
)

// path is one way a letter goes, through the real ASL: what the person
// does once the letter is ordered, and what must follow.
type path struct {
	name     string
	day      time.Duration // the simulated day; 0: 500 ms
	delivery time.Duration // the simulator's delivery delay; 0: 40 ms
	postcode string        // of the registration address the letter goes to
	// faults, when set, fail a share of the steps' DynamoDB attempts.
	faults *faultinject.Rates
	// act is what the person (and time) do after the order; it returns
	// the letter whose execution the path asserts.
	act    func(t *testing.T, w *world, p person, letterID string) string
	states []string
	status string // the letter's status at the end
	level  account.Level
	// notices are the templates the phone got, in order (the e-mail got
	// the same as -mail).
	notices []string
	// events are the account's security events added, in order.
	events string
}

// underFaults is p with faults on the steps' DynamoDB calls.
func underFaults(p path, r faultinject.Rates) path {
	p.name += " under DynamoDB faults"
	p.faults = &r
	return p
}

func TestLetterPaths(t *testing.T) {
	t.Parallel()
	happy := []string{"IssueCode", "SendLetter", "RecordTracking", "AwaitCode"}
	lost := path{
		name: "lost letter", postcode: postal.LostPostcode,
		delivery: time.Second, // lost some days after the tracking number
		act: func(t *testing.T, w *world, p person, id string) string {
			w.wait(t, id)
			w.refused(t, p)
			return id
		},
		states: append(slices.Clone(happy), "Conclude"), status: letter.Lost, level: account.Standard,
		notices: []string{"letter-sent", "letter-tracking", "letter-undelivered"},
		events:  "letter-ordered",
	}
	tests := []path{
		{
			name: "delivered and entered",
			act: func(t *testing.T, w *world, p person, id string) string {
				w.until(t, p.acc.ID, id, letter.Delivered)
				w.entered(t, id, "AwaitCode")
				w.enter(t, p, id, w.Post.code(t, id), nil)
				return id
			},
			states: happy, status: letter.Used, level: account.Confirmed,
			notices: []string{"letter-sent", "letter-tracking", "letter-confirmed"},
			events:  "letter-ordered level-changed",
		},
		{
			name: "wrong code five times",
			act: func(t *testing.T, w *world, p person, id string) string {
				w.until(t, p.acc.ID, id, letter.Delivered)
				w.entered(t, id, "AwaitCode")
				code := w.Post.code(t, id)
				for i := range 4 {
					w.enter(t, p, id, wrong(code), challenge.ErrCodeMismatch)
					if v := w.view(t, p, id); v.AttemptsLeft != 4-i {
						t.Errorf("after %d wrong codes: attemptsLeft %d, want %d", i+1, v.AttemptsLeft, 4-i)
					}
				}
				w.enter(t, p, id, wrong(code), challenge.ErrAttemptsExhausted)
				// The code is void now: the right one no longer works.
				w.enter(t, p, id, code, challenge.ErrAttemptsExhausted)
				return id
			},
			states: append(slices.Clone(happy), "Conclude"), status: letter.Void, level: account.Standard,
			notices: []string{"letter-sent", "letter-tracking", "letter-void"},
			events:  "letter-ordered",
		},
		{
			name: "expired then re-ordered",
			day:  100 * time.Millisecond, // 60 days in 6 s
			act: func(t *testing.T, w *world, p person, id string) string {
				got := w.wait(t, id)
				if got.Status != types.ExecutionStatusSucceeded {
					t.Fatalf("execution %s (%s: %s)", got.Status, got.Error, got.Cause)
				}
				w.enter(t, p, id, w.Post.code(t, id), challenge.ErrCodeExpired)
				// An expired code lets a new letter be ordered at once,
				// long before 30 days.
				again := w.order(t, p, letter.OrderInput{Source: letter.SourceResidence})
				w.until(t, p.acc.ID, again.LetterID, letter.Delivered)
				w.entered(t, again.LetterID, "AwaitCode")
				w.enter(t, p, again.LetterID, w.Post.code(t, again.LetterID), nil)
				if got := w.wait(t, again.LetterID); !slices.Equal(got.States, []string{"IssueCode", "SendLetter", "RecordTracking", "AwaitCode"}) {
					t.Errorf("the second letter's states = %v", got.States)
				}
				return id
			},
			states: append(slices.Clone(happy),
				"CheckDeadlines", "Ended", "AwaitCode", // day 14: the reminder
				"CheckDeadlines", "Ended", "AwaitCode", // day 38
				"CheckDeadlines", "Ended", "Conclude"), // day 60: expired
			status: letter.Expired, level: account.Confirmed,
			notices: []string{"letter-sent", "letter-tracking", "letter-reminder", "letter-expired", "letter-sent", "letter-tracking", "letter-confirmed"},
			events:  "letter-ordered letter-ordered level-changed",
		},
		{
			name: "re-order refused before 30 days",
			act: func(t *testing.T, w *world, p person, id string) string {
				w.entered(t, id, "AwaitCode")
				_, err := w.Letters.Order(t.Context(), w.account(t, p.acc.ID), letter.OrderInput{Source: letter.SourceResidence, Origin: origin})
				f, ok := fault.As(err)
				if !errors.Is(err, letter.ErrReorderTooSoon) || !ok || f.RetryAfter < 29*24*time.Hour || f.RetryAfter > 30*24*time.Hour {
					t.Fatalf("second Order() = %v (Retry-After %v), want letter-reorder-too-soon in about 30 days", err, f)
				}
				// 30 days on, a new letter replaces the first: the first
				// code is void, its workflow ends, the new code confirms.
				w.Clock.Advance(30*24*time.Hour + time.Minute)
				again := w.order(t, p, letter.OrderInput{Source: letter.SourceResidence})
				first := w.wait(t, id)
				if first.Status != types.ExecutionStatusSucceeded {
					t.Fatalf("first execution %s (%s: %s)", first.Status, first.Error, first.Cause)
				}
				w.enter(t, p, id, w.Post.code(t, id), letter.ErrClosed)
				w.until(t, p.acc.ID, again.LetterID, letter.Delivered)
				w.entered(t, again.LetterID, "AwaitCode")
				w.enter(t, p, again.LetterID, w.Post.code(t, again.LetterID), nil)
				return id
			},
			states: append(slices.Clone(happy), "Conclude"), status: letter.Void, level: account.Confirmed,
			notices: []string{"letter-sent", "letter-tracking", "letter-sent", "letter-tracking", "letter-confirmed"},
			events:  "letter-ordered letter-ordered level-changed",
		},
		{
			// The provider never reports on the letter: after 7 days the
			// workflow goes on without a tracking number.
			name: "untracked and entered", postcode: postal.UntrackedPostcode,
			day: 100 * time.Millisecond,
			act: func(t *testing.T, w *world, p person, id string) string {
				w.entered(t, id, "AwaitCode")
				if v := w.view(t, p, id); v.Status != letter.Sent || v.TrackingNumber != "" {
					t.Errorf("untracked letter shows %s, tracking %q; want sent without one", v.Status, v.TrackingNumber)
				}
				w.enter(t, p, id, w.Post.code(t, id), nil)
				return id
			},
			states: happy, status: letter.Used, level: account.Confirmed,
			notices: []string{"letter-sent", "letter-confirmed"},
			events:  "letter-ordered level-changed",
		},
		lost,
		// The provider loses the letter while the table throttles and
		// fails the steps (issue #10): the same end, once.
		underFaults(lost, faultinject.Rates{Throttle: 0.12, ServerError: 0.08, Timeout: 0.03, Outage: 4}),
		{
			name: "address rejected", postcode: postal.RejectedPostcode,
			act: func(t *testing.T, w *world, p person, id string) string {
				w.wait(t, id)
				w.refused(t, p) // a wrong address waits the 30 days too
				return id
			},
			states: []string{"IssueCode", "SendLetter", "Conclude"}, status: letter.Rejected, level: account.Standard,
			notices: []string{"letter-undelivered"},
			events:  "letter-ordered",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := options{day: tt.day, delivery: tt.delivery}
			if tt.faults != nil {
				o.faults = faultinject.New(20261123).Set(faultinject.DynamoDB, *tt.faults)
				o.faults.Delay = 5 * time.Millisecond
				defer func() { t.Logf("%s", o.faults.Report()) }()
			}
			w := newWorld(t, o)
			addr := home
			if tt.postcode != "" {
				addr.Postcode = tt.postcode
			}
			p := w.standard(t, addr)
			eventsBefore := w.EventKinds(t, p.acc.ID)
			sent := w.Sent.Count()
			v := w.order(t, p, letter.OrderInput{Source: letter.SourceRegistration})
			if v.Status != letter.Ordered || v.AttemptsLeft != 5 {
				t.Errorf("Order() = %+v, want ordered with 5 attempts", v)
			}
			id := tt.act(t, w, p, v.LetterID)
			got := w.wait(t, id)
			if got.Status != types.ExecutionStatusSucceeded {
				t.Fatalf("execution %s (%s: %s), want SUCCEEDED", got.Status, got.Error, got.Cause)
			}
			t.Logf("path %q: %d state transitions, states %v", tt.name, got.Transitions, got.States)
			if diff := cmp.Diff(tt.states, got.States); diff != "" {
				t.Errorf("states entered (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(`{"accountId":"`+p.acc.ID+`","letterId":"`+id+`"}`, got.Input); diff != "" {
				t.Errorf("execution input (-want +got):\n%s", diff)
			}
			if v := w.view(t, p, id); v.Status != tt.status {
				t.Errorf("letter status %s, want %s", v.Status, tt.status)
			}
			a := w.account(t, p.acc.ID)
			wantMethod := account.Method("")
			if tt.level == account.Confirmed {
				wantMethod = account.MethodLetter
			}
			if a.Level != tt.level || a.ConfirmationMethod != wantMethod {
				t.Errorf("account %s by %q, want %s by %q", a.Level, a.ConfirmationMethod, tt.level, wantMethod)
			}
			var toPhone, toMail []string
			for _, m := range w.Sent.Since(sent) {
				switch m.Address {
				case p.phone:
					toPhone = append(toPhone, strings.TrimSuffix(m.Template, "-sms"))
				case p.email:
					toMail = append(toMail, strings.TrimSuffix(m.Template, "-mail"))
				}
				for _, v := range m.Params {
					if strings.Contains(v, w.Post.code(t, id)[:5]) {
						t.Errorf("notice %s carries the code", m.Template)
					}
				}
			}
			if diff := cmp.Diff(tt.notices, toPhone); diff != "" {
				t.Errorf("SMS notices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.notices, toMail); diff != "" {
				t.Errorf("mail notices (-want +got):\n%s", diff)
			}
			if events := strings.TrimSpace(strings.TrimPrefix(w.EventKinds(t, p.acc.ID), eventsBefore)); events != tt.events {
				t.Errorf("events added = %q, want %q", events, tt.events)
			}
			// Neither the execution nor the task logs hold the address or
			// the code.
			canaries := []string{addr.Text, "Советская", "Невский"}
			if tt.status != letter.Rejected {
				canaries = append(canaries, w.Post.code(t, id), strings.ReplaceAll(w.Post.code(t, id), "-", ""))
			}
			history := w.history(t, id)
			for _, c := range canaries {
				for what, text := range map[string]string{"history": history, "logs": w.Logs.String(), "output": got.Output} {
					if strings.Contains(text, c) {
						t.Errorf("the execution %s holds a canary", what)
					}
				}
			}
		})
	}
}

// enter types a code for a letter; want nil expects the confirmation.
func (w *world) enter(t *testing.T, p person, letterID, code string, want error) {
	t.Helper()
	c, undelivered, err := w.Letters.EnterCode(t.Context(), w.account(t, p.acc.ID), letterID, code, origin)
	switch {
	case want == nil && err != nil:
		t.Fatalf("EnterCode() error = %v", err)
	case want == nil:
		if undelivered != nil {
			t.Errorf("EnterCode() undelivered = %v", undelivered)
		}
		if c.Level != account.Confirmed || c.ConfirmationMethod != account.MethodLetter || c.Status != letter.Used {
			t.Errorf("EnterCode() = %+v, want used, confirmed by letter", c)
		}
	case !errors.Is(err, want):
		t.Fatalf("EnterCode() error = %v, want %v", err, want)
	}
}

func (w *world) view(t testing.TB, p person, letterID string) letter.View {
	t.Helper()
	v, err := w.Letters.Get(t.Context(), p.acc.ID, letterID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// refused checks that a new letter may not be ordered yet.
func (w *world) refused(t *testing.T, p person) {
	t.Helper()
	_, err := w.Letters.Order(t.Context(), w.account(t, p.acc.ID), letter.OrderInput{Source: letter.SourceResidence, Origin: origin})
	if !errors.Is(err, letter.ErrReorderTooSoon) {
		t.Errorf("Order() again = %v, want %v", err, letter.ErrReorderTooSoon)
	}
}

// entered waits until the letter's execution has entered state.
func (w *world) entered(t testing.TB, letterID, state string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		e, ok := w.SFN.Execution(flowtest.ExecutionARN(w.Machine, letterID))
		if ok && slices.Contains(e.States, state) {
			return
		}
		if ok && e.Status != types.ExecutionStatusRunning || time.Now().After(deadline) {
			t.Fatalf("execution of letter %s never entered %s: %+v", letterID, state, e.States)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
