package canary

import (
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/person"
)

// TestOrganisation pins the canary organisations: valid (the check
// digits and the name the API accepts), different from one another in
// every value, and each value a needle of class Org that a leak into a
// log, a problem or an event is found as, while the table holds it.
func TestOrganisation(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for n := 1; n <= 9; n++ {
		o := NewOrganisation(n)
		if _, err := person.ParseOGRN(o.OGRN); err != nil {
			t.Errorf("organisation %d OGRN: %v", n, err)
		}
		if _, err := person.ParseOrgINN(o.INN); err != nil {
			t.Errorf("organisation %d INN: %v", n, err)
		}
		if v, err := person.ParseOrgName(o.Name); err != nil || v.Value() != o.Name {
			t.Errorf("organisation %d name: %v (normalised differently: %v)", n, err, v.Value() != o.Name)
		}
		for _, v := range []string{o.Name, o.OGRN, o.INN} {
			if seen[v] {
				t.Errorf("organisation %d repeats a value of another", n)
			}
			seen[v] = true
		}
	}
	o := NewOrganisation(1)
	ns := o.Needles()
	if len(ns) != 3 {
		t.Fatalf("%d needles, want name, OGRN and INN", len(ns))
	}
	for _, n := range ns {
		if n.Class != Org || !strings.HasPrefix(n.Name, "organisation 1 ") {
			t.Errorf("needle %s: class %s", n.Name, n.Class)
		}
		for _, it := range []Item{
			{Sink: Log, Where: "log line 1", Text: `{"level":"INFO","msg":"organisation created","detail":"` + n.Value + `"}`},
			{Sink: Problem, Where: "response #1", Route: "POST /v1/organisations", Text: `{"detail":"` + jsonEscape(n.Value) + ` taken"}`},
			{Sink: Event, Where: "item ORG#o1 / EVENT#1", Text: `{"details":{"x":"` + strings.ToUpper(n.Value) + `"}}`},
			{Sink: Body, Where: "response #2", Route: "GET /v1/organisations/{id}/events", Text: `{"events":[{"details":{"x":"` + asciiJSON(n.Value) + `"}}]}`},
		} {
			if hits := NewScanner(ns...).Scan(it); len(hits) != 1 || hits[0].Needle != n.Name {
				t.Errorf("%s planted in %s: hits %v, want it once", n.Name, it.Where, hits)
			}
		}
		if hits := NewScanner(ns...).Scan(Item{Sink: Table, Where: "item ORG#o1 / ORG", Text: `{"v":"` + n.Value + `"}`}); len(hits) != 0 {
			t.Errorf("%s on the organisation's item: hits %v, want none", n.Name, hits)
		}
	}
}
