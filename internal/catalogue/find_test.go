package catalogue_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/catalogue"
)

func centreIDs(r catalogue.Results[catalogue.Centre]) []string {
	return idsOf(r, func(c catalogue.Centre) string { return c.ID })
}

func serviceIDs(r catalogue.Results[catalogue.Service]) []string {
	return idsOf(r, func(s catalogue.Service) string { return s.ID })
}

func idsOf[T any](r catalogue.Results[T], id func(T) string) []string {
	var out []string
	for _, x := range r.Items {
		out = append(out, id(x))
	}
	return out
}

type findCase struct {
	name   string
	params map[string]string
	want   []string
}

// checkFind parses each case's parameters and finds the page: the ids
// in order, every match on it (no next page).
func checkFind[Q, T any](t *testing.T, tests []findCase, parse func(map[string]string) (Q, error), find func(Q) catalogue.Results[T], id func(T) string) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := parse(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			r := find(q)
			if diff := cmp.Diff(tt.want, idsOf(r, id)); diff != "" {
				t.Errorf("find(%v) mismatch (-want +got):\n%s", tt.params, diff)
			}
			if r.Total != len(tt.want) || r.Next != "" {
				t.Errorf("find(%v): total %d next %q, want %d and no next page", tt.params, r.Total, r.Next, len(tt.want))
			}
		})
	}
}

func TestFindCentres(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	checkFind(t, []findCase{
		{"city and type", map[string]string{"city": "tver", "type": "post-office"}, []string{"post-tver-170100"}},
		{"two cities", map[string]string{"city": "tver,kazan", "type": "operator-office"}, []string{"office-kazan-pushkina", "office-tver-novotorzhskaya"}},
		{"a centre must offer every service asked for", map[string]string{"service": "uec-issue,identity-confirmation", "city": "samara"},
			[]string{"mfc-samara-leninsky", "mfc-samara-oktyabrsky"}},
		{"no centre", map[string]string{"city": "tver", "service": "uec-issue"}, nil},
	}, c.ParseCentreQuery, c.FindCentres, func(c catalogue.Centre) string { return c.ID })
	// Every centre a filter returns matches it, and every centre that
	// matches is returned.
	for _, city := range c.Cities() {
		q, _ := c.ParseCentreQuery(map[string]string{"city": city.ID, "service": "access-restoration", "limit": "100"})
		got := c.FindCentres(q)
		var want []string
		for _, ce := range c.Centres() {
			if ce.City == city.ID && ce.Offers(catalogue.AccessRestoration) {
				want = append(want, ce.ID)
			}
		}
		if diff := cmp.Diff(want, centreIDs(got)); diff != "" {
			t.Errorf("FindCentres(%s, access-restoration) mismatch (-want +got):\n%s", city.ID, diff)
		}
	}
}

// TestPaging walks every page of both lists with small pages: each item
// once, in order, pages no larger than the limit, the last without a
// cursor.
func TestPaging(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	for _, limit := range []string{"1", "7", "20", "100"} {
		var centres []string
		cursor := ""
		for pages := 0; ; pages++ {
			params := map[string]string{"limit": limit}
			if cursor != "" {
				params["cursor"] = cursor
			}
			q, err := c.ParseCentreQuery(params)
			if err != nil {
				t.Fatalf("limit %s cursor %q: %v", limit, cursor, err)
			}
			p := c.FindCentres(q)
			if len(p.Items) > q.Limit || p.Total != len(c.Centres()) || pages > len(c.Centres()) {
				t.Fatalf("limit %s: page of %d, total %d after %d pages", limit, len(p.Items), p.Total, pages)
			}
			centres = append(centres, centreIDs(p)...)
			if cursor = p.Next; cursor == "" {
				break
			}
		}
		var all []string
		for _, ce := range c.Centres() {
			all = append(all, ce.ID)
		}
		if diff := cmp.Diff(all, centres); diff != "" {
			t.Errorf("limit %s: the pages do not hold every centre once (-want +got):\n%s", limit, diff)
		}

		var services []string
		for cursor := ""; ; {
			q, _ := c.ParseServiceQuery(map[string]string{"limit": limit, "cursor": cursor})
			if cursor == "" {
				q, _ = c.ParseServiceQuery(map[string]string{"limit": limit})
			}
			p := c.FindServices(q)
			services = append(services, serviceIDs(p)...)
			if cursor = p.Next; cursor == "" {
				break
			}
		}
		if len(services) != len(c.Services()) || len(slices.Compact(slices.Sorted(slices.Values(services)))) != len(services) {
			t.Errorf("limit %s: pages hold %d services (%v), want each of %d once", limit, len(services), services, len(c.Services()))
		}
	}
	q, _ := c.ParseCentreQuery(map[string]string{"cursor": "1000"})
	if p := c.FindCentres(q); len(p.Items) != 0 || p.Next != "" || p.Total != len(c.Centres()) {
		t.Errorf("a cursor past the end = %d centres, next %q, total %d; want an empty last page", len(p.Items), p.Next, p.Total)
	}
}

func TestFindServices(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	checkFind(t, []findCase{
		{"Russian word start", map[string]string{"q": "штраф"}, []string{"traffic-fines-check", "traffic-fines-payment", "enforcement-debts-check"}},
		{"English, any case", map[string]string{"q": "FINES"}, []string{"traffic-fines-check", "traffic-fines-payment", "enforcement-debts-check"}},
		{"every word must match", map[string]string{"q": "оплата штрафов"}, []string{"traffic-fines-payment"}},
		{"names before descriptions", map[string]string{"q": "пенси"}, []string{"pension-assignment", "pension-account-statement", "maternity-capital"}},
		{"ё and е alike", map[string]string{"q": "ребёнка"}, []string{"kindergarten-enrolment"}},
		{"abbreviation", map[string]string{"q": "ЕГРН"}, []string{"egrn-extract"}},
		{"no match", map[string]string{"q": "космодром"}, nil},
		{"a word start matches", map[string]string{"q": "traf"}, []string{"traffic-fines-check", "traffic-fines-payment"}},
		{"inside a word is no match", map[string]string{"q": "raffic"}, nil},
		{"other forms of a word", map[string]string{"q": "Штрафы ГИБДД"}, []string{"traffic-fines-check", "traffic-fines-payment"}},
		{"English plural", map[string]string{"q": "taxes"}, []string{"tax-debts-check", "tax-personal-account", "tax-deduction", "enforcement-debts-check", "customs-payments-calculator"}},
		{"category", map[string]string{"category": "taxes"}, []string{"enforcement-debts-check", "tax-debts-check", "tax-personal-account", "tax-deduction"}},
		{"department and level", map[string]string{"department": "sfr", "level": "confirmed"}, []string{"pension-assignment", "child-benefit", "maternity-capital"}},
		{"search within a filter", map[string]string{"q": "налог", "level": "confirmed"}, []string{"tax-personal-account", "tax-deduction"}},
	}, c.ParseServiceQuery, c.FindServices, func(s catalogue.Service) string { return s.ID })
}

func TestStem(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"штрафы", "штраф"}, {"штрафов", "штраф"}, {"штраф", "штраф"}, {"паспорта", "паспорт"}, {"пенсии", "пенс"},
		{"детей", "дет"}, {"налоговый", "налогов"}, {"гибдд", "гибдд"}, {"егрн", "егрн"}, {"вуз", "вуз"}, {"моя", "моя"},
		{"fines", "fine"}, {"taxes", "tax"}, {"policies", "polic"}, {"matches", "match"}, {"address", "address"},
		{"bus", "bus"}, {"tax", "tax"}, {"2024", "2024"},
	}
	for _, tt := range tests {
		if got := catalogue.Stem(tt.in); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
