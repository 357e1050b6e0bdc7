package identity_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/registry"
)

// otherSNILS is a second well-formed SNILS the simulator passes.
const otherSNILS = "12345678964"

// TestRecheckPaths runs SPEC §2.3's last bullet through the real ASL: a
// standard (or confirmed) account edits passport or SNILS and submits
// again; it keeps its level only if the new data passes.
func TestRecheckPaths(t *testing.T) {
	t.Parallel()
	passed := identity.Item{Status: identity.Passed}
	first := attempt{
		snils: goodSNILS, number: goodNumber, outcome: identity.Passed, snilsItem: passed, passportItem: passed,
		states: checkedBoth, notice: "identity-check-passed",
	}
	tests := []struct {
		name      string
		confirmed bool // the account is confirmed (by letter) before the re-check
		recheck   attempt
		wantLevel account.Level
		// wantChanges are the level-changed events, "from→to reason".
		wantChanges []string
	}{
		{
			name: "re-check after a passport edit passes",
			recheck: attempt{
				snils: goodSNILS, number: "654321", outcome: identity.Passed, snilsItem: passed, passportItem: passed,
				states: checkedBoth, notice: "identity-check-passed",
			},
			wantLevel:   account.Standard,
			wantChanges: []string{"simplified→standard "},
		},
		{
			name: "re-check after a SNILS and passport edit passes",
			recheck: attempt{
				snils: otherSNILS, number: "654321", outcome: identity.Passed, snilsItem: passed, passportItem: passed,
				states: checkedBoth, notice: "identity-check-passed",
			},
			wantLevel:   account.Standard,
			wantChanges: []string{"simplified→standard "},
		},
		{
			name: "re-check after a passport edit fails",
			recheck: attempt{
				snils: goodSNILS, number: registry.UnknownPassportNumber, outcome: identity.Failed,
				snilsItem: passed, passportItem: identity.Item{Status: identity.Failed, Reason: "passport-not-found"},
				states: checkedBoth, notice: "identity-check-failed",
			},
			wantLevel:   account.Simplified,
			wantChanges: []string{"simplified→standard ", "standard→simplified recheck-failed"},
		},
		{
			name: "re-check after a SNILS edit stalls",
			recheck: attempt{
				snils: registry.SilentSNILS, number: goodNumber, outcome: identity.Stalled,
				snilsItem: identity.Item{Status: identity.Unavailable}, passportItem: passed,
				states: oneUnavailable,
				notice: "identity-check-stalled",
			},
			wantLevel:   account.Simplified,
			wantChanges: []string{"simplified→standard ", "standard→simplified recheck-stalled"},
		},
		{
			name:      "confirmed account: re-check after a passport edit fails",
			confirmed: true,
			recheck: attempt{
				snils: goodSNILS, number: registry.InvalidPassportNumber, outcome: identity.Failed,
				snilsItem: passed, passportItem: identity.Item{Status: identity.Failed, Reason: "passport-invalid"},
				states: checkedBoth, notice: "identity-check-failed",
			},
			wantLevel:   account.Simplified,
			wantChanges: []string{"simplified→standard ", "confirmed→simplified recheck-failed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, &registry.Simulator{})
			phone, email, id := w.Register(t, true)
			w.run(t, id, phone, email, first)
			if tt.confirmed {
				w.SetAccount(t, id, map[string]any{"level": string(account.Confirmed), "confirmationMethod": "letter"})
			}
			c := w.run(t, id, phone, email, tt.recheck)

			a, err := w.Store.Account(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Level != tt.wantLevel {
				t.Errorf("level = %s, want %s", a.Level, tt.wantLevel)
			}
			if diff := cmp.Diff(tt.wantChanges, w.levelChanges(t, id)); diff != "" {
				t.Errorf("level-changed events (-want +got):\n%s", diff)
			}
			if tt.confirmed {
				if _, ok := w.accountAttr(t, id, "confirmationMethod"); ok {
					t.Errorf("confirmation method kept after the drop")
				}
			}

			oldSNILS, oldPassport := w.Index.Index("snils", goodSNILS), w.Index.Index("passport", goodSeries+goodNumber)
			newSNILS, newPassport := w.Index.Index("snils", tt.recheck.snils), w.Index.Index("passport", goodSeries+tt.recheck.number)
			owner := func(pk string) string { v, _ := w.attr(t, pk, "CONTACT", "accountId"); return v }
			if c.State == identity.Passed {
				if a.SNILSIndex != newSNILS {
					t.Errorf("account SNILS index is not that of the re-checked SNILS")
				}
				// The new documents are the account's; the previous ones
				// it no longer holds are free.
				for _, pk := range []string{"SNILS#" + newSNILS, "PASSPORT#" + newPassport} {
					if got := owner(pk); got != id {
						t.Errorf("%s held by %q, want the account", pk[:6], got)
					}
				}
				if got := owner("PASSPORT#" + oldPassport); got != "" {
					t.Errorf("old passport claim still held by %q", got)
				}
				if newSNILS != oldSNILS {
					if got := owner("SNILS#" + oldSNILS); got != "" {
						t.Errorf("old SNILS claim still held by %q", got)
					}
				}
				// Another account can now claim the old documents.
				w.claims(t, goodSNILS, goodNumber, newSNILS == oldSNILS)
			} else {
				if a.SNILSIndex != oldSNILS {
					t.Errorf("account SNILS index moved although the re-check did not pass")
				}
				// The previous claims stay; the new ones are given up.
				for _, pk := range []string{"SNILS#" + oldSNILS, "PASSPORT#" + oldPassport} {
					if got := owner(pk); got != id {
						t.Errorf("%s held by %q, want the account", pk[:6], got)
					}
				}
				if newSNILS != oldSNILS {
					if got := owner("SNILS#" + newSNILS); got != "" {
						t.Errorf("new SNILS claim still held by %q", got)
					}
				}
				if newPassport != oldPassport {
					if got := owner("PASSPORT#" + newPassport); got != "" {
						t.Errorf("new passport claim still held by %q", got)
					}
				}
			}
		})
	}
}

// run saves the attempt's documents, submits, waits for the execution,
// and checks the states entered, the outcome, the items and the notices
// (one per contact).
func (w *world) run(t *testing.T, id, phone, email string, at attempt) identity.Check {
	t.Helper()
	c, got, sent := w.submit(t, id, person(at.snils, goodSeries, at.number))
	checkStates(t, got.States, at.states)
	p, err := w.Identity.Progress(t.Context(), id, c.ID)
	if err != nil {
		t.Fatalf("Progress() error = %v", err)
	}
	if p.State != at.outcome {
		t.Errorf("progress state %s, want %s", p.State, at.outcome)
	}
	gotItems := []identity.Item{{Status: p.SNILS.Status, Reason: p.SNILS.Reason}, {Status: p.Passport.Status, Reason: p.Passport.Reason}}
	if diff := cmp.Diff([]identity.Item{at.snilsItem, at.passportItem}, gotItems); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	var notices []string
	for _, m := range w.Sent.Since(sent) {
		notices = append(notices, m.Address+" "+m.Template)
	}
	want := []string{phone + " " + at.notice + "-sms", email + " " + at.notice + "-mail"}
	slices.Sort(notices)
	slices.Sort(want)
	if diff := cmp.Diff(want, notices); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	return p
}

// claims has a second account submit the given documents: its check
// starts (the claims were free) unless snilsHeld, when the first account
// still holds that SNILS and only the passport must be free.
func (w *world) claims(t *testing.T, snils, number string, snilsHeld bool) {
	t.Helper()
	_, _, other := w.Register(t, false)
	if snilsHeld {
		snils = otherSNILS
	}
	if _, err := w.Profiles.Save(t.Context(), other, person(snils, goodSeries, number)); err != nil {
		t.Fatalf("other account: profile Save() error = %v", err)
	}
	c, err := w.Identity.Submit(t.Context(), other, true)
	if err != nil {
		t.Fatalf("other account: Submit() of the freed documents error = %v", err)
	}
	w.wait(t, c.ID)
	if snilsHeld {
		// The kept SNILS is still the first account's.
		_, _, third := w.Register(t, false)
		if _, err := w.Profiles.Save(t.Context(), third, person(goodSNILS, goodSeries, "777777")); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Identity.Submit(t.Context(), third, true); !errors.Is(err, identity.ErrSNILSTaken) {
			t.Errorf("third account: Submit() of the kept SNILS error = %v, want %v", err, identity.ErrSNILSTaken)
		}
	}
}

// levelChanges are the account's level-changed events, "from→to reason".
func (w *world) levelChanges(t *testing.T, id string) []string {
	t.Helper()
	events, err := w.Store.AllEvents(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		if e.Kind == "level-changed" {
			out = append(out, e.Details["from"]+"→"+e.Details["to"]+" "+e.Details["reason"])
		}
	}
	return out
}

func (w *world) accountAttr(t *testing.T, id, name string) (string, bool) {
	t.Helper()
	return w.attr(t, "ACCOUNT#"+id, "ACCOUNT", name)
}

// attr reads one string attribute of an item.
func (w *world) attr(t *testing.T, pk, sk, name string) (string, bool) {
	t.Helper()
	res, err := w.DB.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(w.Table), ConsistentRead: aws.Bool(true),
		Key: map[string]dtypes.AttributeValue{"pk": &dtypes.AttributeValueMemberS{Value: pk}, "sk": &dtypes.AttributeValueMemberS{Value: sk}},
	})
	if err != nil {
		t.Fatalf("GetItem(%s) error = %v", pk, err)
	}
	v, ok := res.Item[name].(*dtypes.AttributeValueMemberS)
	if !ok {
		return "", false
	}
	return v.Value, true
}
