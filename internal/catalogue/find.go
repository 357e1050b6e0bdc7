package catalogue

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Results is one page of a list: the items, how many match over all
// pages, and the cursor of the next page ("" on the last).
type Results[T any] struct {
	Items []T
	Total int
	Next  string
}

// pager collects the matches of a list in order, keeping those of its
// page.
type pager[T any] struct {
	page Page
	r    Results[T]
}

func newPager[T any](p Page, all int) *pager[T] {
	return &pager[T]{page: p, r: Results[T]{Items: make([]T, 0, min(p.Limit, all))}}
}

func (g *pager[T]) add(x T) {
	if g.r.Total >= g.page.Offset && len(g.r.Items) < g.page.Limit {
		g.r.Items = append(g.r.Items, x)
	}
	g.r.Total++
}

func (g *pager[T]) results() Results[T] {
	g.r.Next = g.page.next(len(g.r.Items), g.r.Total)
	return g.r
}

// FindCentres returns the page of centres that match q, in the order of
// the data (grouped by city).
func (c *Catalogue) FindCentres(q CentreQuery) Results[Centre] {
	g := newPager[Centre](q.Page, len(c.centres))
	for _, ce := range c.centres {
		if matchCentre(ce, q) {
			g.add(ce)
		}
	}
	return g.results()
}

func matchCentre(ce Centre, q CentreQuery) bool {
	if len(q.Cities) > 0 && !slices.Contains(q.Cities, ce.City) {
		return false
	}
	if len(q.Types) > 0 && !slices.Contains(q.Types, ce.Type) {
		return false
	}
	for _, s := range q.Services {
		if !ce.Offers(s) {
			return false
		}
	}
	return true
}

// FindServices returns the page of services that match q. With search
// words, services whose name matches come before those matched only by
// their description; otherwise, and within each group, the order of the
// data (grouped by category).
func (c *Catalogue) FindServices(q ServiceQuery) Results[Service] {
	g := newPager[Service](q.Page, len(c.services))
	// Pass 1 takes the name matches (every match when there are no
	// words); pass 2 the matches by description alone.
	for i, s := range c.services {
		if matchFilters(s, q) && hasPrefixes(c.nameWords[i], q.Words) {
			g.add(s)
		}
	}
	if len(q.Words) > 0 {
		for i, s := range c.services {
			if matchFilters(s, q) && !hasPrefixes(c.nameWords[i], q.Words) && hasPrefixes(c.words[i], q.Words) {
				g.add(s)
			}
		}
	}
	return g.results()
}

func matchFilters(s Service, q ServiceQuery) bool {
	return (len(q.Categories) == 0 || slices.Contains(q.Categories, s.Category)) &&
		(len(q.Departments) == 0 || slices.Contains(q.Departments, s.Department)) &&
		(len(q.Levels) == 0 || slices.Contains(q.Levels, s.Level))
}

// hasPrefixes reports whether every query word begins some word of the
// sorted list: "штраф" finds "штрафов", "fine" finds "fines".
func hasPrefixes(sorted, query []string) bool {
	for _, w := range query {
		i, _ := slices.BinarySearch(sorted, w)
		if i == len(sorted) || !strings.HasPrefix(sorted[i], w) {
			return false
		}
	}
	return true
}

// Normalise splits text into search words: lower case, "ё" as "е", any
// run of characters other than letters and digits a separator.
func Normalise(text string) []string {
	text = strings.ReplaceAll(strings.ToLower(text), "ё", "е")
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// endings are Russian inflectional endings, longest first.
var endings = []string{
	"иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими",
	"ов", "ев", "ей", "ой", "ий", "ый", "ая", "яя", "ое", "ее", "ые", "ие", "ых", "их",
	"ам", "ям", "ах", "ях", "ом", "ем", "ию", "ия", "ии", "ью",
	"а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
}

// minStem is the fewest letters Stem leaves.
const minStem = 3

// Stem drops one common inflectional ending from a search word, so that
// matching word starts finds the other forms: "штрафы" → "штраф" (finds
// "штрафов"), "fines" → "fine", "taxes" → "tax", "policies" → "polic".
// At least three letters remain. Only the words searched for are
// stemmed; they need only begin a word of the catalogue.
func Stem(w string) string {
	n := utf8.RuneCountInString(w)
	cut := func(suffix string) (string, bool) {
		if strings.HasSuffix(w, suffix) && n-utf8.RuneCountInString(suffix) >= minStem {
			return strings.TrimSuffix(w, suffix), true
		}
		return "", false
	}
	for _, e := range endings {
		if s, ok := cut(e); ok {
			return s
		}
	}
	if s, ok := cut("ies"); ok {
		return s
	}
	for _, e := range []string{"ses", "xes", "zes", "ches", "shes"} {
		if strings.HasSuffix(w, e) && n-2 >= minStem {
			return strings.TrimSuffix(w, "es")
		}
	}
	if s, ok := cut("s"); ok && !strings.HasSuffix(s, "s") {
		return s
	}
	return w
}

// words is the sorted set of search words of texts.
func words(texts ...string) []string {
	var out []string
	for _, t := range texts {
		out = append(out, Normalise(t)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
