package operator_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/operator"
	"github.com/portalid/portalid/internal/flow/profile"
)

const centre = "mfc-moskva-tverskaya"

func TestSearch(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	op := w.operator(t, "op-0001", centre)
	std := w.standard(t)
	running := w.simplified(t)
	w.submit(t, running) // the SNILS is claimed while the check runs
	plain := w.simplified(t)
	tests := []struct {
		name      string
		principal string
		snils     string
		want      error
		level     account.Level
		accountID string
		event     bool
	}{
		{"a standard account", op, std.SNILS, nil, account.Standard, std.AccountID, true},
		{"bare digits", op, strings.NewReplacer("-", "", " ", "").Replace(std.SNILS), nil, account.Standard, std.AccountID, true},
		{"an account whose check runs", op, running.SNILS, nil, account.Simplified, running.AccountID, true},
		{"a SNILS only in a draft", op, plain.SNILS, operator.ErrAccountNotFound, "", plain.AccountID, false},
		{"nobody's SNILS", op, snils(999999), operator.ErrAccountNotFound, "", "", false},
		{"an unregistered principal", "arn:aws:iam::123456789012:user/stranger", std.SNILS, operator.ErrUnknown, "", std.AccountID, false},
		{"a malformed principal", "citizen", std.SNILS, operator.ErrUnknown, "", std.AccountID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ""
			if tt.accountID != "" {
				before = w.EventKinds(t, tt.accountID)
			}
			got, found, err := w.Op.Search(ctx, tt.principal, tt.snils)
			if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Fatalf("Search() error = %v, want %v", err, tt.want)
			}
			if tt.want == nil {
				want := operator.Found{AccountID: tt.accountID, Level: tt.level, Surname: "Петрова", GivenName: "Анна"}
				if found != want || got != (operator.Operator{ID: "op-0001", Centre: centre}) {
					t.Errorf("Search() = %+v, %+v; want %+v by op-0001", got, found, want)
				}
			}
			if tt.accountID == "" {
				return
			}
			after := w.EventKinds(t, tt.accountID)
			switch {
			case tt.event && after != before+" operator-action":
				t.Errorf("events after the search = %q, want one operator-action after %q", after, before)
			case !tt.event && after != before:
				t.Errorf("events after the search = %q, want them unchanged", after)
			}
		})
	}
	evs := w.operatorEvents(t, std.AccountID)
	if want := []string{"level-changed standard/registry-check", "operator-action search op-0001 " + centre, "operator-action search op-0001 " + centre}; !reflect.DeepEqual(evs, want) {
		t.Errorf("operator events = %q, want %q", evs, want)
	}
}

// TestSearchLimit: searches count per operator credential, found or not;
// the one over the limit is refused with the wait and counts nothing.
func TestSearchLimit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.Op.Limits.SearchesPerHour = 3
	op := w.operator(t, "op-0003", centre)
	other := w.operator(t, "op-0004", centre)
	p := w.standard(t)
	steps := []struct {
		who   string
		snils string
		wait  time.Duration
		want  error
	}{
		{op, p.SNILS, 0, nil},
		{op, snils(888888), 10 * time.Minute, operator.ErrAccountNotFound},
		{op, p.SNILS, 10 * time.Minute, nil},
		{op, p.SNILS, time.Minute, operator.ErrSearchLimit},
		{op, snils(888888), 0, operator.ErrSearchLimit},
		{other, p.SNILS, 0, nil}, // another operator has a limit of their own
		{op, p.SNILS, 39 * time.Minute, nil},
	}
	for i, s := range steps {
		w.Clock.Advance(s.wait)
		_, _, err := w.Op.Search(ctx, s.who, s.snils)
		if !errors.Is(err, s.want) && !(err == nil && s.want == nil) {
			t.Fatalf("step %d: Search() error = %v, want %v", i, err, s.want)
		}
		if f, ok := fault.As(err); ok && f.Kind == fault.RateLimited && f.RetryAfter <= 0 {
			t.Errorf("step %d: refused without a Retry-After", i)
		}
	}
	if f, _ := fault.As(func() error { _, _, err := w.Op.Search(ctx, op, p.SNILS); return err }()); f == nil || f.RetryAfter != 10*time.Minute {
		t.Errorf("the fourth search in an hour: %v, want refused for the 10 min until the oldest leaves the window", f)
	}
}

func TestComparePassport(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	op := w.operator(t, "op-0005", centre)
	p := w.standard(t)
	edited := w.standard(t)
	// The draft's passport edited after the check passed: it matches the
	// draft, not the verified passport.
	newer := w.simplified(t)
	if _, err := w.Profiles.Save(ctx, edited.AccountID, profile.Patch{"passport": json.RawMessage(`{"series":"` + newer.Series + `","number":"` + newer.Number +
		`","issuer":"ОВД района Арбат г. Москвы","issueDate":"2012-04-17","subdivisionCode":"770-001"}`)}); err != nil {
		t.Fatal(err)
	}
	simple := w.simplified(t)
	wrongDate := p.passport()
	wrongDate.IssueDate = "2012-04-18"
	wrongSeries := p.passport()
	wrongSeries.Series = "9999"
	wrongNumber := p.passport()
	wrongNumber.Number = "999999"
	spaced := p.passport()
	spaced.Series = p.Series[:2] + " " + p.Series[2:]
	tests := []struct {
		name      string
		principal string
		accountID string
		in        operator.Presented
		want      operator.Comparison
		err       error
		result    string // the event's result, "" for no event
	}{
		{"match", op, p.AccountID, p.passport(), operator.Comparison{Series: true, Number: true, IssueDate: true, Verified: true, Matched: true}, nil, "match"},
		{"match, series as printed", op, p.AccountID, spaced, operator.Comparison{Series: true, Number: true, IssueDate: true, Verified: true, Matched: true}, nil, "match"},
		{"other issue date", op, p.AccountID, wrongDate, operator.Comparison{Series: true, Number: true, Verified: true}, nil, "mismatch"},
		{"other series", op, p.AccountID, wrongSeries, operator.Comparison{Number: true, IssueDate: true}, nil, "mismatch"},
		{"other number", op, p.AccountID, wrongNumber, operator.Comparison{Series: true, IssueDate: true}, nil, "mismatch"},
		{"another person's passport", op, p.AccountID, newer.passport(), operator.Comparison{IssueDate: true}, nil, "mismatch"},
		{"the draft's, not the verified passport", op, edited.AccountID, newer.passport(), operator.Comparison{Series: true, Number: true, IssueDate: true}, nil, "mismatch"},
		{"the verified passport, no longer in the draft", op, edited.AccountID, edited.passport(), operator.Comparison{IssueDate: true, Verified: true}, nil, "mismatch"},
		{"a simplified account", op, simple.AccountID, simple.passport(), operator.Comparison{}, account.ErrNotStandard, ""},
		{"no such account", op, "aaaaaaaaaaaaaaaaaaaaaaaaaa", p.passport(), operator.Comparison{}, operator.ErrAccountNotFound, ""},
		{"a malformed account id", op, "../x", p.passport(), operator.Comparison{}, operator.ErrAccountNotFound, ""},
		{"an unregistered principal", "arn:aws:sts::123456789012:assumed-role/Operator/stranger", p.AccountID, p.passport(), operator.Comparison{}, operator.ErrUnknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before string
			if tt.err != operator.ErrAccountNotFound {
				before = w.EventKinds(t, tt.accountID)
			}
			_, got, err := w.Op.ComparePassport(ctx, tt.principal, tt.accountID, tt.in)
			if !errors.Is(err, tt.err) && !(err == nil && tt.err == nil) {
				t.Fatalf("ComparePassport() error = %v, want %v", err, tt.err)
			}
			if tt.want.Matched != got.ValidUntil.Equal(w.Clock.Now().Add(15*time.Minute)) {
				t.Errorf("ComparePassport() valid until %v, want 15 min from now when matched and never otherwise", got.ValidUntil)
			}
			got.ValidUntil = time.Time{}
			if got != tt.want {
				t.Errorf("ComparePassport() = %+v, want %+v", got, tt.want)
			}
			if tt.err == operator.ErrAccountNotFound {
				return
			}
			evs := w.operatorEvents(t, tt.accountID)
			after := w.EventKinds(t, tt.accountID)
			switch {
			case tt.result == "" && after != before:
				t.Errorf("a refused comparison wrote events: %q", after)
			case tt.result != "" && evs[len(evs)-1] != "operator-action passport-check"+tt.result+" op-0005 "+centre:
				t.Errorf("last operator event = %q, want the %s comparison by op-0005", evs[len(evs)-1], tt.result)
			}
		})
	}
}

// TestConfirmRules: confirmation needs standard and a matching passport
// this operator compared within 15 minutes; each case starts afresh.
func TestConfirmRules(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	op := w.operator(t, "op-0007", centre)
	colleague := w.operator(t, "op-0008", "mfc-moskva-arbat")
	compare := func(by string, in func(person) operator.Presented) func(*testing.T, person) {
		return func(t *testing.T, p person) {
			if _, _, err := w.Op.ComparePassport(ctx, by, p.AccountID, in(p)); err != nil {
				t.Fatalf("ComparePassport() error = %v", err)
			}
		}
	}
	own := func(p person) operator.Presented { return p.passport() }
	wrong := func(p person) operator.Presented { x := p.passport(); x.Number = "000001"; return x }
	wait := func(d time.Duration) func(*testing.T, person) {
		return func(*testing.T, person) { w.Clock.Advance(d) }
	}
	confirm := func(t *testing.T, p person) {
		if _, _, err := w.Op.Confirm(ctx, op, p.AccountID); err != nil {
			t.Fatalf("Confirm() error = %v", err)
		}
	}
	tests := []struct {
		name     string
		simple   bool
		steps    []func(*testing.T, person)
		want     error
		wantEvts []string // operator events after the last step (standard accounts)
	}{
		{"without a comparison", false, nil, operator.ErrPassportCheckRequired, nil},
		{"after a mismatch", false, []func(*testing.T, person){compare(op, wrong)}, operator.ErrPassportCheckRequired, nil},
		{"a mismatch replaces a match", false, []func(*testing.T, person){compare(op, own), compare(op, wrong)}, operator.ErrPassportCheckRequired, nil},
		{"a colleague's match", false, []func(*testing.T, person){compare(colleague, own)}, operator.ErrPassportCheckRequired, nil},
		{"a match 15 min old", false, []func(*testing.T, person){compare(op, own), wait(15 * time.Minute)}, operator.ErrPassportCheckRequired, nil},
		{"a simplified account", true, nil, account.ErrNotStandard, nil},
		{"confirmed already", false, []func(*testing.T, person){compare(op, own), confirm}, account.ErrAlreadyConfirmed, nil},
		{"a match just under 15 min old", false, []func(*testing.T, person){compare(op, own), wait(15*time.Minute - time.Millisecond)}, nil, []string{
			"level-changed standard/registry-check", "operator-action passport-checkmatch op-0007 " + centre,
			"operator-action confirm-identity op-0007 " + centre, "level-changed confirmed/in_person op-0007 " + centre,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := w.simplified(t)
			if !tt.simple {
				p = w.standard(t)
			}
			for _, s := range tt.steps {
				s(t, p)
			}
			items := w.Items(t)
			got, a, err := w.Op.Confirm(ctx, op, p.AccountID)
			if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Fatalf("Confirm() error = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				if after := w.Items(t); after != items {
					t.Errorf("a refused confirmation wrote %d items", after-items)
				}
				return
			}
			stored, err := w.Store.Account(ctx, p.AccountID)
			if err != nil {
				t.Fatal(err)
			}
			if a.Level != account.Confirmed || a.ConfirmationMethod != account.MethodInPerson || got.ID != "op-0007" ||
				stored.Level != account.Confirmed || stored.ConfirmationMethod != account.MethodInPerson || stored.Events.Seq != a.Events.Seq {
				t.Errorf("Confirm() = %+v %s/%s, stored %s/%s; want confirmed in_person by op-0007", got, a.Level, a.ConfirmationMethod, stored.Level, stored.ConfirmationMethod)
			}
			if evs := w.operatorEvents(t, p.AccountID); !reflect.DeepEqual(evs, tt.wantEvts) {
				t.Errorf("operator events = %q, want %q", evs, tt.wantEvts)
			}
			if by := w.confirmedBy(t, p.AccountID); by != "op-0007 "+centre {
				t.Errorf("the account records the confirmation by %q, want op-0007 at %s", by, centre)
			}
		})
	}
}

// TestBadInputWritesNothing: malformed SNILS and passports are refused
// field by field before anything is read or written.
func TestBadInputWritesNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	op := w.operator(t, "op-0002", centre)
	p := w.standard(t)
	search := func(in string) func() error {
		return func() error { _, _, err := w.Op.Search(ctx, op, in); return err }
	}
	compare := func(in operator.Presented) func() error {
		return func() error { _, _, err := w.Op.ComparePassport(ctx, op, p.AccountID, in); return err }
	}
	snils := []string{"/snils:snils-invalid"}
	tests := []struct {
		name string
		call func() error
		want []string
	}{
		{"empty SNILS", search(""), snils},
		{"SNILS checksum", search("112-233-445 96"), snils},
		{"ten digits", search("1122334459"), snils},
		{"letters", search("abc"), snils},
		{"thirteen digits", search("112-233-445 95 00"), snils},
		{"every passport field", compare(operator.Presented{Series: "45", Number: "12345x", IssueDate: "17.04.2012"}),
			[]string{"/series:passport-series-invalid", "/number:passport-number-invalid", "/issueDate:issue-date-invalid"}},
		{"issue date only", compare(operator.Presented{Series: p.Series, Number: p.Number, IssueDate: "2012-02-30"}), []string{"/issueDate:issue-date-invalid"}},
	}
	items := w.Items(t)
	for _, tt := range tests {
		if got := flowtest.Fields(tt.call()); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: fields = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := w.Items(t); got != items {
		t.Errorf("refused requests changed the table: %d items, want %d", got, items)
	}
}
