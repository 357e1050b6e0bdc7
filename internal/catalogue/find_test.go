package catalogue_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/catalogue"
)

func centreIDs(p catalogue.CentrePage) []string {
	var out []string
	for _, c := range p.Centres {
		out = append(out, c.ID)
	}
	return out
}

func serviceIDs(p catalogue.ServicePage) []string {
	var out []string
	for _, s := range p.Services {
		out = append(out, s.ID)
	}
	return out
}

func TestFindCentres(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	tests := []struct {
		name   string
		params map[string]string
		want   []string
	}{
		{"city and type", map[string]string{"city": "tver", "type": "post-office"}, []string{"post-tver-170100"}},
		{"two cities", map[string]string{"city": "tver,kazan", "type": "operator-office"}, []string{"office-kazan-pushkina", "office-tver-novotorzhskaya"}},
		{"a centre must offer every service asked for", map[string]string{"service": "uec-issue,identity-confirmation", "city": "samara"},
			[]string{"mfc-samara-leninsky", "mfc-samara-oktyabrsky"}},
		{"no centre", map[string]string{"city": "tver", "service": "uec-issue"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := c.ParseCentreQuery(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			p := c.FindCentres(q)
			if diff := cmp.Diff(tt.want, centreIDs(p)); diff != "" {
				t.Errorf("FindCentres(%v) mismatch (-want +got):\n%s", tt.params, diff)
			}
			if p.Total != len(tt.want) || p.Next != "" {
				t.Errorf("FindCentres(%v): total %d next %q, want %d and no next page", tt.params, p.Total, p.Next, len(tt.want))
			}
		})
	}
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
			if len(p.Centres) > q.Limit || p.Total != len(c.Centres()) || pages > len(c.Centres()) {
				t.Fatalf("limit %s: page of %d, total %d after %d pages", limit, len(p.Centres), p.Total, pages)
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
	if p := c.FindCentres(q); len(p.Centres) != 0 || p.Next != "" || p.Total != len(c.Centres()) {
		t.Errorf("a cursor past the end = %d centres, next %q, total %d; want an empty last page", len(p.Centres), p.Next, p.Total)
	}
}

func TestFindServices(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	tests := []struct {
		name   string
		params map[string]string
		want   []string
	}{
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := c.ParseServiceQuery(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			p := c.FindServices(q)
			if diff := cmp.Diff(tt.want, serviceIDs(p)); diff != "" {
				t.Errorf("FindServices(%v) mismatch (-want +got):\n%s", tt.params, diff)
			}
		})
	}
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
