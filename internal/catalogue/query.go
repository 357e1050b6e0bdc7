package catalogue

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
)

// Bounds of the list routes' query parameters.
const (
	DefaultLimit = 20  // items per page when limit is not given
	MaxLimit     = 100 // the largest page
	// MaxValues bounds the comma-separated values of one filter.
	MaxValues = 10
	// MaxText bounds the search text q, in characters; MaxWords its words.
	MaxText  = 100
	MaxWords = 8
	// maxOffset bounds a cursor: far beyond any catalogue, well inside
	// an int.
	maxOffset = 1_000_000
)

// The reasons a query parameter is refused, as problem+json field errors
// (pointer "/<parameter>").
const (
	ReasonUnknownParameter = "unknown-parameter" // no such parameter on this route
	ReasonUnknownValue     = "unknown-value"     // not a city, type, service, category… the catalogue has
	ReasonInvalid          = "query-invalid"     // malformed: empty value, not a number, bad cursor
	ReasonTooLong          = "too-long"          // too many values, characters or words
)

// Page is the window of a list: skip Offset items, return at most Limit.
type Page struct {
	Offset, Limit int
}

// CentreQuery filters the directory of centres. Within a parameter the
// values are alternatives (any city listed, any type listed), except
// Services, which a centre must offer every one of; parameters combine
// with "and".
type CentreQuery struct {
	Cities   []string
	Types    []CentreType
	Services []CentreService
	Page
}

// ServiceQuery filters and searches the catalogue of services: Words
// (the search text, normalised and stemmed) must each begin a word of
// the service's name or description, in Russian or English; Levels are
// the required levels to list.
type ServiceQuery struct {
	Words       []string
	Categories  []string
	Departments []string
	Levels      []account.Level
	Page
}

// ParseCentreQuery reads the query parameters of the directory: city,
// type, service (comma-separated lists), limit and cursor. Every problem
// is reported at once, naming the parameter, never echoing its value.
func (c *Catalogue) ParseCentreQuery(params map[string]string) (CentreQuery, error) {
	var q CentreQuery
	var fs fault.Fields
	for name, raw := range params {
		switch name {
		case "city":
			q.Cities = values(&fs, name, raw, func(v string) bool { _, ok := c.cityByID[v]; return ok })
		case "type":
			q.Types = values(&fs, name, raw, func(v CentreType) bool { return slices.Contains(CentreTypes(), v) })
		case "service":
			q.Services = values(&fs, name, raw, func(v CentreService) bool { return slices.Contains(CentreServices(), v) })
		default:
			pageParam(&fs, &q.Page, name, raw)
		}
	}
	q.Page = q.Page.orDefault()
	return q, fs.Err()
}

// ParseServiceQuery reads the query parameters of the catalogue: q (the
// search text), category, department, level (comma-separated lists),
// limit and cursor.
func (c *Catalogue) ParseServiceQuery(params map[string]string) (ServiceQuery, error) {
	var q ServiceQuery
	var fs fault.Fields
	for name, raw := range params {
		switch name {
		case "q":
			q.Words = searchWords(&fs, raw)
		case "category":
			q.Categories = values(&fs, name, raw, func(v string) bool { _, ok := c.categoryIdx[v]; return ok })
		case "department":
			q.Departments = values(&fs, name, raw, func(v string) bool { _, ok := c.deptIdx[v]; return ok })
		case "level":
			q.Levels = values(&fs, name, raw, func(v account.Level) bool { return slices.Contains(Levels(), v) })
		default:
			pageParam(&fs, &q.Page, name, raw)
		}
	}
	q.Page = q.Page.orDefault()
	return q, fs.Err()
}

// values reads a comma-separated list of known values, without repeats.
// API Gateway joins a repeated parameter with commas, so ?type=a&type=b
// reads as type=a,b.
func values[T ~string](fs *fault.Fields, name, raw string, known func(T) bool) []T {
	parts := strings.Split(raw, ",")
	if len(parts) > MaxValues {
		fs.Add("/"+name, ReasonTooLong)
		return nil
	}
	out := make([]T, 0, len(parts))
	for _, p := range parts {
		v := T(strings.TrimSpace(p))
		switch {
		case v == "":
			fs.Add("/"+name, ReasonInvalid)
			return nil
		case !known(v):
			fs.Add("/"+name, ReasonUnknownValue)
			return nil
		case !slices.Contains(out, v):
			out = append(out, v)
		}
	}
	return out
}

// pageParam reads limit or cursor; any other name is unknown.
func pageParam(fs *fault.Fields, p *Page, name, raw string) {
	switch name {
	case "limit":
		n, ok := decimal(raw, MaxLimit)
		if !ok || n < 1 {
			fs.Add("/limit", ReasonInvalid)
		}
		p.Limit = n
	case "cursor":
		n, ok := decimal(raw, maxOffset)
		if !ok || n < 1 {
			fs.Add("/cursor", ReasonInvalid)
		}
		p.Offset = n
	default:
		ptr := ""
		if validID(name) || isWord(name) {
			ptr = "/" + name
		}
		fs.Add(ptr, ReasonUnknownParameter)
	}
}

// decimal reads a whole number written plainly (digits only, no sign, no
// leading zero) up to max.
func decimal(s string, max int) (int, bool) {
	if s == "" || len(s) > len(strconv.Itoa(max)) || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n <= max
}

// isWord reports whether a parameter name is safe to name in a pointer:
// ASCII letters and digits, at most 64.
func isWord(s string) bool {
	if s == "" || len(s) > maxIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (p Page) orDefault() Page {
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	return p
}

// searchWords normalises the search text q; a blank q searches nothing.
func searchWords(fs *fault.Fields, raw string) []string {
	switch {
	case !utf8.ValidString(raw):
		fs.Add("/q", ReasonInvalid)
		return nil
	case utf8.RuneCountInString(raw) > MaxText:
		fs.Add("/q", ReasonTooLong)
		return nil
	}
	ws := Normalise(raw)
	switch {
	case len(ws) > MaxWords:
		fs.Add("/q", ReasonTooLong)
		return nil
	case len(ws) == 0:
		return nil
	}
	for i, w := range ws {
		ws[i] = Stem(w)
	}
	return ws
}

// next is the cursor after a page of n items at p out of total: "" when
// nothing follows.
func (p Page) next(n, total int) string {
	if end := p.Offset + n; n > 0 && end < total {
		return strconv.Itoa(end)
	}
	return ""
}
