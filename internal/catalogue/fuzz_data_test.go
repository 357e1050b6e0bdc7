package catalogue_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/catalogue"
)

// FuzzParse feeds the two data files, the real ones and their mutations,
// to Parse: never a panic; an accepted catalogue answers the default
// queries with pages within their limits, and every centre it holds has
// hours that read back as they were written.
func FuzzParse(f *testing.F) {
	centres, err := os.ReadFile("data/centres.json")
	if err != nil {
		f.Fatal(err)
	}
	services, err := os.ReadFile("data/services.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(centres, services)
	f.Add([]byte(`{"cities":[],"centres":[]}`), []byte(`{"categories":[],"departments":[],"services":[]}`))
	f.Add([]byte(`{"cities":[{"id":"x"}]}`), []byte(`{}`))
	f.Add([]byte(`{} {}`), []byte(`null`))
	f.Fuzz(func(t *testing.T, centres, services []byte) {
		c, err := catalogue.Parse(centres, services)
		if err != nil {
			if c != nil {
				t.Fatalf("Parse() = a catalogue and %v", err)
			}
			return
		}
		sq, err := c.ParseServiceQuery(map[string]string{})
		if err != nil {
			t.Fatalf("ParseServiceQuery({}) on an accepted catalogue: %v", err)
		}
		if r := c.FindServices(sq); len(r.Items) > sq.Page.Limit || r.Total < len(r.Items) {
			t.Fatalf("FindServices() = %d items of %d, limit %d", len(r.Items), r.Total, sq.Page.Limit)
		}
		cq, err := c.ParseCentreQuery(map[string]string{})
		if err != nil {
			t.Fatalf("ParseCentreQuery({}) on an accepted catalogue: %v", err)
		}
		if r := c.FindCentres(cq); len(r.Items) > cq.Page.Limit || r.Total < len(r.Items) {
			t.Fatalf("FindCentres() = %d items of %d, limit %d", len(r.Items), r.Total, cq.Page.Limit)
		}
		for _, ce := range c.Centres() {
			if _, ok := c.Centre(ce.ID); !ok {
				t.Fatalf("Centre(%q) not found among the centres", ce.ID)
			}
			checkWeekRoundTrip(t, ce.Hours)
		}
	})
}

// checkWeekRoundTrip: a week written as the data file writes it parses
// back unchanged, and its API form is JSON.
func checkWeekRoundTrip(t *testing.T, w catalogue.Week) {
	t.Helper()
	days := map[string][]string{}
	for i, key := range catalogue.Weekdays {
		days[key] = []string{}
		for _, iv := range w[i] {
			days[key] = append(days[key], iv.Opens+"-"+iv.Closes)
		}
	}
	again, err := catalogue.ParseWeek(days)
	if err != nil {
		t.Fatalf("ParseWeek(%v) = %v", days, err)
	}
	for i := range w {
		if len(w[i]) != len(again[i]) || (len(w[i]) > 0 && !slices.Equal(w[i], again[i])) {
			t.Fatalf("week %v read back as %v", w, again)
		}
	}
	if b, err := json.Marshal(w); err != nil || !json.Valid(b) {
		t.Fatalf("Marshal(week) = %s, %v", b, err)
	}
}

// FuzzParseWeek: an accepted week has its intervals in order and apart,
// and writes back as JSON that parses to the same week.
func FuzzParseWeek(f *testing.F) {
	f.Add(`{"mon":["08:00-20:00"],"tue":["08:00-13:00","14:00-20:00"],"wed":[],"thu":[],"fri":[],"sat":[],"sun":[]}`)
	f.Add(`{"mon":["00:00-24:00"],"tue":[],"wed":[],"thu":[],"fri":[],"sat":[],"sun":[],"hol":[]}`)
	f.Add(`{"mon":["10:00-12:00","11:00-13:00"],"tue":[],"wed":[],"thu":[],"fri":[],"sat":[],"sun":[]}`)
	f.Add(`{"mon":null}`)
	f.Fuzz(func(t *testing.T, s string) {
		var days map[string][]string
		if json.Unmarshal([]byte(s), &days) != nil {
			return
		}
		w, err := catalogue.ParseWeek(days)
		if err != nil {
			return
		}
		for d := range w {
			prev := ""
			for _, iv := range w[d] {
				if iv.Opens >= iv.Closes || (prev != "" && iv.Opens <= prev) {
					t.Fatalf("ParseWeek(%s) day %d has %v after %q", s, d, iv, prev)
				}
				prev = iv.Closes
			}
		}
		checkWeekRoundTrip(t, w)
	})
}

// FuzzNormalise: the search words of a text are lower-case letters and
// digits without ё, and normalising them again changes nothing; Stem only
// ever shortens a word to a prefix of at least three letters.
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"Штрафы ГИБДД", "Паспорт гражданина РФ", "ёлка-палка", "İstanbul", "taxes, fines & policies", "\xff", "ǅ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		ws := catalogue.Normalise(s)
		for _, w := range ws {
			if w == "" || w != strings.ToLower(w) || strings.Contains(w, "ё") {
				t.Fatalf("Normalise(%q) has the word %q", s, w)
			}
			st := catalogue.Stem(w)
			if !strings.HasPrefix(w, st) || (st != w && utf8.RuneCountInString(st) < 3) || !utf8.ValidString(st) {
				t.Fatalf("Stem(%q) = %q", w, st)
			}
		}
		if again := catalogue.Normalise(strings.Join(ws, " ")); !slices.Equal(again, ws) {
			t.Fatalf("Normalise(%q) = %q, but normalising that gives %q", s, ws, again)
		}
	})
}
