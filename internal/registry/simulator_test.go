package registry_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/redacttest"
	"github.com/portalid/portalid/internal/registry"
)

// TestDefaultRules: the documented values answer as documented, every
// other well-formed value passes.
func TestDefaultRules(t *testing.T) {
	t.Parallel()
	foreign := func(docType, country, number string) string {
		return registry.NewForeignDocument(docType, country, number).Reveal()
	}
	fail := func(item, reason string) registry.Result {
		return registry.Result{Item: item, Outcome: registry.Failed, Reason: reason}
	}
	tests := []struct {
		name, item, document string
		want                 registry.Result // zero: the default answer (passed)
		silent               bool
	}{
		{"good SNILS", registry.SNILS, "11223344595", registry.Result{}, false},
		{"rejected SNILS", registry.SNILS, registry.RejectedSNILS, fail(registry.SNILS, "snils-not-found"), false},
		{"silent SNILS", registry.SNILS, registry.SilentSNILS, registry.Result{}, true},
		{"good passport", registry.Passport, "4508123456", registry.Result{}, false},
		{"unknown passport", registry.Passport, "4508" + registry.UnknownPassportNumber, fail(registry.Passport, "passport-not-found"), false},
		{"invalid passport", registry.Passport, "4508" + registry.InvalidPassportNumber, fail(registry.Passport, "passport-invalid"), false},
		{"silent passport", registry.Passport, "4508" + registry.SilentPassportNumber, registry.Result{}, true},
		{"good foreign passport", registry.ForeignDocument, foreign("passport", "KAZ", "N 1234-5678"), registry.Result{}, false},
		{"unknown foreign document", registry.ForeignDocument, foreign("residence-permit", "UZB", registry.UnknownForeignNumber),
			fail(registry.ForeignDocument, "foreign-document-not-found"), false},
		{"invalid foreign document", registry.ForeignDocument, foreign("passport", "DEU", registry.InvalidForeignNumber),
			fail(registry.ForeignDocument, "foreign-document-invalid"), false},
		{"silent foreign document", registry.ForeignDocument, foreign("other", "CHN", registry.SilentForeignNumber), registry.Result{}, true},
		{"malformed foreign document", registry.ForeignDocument, "N12345678", fail(registry.ForeignDocument, "foreign-document-not-found"), false},
		// The number decides, not a look-alike in the type or country.
		{"number elsewhere", registry.ForeignDocument, foreign("passport", "KAZ", registry.UnknownForeignNumber+"1"), registry.Result{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, silent, ok := registry.DefaultRules(tt.item, tt.document)
			if silent != tt.silent || ok != (tt.silent || tt.want != registry.Result{}) || got != tt.want {
				t.Errorf("DefaultRules(%s, …) = %+v, silent %v, ok %v; want %+v, silent %v", tt.item, got, silent, ok, tt.want, tt.silent)
			}
		})
	}
}

// answers records what the simulator answers.
type answers struct {
	mu  sync.Mutex
	got []registry.Result
}

func (a *answers) Answer(_ context.Context, _ string, r registry.Result) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.got = append(a.got, r)
	return nil
}

// TestSimulatorForeignDocument: a foreign document is taken, answered for
// its check, and refused during an outage.
func TestSimulatorForeignDocument(t *testing.T) {
	t.Parallel()
	a := &answers{}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := &registry.Simulator{Answerer: a, Now: func() time.Time { return now }}
	req := registry.Request{
		AccountID: "acc", CheckID: "chk", Item: registry.ForeignDocument, Token: "tok",
		Document: registry.NewForeignDocument("passport", "KAZ", registry.InvalidForeignNumber),
	}
	if err := s.Submit(context.Background(), req); err != nil {
		t.Fatalf("Submit() error = %v", err)
	}
	s.Wait()
	want := []registry.Result{{AccountID: "acc", CheckID: "chk", Item: registry.ForeignDocument, Outcome: registry.Failed, Reason: "foreign-document-invalid"}}
	if diff := cmp.Diff(want, a.got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	s.Outages = []registry.Window{{From: now.Add(-time.Hour), Until: now.Add(time.Hour)}}
	if err := s.Submit(context.Background(), req); !errors.Is(err, registry.ErrUnavailable) {
		t.Errorf("Submit() during an outage error = %v, want %v", err, registry.ErrUnavailable)
	}
	if err := s.Submit(context.Background(), registry.Request{Item: "inn"}); err == nil {
		t.Errorf("Submit() of an unknown item: nil error")
	}
}

// TestForeignDocumentIsRedacted: no printing path shows the document.
func TestForeignDocumentIsRedacted(t *testing.T) {
	t.Parallel()
	d := registry.NewForeignDocument("passport", "KAZ", "N12345678")
	for _, out := range redacttest.Printed(d) {
		if strings.Contains(out, "N12345678") || strings.Contains(out, "KAZ") {
			t.Errorf("the document shows through: %s", out)
		}
	}
	if d.Reveal() != "passport/KAZ/N12345678" {
		t.Errorf("Reveal() = %q, want passport/KAZ/N12345678", d.Reveal())
	}
}
