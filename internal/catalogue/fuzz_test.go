package catalogue_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/catalogue"
	"github.com/portalid/portalid/internal/fault"
)

// checkQueryFault: a refused query is a validation fault whose fields
// name parameters (never a value) with a known reason.
func checkQueryFault(t *testing.T, err error, params map[string]string) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.Invalid || len(f.Fields) == 0 {
		t.Fatalf("error %v is not a validation fault with fields", err)
	}
	reasons := []string{catalogue.ReasonUnknownParameter, catalogue.ReasonUnknownValue, catalogue.ReasonInvalid, catalogue.ReasonTooLong}
	for _, fl := range f.Fields {
		if !slices.Contains(reasons, fl.Reason) {
			t.Errorf("reason %q is not one of %v", fl.Reason, reasons)
		}
		name := strings.TrimPrefix(fl.Pointer, "/")
		if _, ok := params[name]; fl.Pointer != "" && !ok {
			t.Errorf("pointer %q names no parameter of %q", fl.Pointer, params)
		}
		if len(fl.Pointer) > 65 || !utf8.ValidString(fl.Pointer) {
			t.Errorf("pointer %q is not a short parameter name", fl.Pointer)
		}
	}
}

func fuzzParams(f *testing.F) {
	for _, s := range [][4]string{
		{"city", "moskva,tver", "limit", "5"}, {"type", "mfc", "service", "uec-issue"}, {"cursor", "20", "limit", "100"},
		{"q", "штрафы ГИБДД", "level", "standard,confirmed"}, {"category", "taxes", "department", "fns"},
		{"limit", "0", "cursor", "-1"}, {"city", ",,", "q", "\xff"}, {"", "", "a/b", "x"}, {"limit", "99999999999999999999", "q", strings.Repeat("ё ", 60)},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
}

// fuzzQuery fuzzes a query parser with two parameters: it never panics,
// a refusal is a clean validation fault, and an accepted query passes
// check and finds a page within its limit.
func fuzzQuery[Q any, T any](f *testing.F, parse func(*catalogue.Catalogue, map[string]string) (Q, error),
	find func(*catalogue.Catalogue, Q) catalogue.Results[T], check func(*testing.T, *catalogue.Catalogue, Q) catalogue.Page) {
	fuzzParams(f)
	c, err := catalogue.Embedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		params := map[string]string{k1: v1, k2: v2}
		q, err := parse(c, params)
		if err != nil {
			checkQueryFault(t, err, params)
			return
		}
		p := check(t, c, q)
		if p.Limit < 1 || p.Limit > catalogue.MaxLimit || p.Offset < 0 || p.Offset > 1_000_000 {
			t.Errorf("page %+v out of bounds", p)
		}
		if r := find(c, q); len(r.Items) > p.Limit || r.Total < len(r.Items) {
			t.Errorf("page of %d items (total %d), limit %d", len(r.Items), r.Total, p.Limit)
		}
	})
}

// FuzzParseCentreQuery: an accepted query holds only values the
// directory knows and a page within bounds.
func FuzzParseCentreQuery(f *testing.F) {
	fuzzQuery(f, (*catalogue.Catalogue).ParseCentreQuery, (*catalogue.Catalogue).FindCentres,
		func(t *testing.T, c *catalogue.Catalogue, q catalogue.CentreQuery) catalogue.Page {
			for _, city := range q.Cities {
				if _, ok := c.City(city); !ok {
					t.Errorf("accepted unknown city %q", city)
				}
			}
			for _, typ := range q.Types {
				if !slices.Contains(catalogue.CentreTypes(), typ) {
					t.Errorf("accepted unknown type %q", typ)
				}
			}
			for _, s := range q.Services {
				if !slices.Contains(catalogue.CentreServices(), s) {
					t.Errorf("accepted unknown service %q", s)
				}
			}
			return q.Page
		})
}

// FuzzParseServiceQuery: as FuzzParseCentreQuery, for the catalogue and
// its search text.
func FuzzParseServiceQuery(f *testing.F) {
	fuzzQuery(f, (*catalogue.Catalogue).ParseServiceQuery, (*catalogue.Catalogue).FindServices,
		func(t *testing.T, c *catalogue.Catalogue, q catalogue.ServiceQuery) catalogue.Page {
			if len(q.Words) > catalogue.MaxWords {
				t.Errorf("accepted %d search words", len(q.Words))
			}
			for _, w := range q.Words {
				if w == "" || w != strings.ToLower(w) || strings.Contains(w, "ё") {
					t.Errorf("search word %q is not normalised", w)
				}
			}
			for _, l := range q.Levels {
				if !slices.Contains(catalogue.Levels(), l) {
					t.Errorf("accepted unknown level %q", l)
				}
			}
			return q.Page
		})
}

// FuzzParseInterval: never panics; an accepted span is "HH:MM-HH:MM"
// opening before closing within the day.
func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"08:00-20:00", "00:00-24:00", "24:00-24:00", "9:00-18:00", "-", "", "23:59-24:00", "12:00-11:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, from, to, err := catalogue.ParseInterval(s)
		if err != nil {
			return
		}
		if len(s) != 11 || iv.Opens+"-"+iv.Closes != s || from < 0 || from >= to || to > 24*60 {
			t.Errorf("ParseInterval(%q) = %+v, %d, %d", s, iv, from, to)
		}
	})
}
