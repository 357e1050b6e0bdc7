package canary

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Sink is a kind of place the system writes to.
type Sink string

// The sinks the canary test reads.
const (
	Log          Sink = "log"           // slog lines of the API and task functions
	Metrics      Sink = "metrics"       // EMF lines
	Problem      Sink = "problem"       // problem+json bodies (any 4xx/5xx)
	Body         Sink = "body"          // success bodies (2xx)
	Header       Sink = "header"        // response headers
	Execution    Sink = "execution"     // Step Functions inputs, outputs and full histories
	Event        Sink = "event"         // security events: EVENT# items and the events listing
	SMS          Sink = "sms-outbox"    // one item per SMS
	Mail         Sink = "mail-outbox"   // one item per e-mail
	LetterOutbox Sink = "letter-outbox" // one item per printed letter
	Table        Sink = "table"         // every attribute of every item (raw Scan)
)

// Item is one unit of a sink: a log line, a response, an item, a message.
type Item struct {
	Sink Sink
	// Where locates it without its content: "POST /v1/sessions 201",
	// "sms-outbox line 4", "table ACCOUNT#…/PROFILE".
	Where string
	// Route is the route key of a response (Problem, Body, Header), for
	// the policy's allowed places.
	Route string
	Text  string
}

// Hit is a canary found where it must not be. It names the needle, its
// form and the place, never the surrounding text.
type Hit struct {
	Sink   Sink
	Where  string
	Needle string
	Class  Class
	Form   int // index into the needle's Forms (0 = as given)
}

func (h Hit) String() string {
	return fmt.Sprintf("%s at %s: %s (%s, form %d)", h.Sink, h.Where, h.Needle, h.Class, h.Form)
}

// Count is how much of a sink was scanned.
type Count struct {
	Items, Lines, Bytes int
}

// Scanner searches items for needles under the policy. It is safe for
// concurrent use.
type Scanner struct {
	mu      sync.Mutex
	needles []*Needle
	counts  map[Sink]*Count
	hits    []Hit
}

// NewScanner returns a scanner for needles.
func NewScanner(needles ...*Needle) *Scanner {
	s := &Scanner{counts: map[Sink]*Count{}}
	s.Add(needles...)
	return s
}

// Add adds needles (values captured as they are issued). A needle equal
// to one already held (the same value, class and home: canary people
// share their names) is left out, so that a leak is reported once.
func (s *Scanner) Add(needles ...*Needle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range needles {
		if !slices.ContainsFunc(s.needles, func(m *Needle) bool {
			return m.Value == n.Value && m.Class == n.Class && m.Exact == n.Exact && m.Home == n.Home
		}) {
			s.needles = append(s.needles, n)
		}
	}
}

// Needles returns the needles so far.
func (s *Scanner) Needles() []*Needle {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.needles)
}

// Scan searches items and records what it scanned and found; it returns
// the hits of these items.
func (s *Scanner) Scan(items ...Item) []Hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []Hit
	for _, it := range items {
		c := s.counts[it.Sink]
		if c == nil {
			c = &Count{}
			s.counts[it.Sink] = c
		}
		c.Items++
		c.Bytes += len(it.Text)
		c.Lines += strings.Count(it.Text, "\n")
		if it.Text != "" && !strings.HasSuffix(it.Text, "\n") {
			c.Lines++
		}
		for _, n := range s.needles {
			if Allowed(it, n) {
				continue
			}
			if f, ok := n.find(it.Text); ok {
				found = append(found, Hit{Sink: it.Sink, Where: it.Where, Needle: n.Name, Class: n.Class, Form: f})
			}
		}
	}
	s.hits = append(s.hits, found...)
	return found
}

// Hits returns every hit so far.
func (s *Scanner) Hits() []Hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hits)
}

// Counts returns what was scanned, per sink.
func (s *Scanner) Counts() map[Sink]Count {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[Sink]Count{}
	for k, v := range s.counts {
		out[k] = *v
	}
	return out
}

// find reports whether text holds one of n's forms, and which.
func (n *Needle) find(text string) (int, bool) {
	if n.Exact {
		return 0, digitRun(text, n.Value)
	}
	for i, f := range n.Forms() {
		if strings.Contains(text, f) {
			return i, true
		}
	}
	return 0, false
}

// digitRun reports whether text holds v as a whole run of digits that is
// not a fraction of a second (after '.').
func digitRun(text, v string) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], v)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(v)
		before := i > 0 && (isDigit(text[i-1]) || text[i-1] == '.')
		after := end < len(text) && isDigit(text[end])
		if !before && !after {
			return true
		}
		off = i + 1
	}
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
