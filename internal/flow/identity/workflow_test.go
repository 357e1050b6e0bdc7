package identity_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/registry"
)

const (
	goodSNILS  = "11223344595"
	goodSeries = "4508"
	goodNumber = "123456"
)

// attempt is one submission in a path: the documents, and what the
// execution must show.
type attempt struct {
	snils, number string
	outcome       string
	snilsItem     identity.Item // Status and Reason only
	passportItem  identity.Item
	// states are the states entered inside the Map, in any order (its
	// iterations interleave): a CheckItem per item, and an
	// ItemUnavailable per item that got no answer.
	states []string
	notice string // template base sent to every contact
}

func TestWorkflowPaths(t *testing.T) {
	t.Parallel()
	passed := identity.Item{Status: identity.Passed}
	tests := []struct {
		name      string
		failFirst int // the registries refuse the first failFirst requests of each item
		attempts  []attempt
		wantLevel account.Level
	}{
		{
			name: "both pass",
			attempts: []attempt{{
				snils: goodSNILS, number: goodNumber, outcome: identity.Passed, snilsItem: passed, passportItem: passed,
				states: checkedBoth, notice: "identity-check-passed",
			}},
			wantLevel: account.Standard,
		},
		{
			name: "snils rejected",
			attempts: []attempt{{
				snils: registry.RejectedSNILS, number: goodNumber, outcome: identity.Failed,
				snilsItem: identity.Item{Status: identity.Failed, Reason: "snils-not-found"}, passportItem: passed,
				states: checkedBoth, notice: "identity-check-failed",
			}},
			wantLevel: account.Simplified,
		},
		{
			name: "passport rejected",
			attempts: []attempt{{
				snils: goodSNILS, number: registry.UnknownPassportNumber, outcome: identity.Failed,
				snilsItem: passed, passportItem: identity.Item{Status: identity.Failed, Reason: "passport-not-found"},
				states: checkedBoth, notice: "identity-check-failed",
			}},
			wantLevel: account.Simplified,
		},
		{
			name:      "registry down then back",
			failFirst: 3,
			attempts: []attempt{{
				snils: goodSNILS, number: goodNumber, outcome: identity.Passed, snilsItem: passed, passportItem: passed,
				states: checkedBoth, notice: "identity-check-passed",
			}},
			wantLevel: account.Standard,
		},
		{
			name:      "registry down for good",
			failFirst: 100,
			attempts: []attempt{{
				snils: goodSNILS, number: goodNumber, outcome: identity.Stalled,
				snilsItem: identity.Item{Status: identity.Unavailable}, passportItem: identity.Item{Status: identity.Unavailable},
				states: bothUnavailable,
				notice: "identity-check-stalled",
			}},
			wantLevel: account.Simplified,
		},
		{
			name: "no answer for 5 days",
			attempts: []attempt{{
				snils: registry.SilentSNILS, number: goodNumber, outcome: identity.Stalled,
				snilsItem: identity.Item{Status: identity.Unavailable}, passportItem: passed,
				states: oneUnavailable,
				notice: "identity-check-stalled",
			}},
			wantLevel: account.Simplified,
		},
		{
			name: "resubmission after a failure",
			attempts: []attempt{
				{
					snils: goodSNILS, number: registry.InvalidPassportNumber, outcome: identity.Failed,
					snilsItem: passed, passportItem: identity.Item{Status: identity.Failed, Reason: "passport-invalid"},
					states: checkedBoth, notice: "identity-check-failed",
				},
				{
					snils: goodSNILS, number: goodNumber, outcome: identity.Passed, snilsItem: passed, passportItem: passed,
					states: checkedBoth, notice: "identity-check-passed",
				},
			},
			wantLevel: account.Standard,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, &registry.Simulator{FailFirst: tt.failFirst})
			phone, email, id := w.Register(t, true)
			var canaries []string
			for i, at := range tt.attempts {
				canaries = append(canaries, at.snils, goodSeries+at.number)
				if _, err := w.Profiles.Save(t.Context(), id, person(at.snils, goodSeries, at.number)); err != nil {
					t.Fatalf("attempt %d: profile Save() error = %v", i, err)
				}
				sent, metricsBefore := w.Sent.Count(), len(w.Metrics.String())
				c, err := w.Identity.Submit(t.Context(), id, true)
				if err != nil {
					t.Fatalf("attempt %d: Submit() error = %v", i, err)
				}
				got := w.wait(t, c.ID)
				if got.Status != types.ExecutionStatusSucceeded {
					t.Fatalf("attempt %d: execution %s (%s: %s), want SUCCEEDED", i, got.Status, got.Error, got.Cause)
				}
				t.Logf("path %q attempt %d: %d state transitions, states %v", tt.name, i, got.Transitions, got.States)

				if diff := cmp.Diff(`{"accountId":"`+id+`","checkId":"`+c.ID+`","items":["snils","passport"]}`, got.Input); diff != "" {
					t.Errorf("attempt %d: execution input (-want +got):\n%s", i, diff)
				}
				var out struct {
					Outcome string `json:"outcome"`
				}
				if err := json.Unmarshal([]byte(got.Output), &out); err != nil || out.Outcome != at.outcome {
					t.Errorf("attempt %d: output %s, want outcome %s", i, got.Output, at.outcome)
				}
				checkStates(t, got.States, at.states)

				p, err := w.Identity.Progress(t.Context(), id, c.ID)
				if err != nil {
					t.Fatalf("attempt %d: Progress() error = %v", i, err)
				}
				if p.State != at.outcome {
					t.Errorf("attempt %d: progress state %s, want %s", i, p.State, at.outcome)
				}
				gotItems := []identity.Item{{Status: p.SNILS.Status, Reason: p.SNILS.Reason}, {Status: p.Passport.Status, Reason: p.Passport.Reason}}
				if diff := cmp.Diff([]identity.Item{at.snilsItem, at.passportItem}, gotItems); diff != "" {
					t.Errorf("attempt %d: items (-want +got):\n%s", i, diff)
				}
				if p.SNILS.DecidedAt.IsZero() || p.Passport.DecidedAt.IsZero() {
					t.Errorf("attempt %d: items without a decision time: %+v", i, p)
				}

				var notices []string
				for _, m := range w.Sent.Since(sent) {
					notices = append(notices, m.Address+" "+m.Template)
				}
				want := []string{phone + " " + at.notice + "-sms", email + " " + at.notice + "-mail"}
				slices.Sort(notices)
				slices.Sort(want)
				if diff := cmp.Diff(want, notices); diff != "" {
					t.Errorf("attempt %d: notices (-want +got):\n%s", i, diff)
				}

				// One ChecksStalled per stalled check, none otherwise.
				stalled := strings.Count(w.Metrics.String()[metricsBefore:], `"ChecksStalled":1`)
				if want := map[bool]int{true: 1}[at.outcome == identity.Stalled]; stalled != want {
					t.Errorf("attempt %d: %d ChecksStalled metric lines, want %d:\n%s", i, stalled, want, w.Metrics.String()[metricsBefore:])
				}

				history := w.history(t, c.ID)
				for _, canary := range canaries {
					for what, text := range map[string]string{"input": got.Input, "output": got.Output, "history": history, "logs": w.Logs.String()} {
						if strings.Contains(text, canary) {
							t.Errorf("attempt %d: a document value appears in the execution %s", i, what)
						}
					}
				}
			}

			a, err := w.Store.Account(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Level != tt.wantLevel {
				t.Errorf("level = %s, want %s", a.Level, tt.wantLevel)
			}
			events, err := w.Store.AllEvents(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			var levelChanges []string
			for _, e := range events {
				if e.Kind == "level-changed" {
					levelChanges = append(levelChanges, e.Details["from"]+"→"+e.Details["to"])
				}
			}
			var wantChanges []string
			if tt.wantLevel == account.Standard {
				wantChanges = []string{"simplified→standard"}
				if a.SNILSIndex != w.Index.Index("snils", goodSNILS) {
					t.Errorf("account SNILS index is not that of the checked SNILS")
				}
			}
			if diff := cmp.Diff(wantChanges, levelChanges); diff != "" {
				t.Errorf("level-changed events (-want +got):\n%s", diff)
			}
		})
	}
}

// The states entered inside the Map of an RF check.
var (
	checkedBoth     = []string{"CheckItem", "CheckItem"}
	oneUnavailable  = []string{"CheckItem", "CheckItem", "ItemUnavailable"}
	bothUnavailable = []string{"CheckItem", "CheckItem", "ItemUnavailable", "ItemUnavailable"}
)

// checkStates checks the states entered: the Map, the states of its
// iterations (in any order: they interleave), then RecordOutcome.
func checkStates(t *testing.T, got, inside []string) {
	t.Helper()
	if len(got) < 2 || got[0] != "CheckRegistries" || got[len(got)-1] != "RecordOutcome" {
		t.Errorf("states entered = %v, want CheckRegistries … RecordOutcome", got)
		return
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(inside)), slices.Sorted(slices.Values(got[1:len(got)-1]))); diff != "" {
		t.Errorf("states entered inside the Map (-want +got):\n%s", diff)
	}
}
