package canary_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/canary"
	"github.com/portalid/portalid/internal/httpapi"
)

// TestCanary runs the canary people through every flow over the whole
// system (API and task functions as app wires them, DynamoDB Local, the
// real ASL on the local Step Functions, the fake SNS, the mail and letter
// outboxes), then scans every sink for their values and fails on any
// found where the policy does not allow it.
func TestCanary(t *testing.T) {
	r := newRun(t)
	for _, p := range people {
		r.scanner.Add(p.Needles()...)
	}
	for _, o := range organisations {
		r.scanner.Add(o.Needles()...)
	}
	for _, f := range flows {
		if !t.Run(f.name, func(t *testing.T) {
			r.t = t
			f.run(r)
		}) {
			t.FailNow()
		}
	}
	r.t = t
	// Every route served the canary at least once (the catch-all route
	// answers only problems).
	for _, rt := range httpapi.Table() {
		if !r.succeeded[rt.Key] && rt.Key != httpapi.DefaultRoute {
			t.Errorf("%s: no flow reached a success on it", rt.Key)
		}
	}
	ctx := t.Context()
	var items []canary.Item
	items = append(items, r.executionItems(ctx)...) // waits for the workflows to end
	items = append(items, r.captureCodes()...)      // the outboxes, and their codes as needles
	r.mu.Lock()
	items = append(items, r.items...)
	r.mu.Unlock()
	items = append(items, lines(canary.Log, r.logs.String())...)
	items = append(items, lines(canary.Metrics, r.metrics.String())...)
	items = append(items, r.tableItems(ctx)...)

	dump(items)
	hits := r.scanner.Scan(items...)
	for _, h := range hits {
		t.Errorf("canary found: %s", h)
	}
	report(t, r.scanner, len(hits))
	// A scan that read nothing proves nothing.
	counts := r.scanner.Counts()
	for _, s := range []canary.Sink{canary.Log, canary.Metrics, canary.Problem, canary.Body, canary.Header, canary.Execution,
		canary.Event, canary.SMS, canary.Mail, canary.LetterOutbox, canary.Table} {
		if counts[s].Items == 0 {
			t.Errorf("sink %s: nothing scanned", s)
		}
	}
	mutate(t, r.scanner, items)
	mutateOrganisation(t, r.scanner, items)
	kinds := map[canary.Class]int{}
	for _, n := range r.scanner.Needles() {
		kinds[n.Class]++
	}
	for _, c := range []canary.Class{canary.Secret, canary.Code, canary.Token, canary.Document, canary.Contact, canary.Name, canary.Org} {
		if kinds[c] == 0 {
			t.Errorf("no %s needles: the run captured none", c)
		}
	}
}

// report prints what was scanned per sink and the needles searched for.
func report(t *testing.T, s *canary.Scanner, hits int) {
	counts := s.Counts()
	var sinks []string
	for k := range counts {
		sinks = append(sinks, string(k))
	}
	slices.Sort(sinks)
	var b strings.Builder
	fmt.Fprintf(&b, "canary hits: %d\n%-15s %7s %7s %10s\n", hits, "sink", "items", "lines", "bytes")
	var total canary.Count
	for _, k := range sinks {
		c := counts[canary.Sink(k)]
		fmt.Fprintf(&b, "%-15s %7d %7d %10d\n", k, c.Items, c.Lines, c.Bytes)
		total.Items, total.Lines, total.Bytes = total.Items+c.Items, total.Lines+c.Lines, total.Bytes+c.Bytes
	}
	fmt.Fprintf(&b, "%-15s %7d %7d %10d\n", "total", total.Items, total.Lines, total.Bytes)
	classes := map[canary.Class][2]int{}
	for _, n := range s.Needles() {
		c := classes[n.Class]
		c[0]++
		c[1] += len(n.Forms())
		classes[n.Class] = c
	}
	fmt.Fprintf(&b, "needles by class (values, forms searched):")
	for _, c := range []canary.Class{canary.Secret, canary.Code, canary.Token, canary.Document, canary.Contact, canary.Name, canary.Org} {
		fmt.Fprintf(&b, " %s %d/%d", c, classes[c][0], classes[c][1])
	}
	t.Log("\n" + b.String())
}

// leaks are what mutate plants in each sink, printed as that sink would
// print it: the person-1 value each must be found as.
func leaks(p canary.Person) map[canary.Sink][2]string {
	snils := p.SNILS[0:3] + "-" + p.SNILS[3:6] + "-" + p.SNILS[6:9] + " " + p.SNILS[9:]
	return map[canary.Sink][2]string{
		canary.Log:          {`"snils":"` + snils + `",`, "snils"},
		canary.Metrics:      {`"Login":"` + p.Phone + `",`, "phone"},
		canary.Problem:      {`"detail":"` + "14.03.1987" + `",`, "birth date"},
		canary.Body:         {`"echo":"` + p.Password + `",`, "password"},
		canary.Header:       {"x-debug: " + p.Email + "\n", "e-mail"},
		canary.Execution:    {`"Input":"{\"number\":\"` + p.Number + `\"}",`, "passport"},
		canary.Event:        {`"detail":"` + p.Passport() + `",`, "passport"},
		canary.SMS:          {`"snils":"` + p.SNILS + `",`, "snils"},
		canary.Mail:         {`"birth":"` + p.BirthDate + `",`, "birth date"},
		canary.LetterOutbox: {`"snils":"` + snils + `",`, "snils"},
		canary.Table:        {`"birthDate":"` + "19870314" + `",`, "birth date"},
	}
}

// mutate is the mutation test on the run's own data: into the first
// captured item of each sink it plants a leak (after the item's first
// '{', or at its start), and a fresh scanner with the run's needles must
// find exactly that leak there.
func mutate(t *testing.T, s *canary.Scanner, items []canary.Item) {
	t.Helper()
	first := map[canary.Sink]canary.Item{}
	for _, it := range items {
		if _, ok := first[it.Sink]; !ok {
			first[it.Sink] = it
		}
	}
	for sink, leak := range leaks(people[0]) {
		it, ok := first[sink]
		if !ok {
			t.Errorf("mutation: no %s item to plant in", sink)
			continue
		}
		i := strings.Index(it.Text, "{") + 1
		it.Text = it.Text[:i] + leak[0] + it.Text[i:]
		it.Where += " (planted)"
		found := false
		for _, h := range canary.NewScanner(s.Needles()...).Scan(it) {
			found = found || strings.HasPrefix(h.Needle, "person 1 "+leak[1])
		}
		if !found {
			t.Errorf("mutation: a %s planted in %s was not found", leak[1], it.Where)
		}
	}
}
