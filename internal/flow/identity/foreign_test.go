package identity_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/flow/recovery"
	"github.com/portalid/portalid/internal/registry"
)

// goodForeign is a foreign passport number the simulator passes.
const goodForeign = "N12345678"

// foreigner is a complete profile of a citizen of Kazakhstan with a
// Kazakh passport of that number, and a SNILS when snils is not "".
func foreigner(number, snils string) profile.Patch {
	raw := fmt.Sprintf(`{"noPatronymic":true,"gender":"male","birthDate":"1988-11-02","birthPlace":"Almaty","citizenship":"KAZ",`+
		`"foreignDocument":{"type":"passport","number":%q,"country":"KAZ"}}`, number)
	p := profile.Patch{}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		panic(err)
	}
	if snils != "" {
		p["snils"] = json.RawMessage(`"` + snils + `"`)
	}
	return p
}

// foreignIndex is the blind index a Kazakh passport of that number is
// claimed under.
func (w *world) foreignIndex(number string) string {
	return w.Index.Index("foreign-document", "passport/KAZ/"+strings.NewReplacer(" ", "", "-", "").Replace(strings.ToUpper(number)))
}

// TestForeignWorkflowPaths runs SPEC §2.5's foreign citizen through the
// real ASL: the foreign document goes to the migration service only (and
// a SNILS, when given, to the pension fund), the Map runs one iteration
// per item, progress shows only the items that apply, and passing makes
// the account standard.
func TestForeignWorkflowPaths(t *testing.T) {
	t.Parallel()
	passed := identity.Item{Status: identity.Passed}
	tests := []struct {
		name      string
		failFirst int
		number    string
		snils     string
		outcome   string
		items     map[string]identity.Item // Status and Reason, by JSON name
		states    []string                 // inside the Map, any order
		notice    string
		wantLevel account.Level
	}{
		{
			name: "passes", number: goodForeign, outcome: identity.Passed,
			items:  map[string]identity.Item{"foreignDocument": passed},
			states: []string{"CheckItem"}, notice: "identity-check-passed", wantLevel: account.Standard,
		},
		{
			name: "passes with a SNILS", number: goodForeign, snils: goodSNILS, outcome: identity.Passed,
			items:  map[string]identity.Item{"foreignDocument": passed, "snils": passed},
			states: []string{"CheckItem", "CheckItem"}, notice: "identity-check-passed", wantLevel: account.Standard,
		},
		{
			name: "unknown to the migration service", number: registry.UnknownForeignNumber, outcome: identity.Failed,
			items:  map[string]identity.Item{"foreignDocument": {Status: identity.Failed, Reason: "foreign-document-not-found"}},
			states: []string{"CheckItem"}, notice: "identity-check-failed", wantLevel: account.Simplified,
		},
		{
			name: "listed as invalid", number: registry.InvalidForeignNumber, outcome: identity.Failed,
			items:  map[string]identity.Item{"foreignDocument": {Status: identity.Failed, Reason: "foreign-document-invalid"}},
			states: []string{"CheckItem"}, notice: "identity-check-failed", wantLevel: account.Simplified,
		},
		{
			name: "SNILS rejected, document passed", number: goodForeign, snils: registry.RejectedSNILS, outcome: identity.Failed,
			items:  map[string]identity.Item{"foreignDocument": passed, "snils": {Status: identity.Failed, Reason: "snils-not-found"}},
			states: []string{"CheckItem", "CheckItem"}, notice: "identity-check-failed", wantLevel: account.Simplified,
		},
		{
			name: "no answer for 5 days", number: registry.SilentForeignNumber, outcome: identity.Stalled,
			items:  map[string]identity.Item{"foreignDocument": {Status: identity.Unavailable}},
			states: []string{"CheckItem", "ItemUnavailable"}, notice: "identity-check-stalled", wantLevel: account.Simplified,
		},
		{
			name: "registry down then back", failFirst: 3, number: goodForeign, outcome: identity.Passed,
			items:  map[string]identity.Item{"foreignDocument": passed},
			states: []string{"CheckItem"}, notice: "identity-check-passed", wantLevel: account.Standard,
		},
		{
			name: "registry down for good", failFirst: 100, number: goodForeign, outcome: identity.Stalled,
			items:  map[string]identity.Item{"foreignDocument": {Status: identity.Unavailable}},
			states: []string{"CheckItem", "ItemUnavailable"}, notice: "identity-check-stalled", wantLevel: account.Simplified,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, &registry.Simulator{FailFirst: tt.failFirst})
			phone, email, id := w.Register(t, true)
			c, got, sent := w.submit(t, id, foreigner(tt.number, tt.snils))
			t.Logf("foreign path %q: %d state transitions, states %v", tt.name, got.Transitions, got.States)

			items := `["foreign-document"]`
			if tt.snils != "" {
				items = `["snils","foreign-document"]`
			}
			if diff := cmp.Diff(`{"accountId":"`+id+`","checkId":"`+c.ID+`","items":`+items+`}`, got.Input); diff != "" {
				t.Errorf("execution input (-want +got):\n%s", diff)
			}
			var out struct {
				Outcome string `json:"outcome"`
			}
			if err := json.Unmarshal([]byte(got.Output), &out); err != nil || out.Outcome != tt.outcome {
				t.Errorf("output %s, want outcome %s", got.Output, tt.outcome)
			}
			checkStates(t, got.States, tt.states)
			if tt.failFirst == 0 && got.Transitions != len(got.States) {
				t.Errorf("%d transitions for %d states entered, want one each (no retries)", got.Transitions, len(got.States))
			}

			// Progress shows the items that apply, and only those.
			p, err := w.Identity.Progress(t.Context(), id, c.ID)
			if err != nil {
				t.Fatalf("Progress() error = %v", err)
			}
			raw, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			var shown map[string]json.RawMessage
			if err := json.Unmarshal(raw, &shown); err != nil {
				t.Fatal(err)
			}
			gotItems := map[string]identity.Item{}
			for _, name := range []string{"snils", "passport", "foreignDocument"} {
				if v, ok := shown[name]; ok {
					var it identity.Item
					if err := json.Unmarshal(v, &it); err != nil {
						t.Fatal(err)
					}
					if it.DecidedAt.IsZero() {
						t.Errorf("item %s without its decision time: %s", name, v)
					}
					gotItems[name] = identity.Item{Status: it.Status, Reason: it.Reason}
				}
			}
			if diff := cmp.Diff(tt.items, gotItems); diff != "" || p.State != tt.outcome {
				t.Errorf("progress %s: state %s (want %s), items (-want +got):\n%s", raw, p.State, tt.outcome, diff)
			}

			want := []string{phone + " " + tt.notice + "-sms", email + " " + tt.notice + "-mail"}
			told := w.Sent.Told(sent)
			slices.Sort(want)
			slices.Sort(told)
			if diff := cmp.Diff(want, told); diff != "" {
				t.Errorf("notices (-want +got):\n%s", diff)
			}
			history := w.history(t, c.ID)
			for _, canary := range []string{tt.number, goodSNILS, "Almaty"} {
				for what, text := range map[string]string{"input": got.Input, "output": got.Output, "history": history, "logs": w.Logs.String()} {
					if strings.Contains(text, canary) {
						t.Errorf("a document value appears in the execution %s", what)
					}
				}
			}

			// At rest the document is a sealed blob and a keyed hash.
			for _, it := range w.scan(t) {
				if strings.Contains(it, tt.number) || strings.Contains(it, "Almaty") {
					t.Errorf("an item shows the foreign document or birth place in clear")
				}
			}

			a, err := w.Store.Account(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Level != tt.wantLevel {
				t.Errorf("level = %s, want %s", a.Level, tt.wantLevel)
			}
			owner := func(pk string) string { v, _ := w.attr(t, pk, "CONTACT", "accountId"); return v }
			docClaim := owner("FOREIGNDOC#" + w.foreignIndex(tt.number))
			if tt.wantLevel == account.Standard {
				if diff := cmp.Diff([]string{"simplified→standard "}, w.levelChanges(t, id)); diff != "" {
					t.Errorf("level-changed events (-want +got):\n%s", diff)
				}
				if a.ForeignDocumentIndex != w.foreignIndex(tt.number) || docClaim != id {
					t.Errorf("account foreign index %q, claim held by %q; want the document's, held by the account", a.ForeignDocumentIndex, docClaim)
				}
				wantSNILS := ""
				if tt.snils != "" {
					wantSNILS = w.Index.Index("snils", tt.snils)
				}
				if a.SNILSIndex != wantSNILS {
					t.Errorf("account SNILS index %q, want %q", a.SNILSIndex, wantSNILS)
				}
				w.signsInAndRecovers(t, phone, tt.snils)
			} else {
				if a.ForeignDocumentIndex != "" || a.SNILSIndex != "" {
					t.Errorf("account document indexes set although the check did not pass")
				}
				// A failed check gives the document up; a stalled one
				// keeps it (the person is sent to support).
				if want := map[string]string{identity.Failed: "", identity.Stalled: id}[tt.outcome]; docClaim != want {
					t.Errorf("claim held by %q after %s, want %q", docClaim, tt.outcome, want)
				}
			}
		})
	}
}

// scan renders every item of the table as text, binary values included.
func (w *world) scan(t *testing.T) []string {
	t.Helper()
	var out []string
	p := dynamodb.NewScanPaginator(w.DB, &dynamodb.ScanInput{TableName: aws.String(w.Table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(it, &m); err != nil {
				t.Fatal(err)
			}
			for k, v := range m {
				if b, ok := v.([]byte); ok {
					m[k] = string(b) // a blob in clear would show
				}
			}
			out = append(out, fmt.Sprint(m))
		}
	}
	return out
}

// signsInAndRecovers checks that a standard foreign citizen signs in by
// phone, by SNILS only when they have a checked one, and recovers their
// password with the code alone when they have no SNILS (with the SNILS
// when they have one).
func (w *world) signsInAndRecovers(t *testing.T, phone, snils string) {
	t.Helper()
	if _, err := w.Login(phone, flowtest.Password, "10.0.0.1"); err != nil {
		t.Errorf("Login(phone) error = %v", err)
	}
	loginSNILS := snils
	if loginSNILS == "" {
		loginSNILS = otherSNILS // a SNILS no account holds
	}
	_, err := w.Login(loginSNILS, flowtest.Password, "10.0.0.2")
	if (err == nil) != (snils != "") {
		t.Errorf("Login(SNILS) error = %v, want a sign-in only with a checked SNILS", err)
	}
	st, err := w.Recovery.Start(t.Context(), recovery.StartInput{Login: phone, ClientIP: "10.0.0.3"})
	if err != nil {
		t.Fatalf("recovery Start() error = %v", err)
	}
	in := recovery.ConfirmInput{ID: st.ID, Code: w.Sent.LastCode(t, phone)}
	if snils != "" {
		// With a SNILS the code alone is not enough.
		if _, err := w.Recovery.Confirm(t.Context(), in); !errors.Is(err, recovery.ErrMismatch) {
			t.Errorf("recovery Confirm() without the SNILS = %v, want %v", err, recovery.ErrMismatch)
		}
		in.SNILS = snils
	}
	if _, err := w.Recovery.Confirm(t.Context(), in); err != nil {
		t.Errorf("recovery Confirm() error = %v, want the account recovered", err)
	}
}

// TestForeignRecheckPaths: a standard account changes its identity
// document and submits again (SPEC §2.3's last bullet, for §2.5): it
// keeps its level only if the new document passes, and the claims and
// document indexes move only then, also between an RF passport and a
// foreign document.
func TestForeignRecheckPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		first, second profile.Patch
		outcome       string
		wantLevel     account.Level
		// held and freed are the claims (as pk) the account holds and
		// the ones nobody holds at the end.
		held, freed func(w *world) []string
		wantSNILS   func(w *world) string
		wantForeign func(w *world) string
	}{
		{
			name: "foreign document edited, passes", first: foreigner(goodForeign, ""), second: foreigner("N7654321", ""),
			outcome: identity.Passed, wantLevel: account.Standard,
			held:        func(w *world) []string { return []string{"FOREIGNDOC#" + w.foreignIndex("N7654321")} },
			freed:       func(w *world) []string { return []string{"FOREIGNDOC#" + w.foreignIndex(goodForeign)} },
			wantSNILS:   func(*world) string { return "" },
			wantForeign: func(w *world) string { return w.foreignIndex("N7654321") },
		},
		{
			name: "foreign document edited, fails", first: foreigner(goodForeign, ""), second: foreigner(registry.InvalidForeignNumber, ""),
			outcome: identity.Failed, wantLevel: account.Simplified,
			held: func(w *world) []string { return []string{"FOREIGNDOC#" + w.foreignIndex(goodForeign)} },
			freed: func(w *world) []string {
				return []string{"FOREIGNDOC#" + w.foreignIndex(registry.InvalidForeignNumber)}
			},
			wantSNILS:   func(*world) string { return "" },
			wantForeign: func(w *world) string { return w.foreignIndex(goodForeign) },
		},
		{
			name: "RF citizen becomes a foreign one, passes", first: person(goodSNILS, goodSeries, goodNumber),
			second:  withNulls(foreigner(goodForeign, ""), "passport", "snils"),
			outcome: identity.Passed, wantLevel: account.Standard,
			held: func(w *world) []string { return []string{"FOREIGNDOC#" + w.foreignIndex(goodForeign)} },
			freed: func(w *world) []string {
				return []string{"SNILS#" + w.Index.Index("snils", goodSNILS), "PASSPORT#" + w.Index.Index("passport", goodSeries+goodNumber)}
			},
			wantSNILS:   func(*world) string { return "" },
			wantForeign: func(w *world) string { return w.foreignIndex(goodForeign) },
		},
		{
			name: "foreign citizen becomes an RF one, passes", first: foreigner(goodForeign, ""),
			second:  withNulls(person(goodSNILS, goodSeries, goodNumber), "foreignDocument"),
			outcome: identity.Passed, wantLevel: account.Standard,
			held: func(w *world) []string {
				return []string{"SNILS#" + w.Index.Index("snils", goodSNILS), "PASSPORT#" + w.Index.Index("passport", goodSeries+goodNumber)}
			},
			freed:       func(w *world) []string { return []string{"FOREIGNDOC#" + w.foreignIndex(goodForeign)} },
			wantSNILS:   func(w *world) string { return w.Index.Index("snils", goodSNILS) },
			wantForeign: func(*world) string { return "" },
		},
		{
			name: "RF citizen becomes a foreign one, stalls", first: person(goodSNILS, goodSeries, goodNumber),
			second:  withNulls(foreigner(registry.SilentForeignNumber, ""), "passport", "snils"),
			outcome: identity.Stalled, wantLevel: account.Simplified,
			held: func(w *world) []string {
				return []string{"SNILS#" + w.Index.Index("snils", goodSNILS), "PASSPORT#" + w.Index.Index("passport", goodSeries+goodNumber)}
			},
			freed:       func(w *world) []string { return []string{"FOREIGNDOC#" + w.foreignIndex(registry.SilentForeignNumber)} },
			wantSNILS:   func(w *world) string { return w.Index.Index("snils", goodSNILS) },
			wantForeign: func(*world) string { return "" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, &registry.Simulator{})
			_, _, id := w.Register(t, true)
			for i, draft := range []profile.Patch{tt.first, tt.second} {
				c, _, _ := w.submit(t, id, draft)
				p, err := w.Identity.Progress(t.Context(), id, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				want := identity.Passed
				if i == 1 {
					want = tt.outcome
				}
				if p.State != want {
					t.Fatalf("submission %d: state %s, want %s", i, p.State, want)
				}
			}
			a, err := w.Store.Account(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Level != tt.wantLevel || a.SNILSIndex != tt.wantSNILS(w) || a.ForeignDocumentIndex != tt.wantForeign(w) {
				t.Errorf("account: level %s, SNILS index %q, foreign index %q; want %s, %q, %q",
					a.Level, a.SNILSIndex, a.ForeignDocumentIndex, tt.wantLevel, tt.wantSNILS(w), tt.wantForeign(w))
			}
			owner := func(pk string) string { v, _ := w.attr(t, pk, "CONTACT", "accountId"); return v }
			for _, pk := range tt.held(w) {
				if got := owner(pk); got != id {
					t.Errorf("%s… held by %q, want the account", pk[:12], got)
				}
			}
			for _, pk := range tt.freed(w) {
				if got := owner(pk); got != "" {
					t.Errorf("%s… still held by %q, want free", pk[:12], got)
				}
			}
		})
	}
}

// withNulls adds "field": null to a patch for each field (a merge patch
// removes them).
func withNulls(p profile.Patch, fields ...string) profile.Patch {
	for _, f := range fields {
		p[f] = json.RawMessage("null")
	}
	return p
}

// TestSameForeignDocumentAtOnce: accounts submitting one foreign document
// at once, written differently (case, spaces, hyphens), leave exactly
// one holding it.
func TestSameForeignDocumentAtOnce(t *testing.T) {
	t.Parallel()
	e, f, profiles, st := quietFlow(t)
	writings := []string{"N12345678", "n12345678", "N 1234 5678", "N-12345678", " n1234-5678 ", "N12 345 678"}
	n := len(writings)
	ids := make([]string, n)
	for i := range ids {
		_, _, ids[i] = e.Register(t, false)
		if _, err := profiles.Save(t.Context(), ids[i], foreigner(writings[i], "")); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, n)
	flowtest.Gate(n, func(i int) { _, errs[i] = f.Submit(t.Context(), ids[i], true) })
	won, taken := tally(t, errs, identity.ErrForeignDocumentTaken)
	if won != 1 || taken != n-1 || st.distinct() != 1 {
		t.Errorf("%d submissions kept the document, %d got foreign-document-taken, %d executions; want 1, %d, 1", won, taken, st.distinct(), n-1)
	}
	// The same number from another country, or as another type, is
	// another document.
	for _, p := range []string{
		`{"foreignDocument":{"type":"passport","number":"N12345678","country":"UZB"}}`,
		`{"foreignDocument":{"type":"residence-permit","number":"N12345678","country":"KAZ"}}`,
	} {
		_, _, id := e.Register(t, false)
		patch := foreigner("N12345678", "")
		var doc profile.Patch
		if err := json.Unmarshal([]byte(p), &doc); err != nil {
			t.Fatal(err)
		}
		patch["foreignDocument"] = doc["foreignDocument"]
		if _, err := profiles.Save(t.Context(), id, patch); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Submit(t.Context(), id, true); err != nil {
			t.Errorf("Submit(%s) error = %v, want another document", p, err)
		}
	}
}

// TestSubmitRefusesForeign: a foreign citizen's submission needs the
// foreign document and refuses an RF passport (a draft saved before the
// rule existed); a refused submission writes nothing and starts nothing.
func TestSubmitRefusesForeign(t *testing.T) {
	t.Parallel()
	e, f, profiles, st := quietFlow(t)
	tests := []struct {
		name  string
		draft profile.Patch
		// legacy writes the draft with an RF passport under a foreign
		// citizenship, as the profile flow once allowed.
		legacy bool
		want   []string
	}{
		{"no foreign document", withNulls(foreigner(goodForeign, ""), "foreignDocument"), false, []string{"/foreignDocument:required"}},
		{"no citizenship", withNulls(foreigner(goodForeign, ""), "citizenship"), false, []string{"/citizenship:required"}},
		{"an RF passport", nil, true, []string{"/foreignDocument:required", "/passport:" + profile.ReasonPassportRFOnly}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, id := e.Register(t, false)
			if tt.legacy {
				// Save as RF, then flip the citizenship outside the flow's
				// rules: the sealed draft of an older release.
				if _, err := profiles.Save(t.Context(), id, person(goodSNILS, goodSeries, goodNumber)); err != nil {
					t.Fatal(err)
				}
				p, version, err := profiles.Get(t.Context(), id)
				if err != nil {
					t.Fatal(err)
				}
				p.Citizenship, p.SNILS = "DEU", ""
				saveRaw(t, profiles, id, p, version+1)
			} else if _, err := profiles.Save(t.Context(), id, tt.draft); err != nil {
				t.Fatal(err)
			}
			before := e.Items(t)
			_, err := f.Submit(t.Context(), id, true)
			if diff := cmp.Diff(tt.want, flowtest.Fields(err)); diff != "" {
				t.Errorf("Submit() = %v, fields (-want +got):\n%s", err, diff)
			}
			if got := e.Items(t); got != before {
				t.Errorf("items %d, want %d: a refused submission writes nothing", got, before)
			}
		})
	}
	if len(st.names) != 0 {
		t.Errorf("executions started: %v, want none", st.names)
	}
}

// saveRaw seals and writes a draft as it is, past the profile flow's
// validation.
func saveRaw(t *testing.T, f *profile.Flow, accountID string, p profile.Profile, version int64) {
	t.Helper()
	plain, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := f.Sealer.Seal(t.Context(), plain, []byte("profile/"+accountID))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Store.SaveProfile(t.Context(), accountID, sealed, version); err != nil {
		t.Fatal(err)
	}
}
