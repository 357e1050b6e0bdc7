package canary_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/bench"
	"github.com/portalid/portalid/internal/canary"
	"github.com/portalid/portalid/internal/signature/devca"
)

// organisationJourney: person 7, confirmed by signature, creates
// organisation 1 with a head's certificate from the development CA
// (after bad input and a certificate naming another organisation), adds
// person 8 (confirmed too) by SNILS and surname (after a wrong surname and
// bad input), both read the organisation, its members and its events,
// every organisation route meets canary input it must refuse, and the
// head removes the member.
func organisationJourney(r *run) {
	j := &orgJourney{r: r, head: people[6], member: people[7], o: organisations[0], ids: map[int]string{}, sessions: map[int]tokens{}}
	for _, p := range []canary.Person{j.head, j.member} {
		j.ids[p.N] = r.register(p)
		j.sessions[p.N] = r.login(p, p.Phone, p.Password)
		r.standard(p, j.sessions[p.N])
		r.confirmBySignature(p, j.sessions[p.N])
	}
	base := "/v1/organisations/" + url.PathEscape(j.create())
	// Before he is added the member sees nothing of it.
	j.refused(j.as(j.member, "GET", base, nil), http.StatusNotFound)
	j.refused(j.as(j.member, "GET", base+"/members", nil), http.StatusNotFound)
	memberID := j.add(base)
	j.read(base)
	j.refusals(base, memberID)
	// The head removes the member, who then sees nothing of it.
	r.ok(j.as(j.head, "DELETE", base+"/members/"+url.PathEscape(memberID), nil))
	j.refused(j.as(j.member, "GET", base, nil), http.StatusNotFound)
	r.ok(j.as(j.member, "GET", "/v1/me/events", nil))
	r.ok(j.as(j.head, "GET", base+"/events", nil))
	r.ok(j.as(j.head, "GET", "/v1/me/events/verification", nil))
}

// orgJourney is the organisation flow's people and their sessions.
type orgJourney struct {
	r            *run
	head, member canary.Person
	o            canary.Organisation
	ids          map[int]string // account ids by person
	sessions     map[int]tokens
}

// as is a request by p, with v as its JSON body (nil: none).
func (j *orgJourney) as(p canary.Person, method, path string, v any) bench.Request {
	req := bench.Request{Method: method, Path: path, Header: j.sessions[p.N].bearer(), IP: ip(p)}
	if v != nil {
		req.Body = body(v)
		req.Header["content-type"] = "application/json"
	}
	return req
}

// keyed is req with an Idempotency-Key.
func keyed(req bench.Request, key string) bench.Request {
	req.Header["idempotency-key"] = key
	return req
}

// refused sends req and fails unless it is answered with status want.
func (j *orgJourney) refused(req bench.Request, want int) {
	j.r.t.Helper()
	if res := j.r.do(req); res.Status != want {
		j.r.t.Fatalf("%s %s = %d (%s), want %d", req.Method, req.Path, res.Status, slug(res), want)
	}
}

// attempt signs a fresh organisation challenge with a certificate for
// cert and sends the creation, with fields over the organisation's own.
func (j *orgJourney) attempt(n int, cert devca.Person, fields map[string]string) response {
	c := j.r.ok(keyed(j.as(j.head, "POST", "/v1/organisations/signature-challenges", nil), fmt.Sprintf("canary-org-challenge-%d", n)))
	v := map[string]string{"name": j.o.Name, "ogrn": j.o.OGRN, "inn": j.o.INN, "challengeId": c.str("challengeId"), "signature": j.r.sign(c.str("challenge"), cert)}
	for k, f := range fields {
		v[k] = f
	}
	return j.r.do(keyed(j.as(j.head, "POST", "/v1/organisations", v), fmt.Sprintf("canary-org-%d", n)))
}

// create refuses bad input to the challenge and the creation, then
// creates the organisation and returns its id.
func (j *orgJourney) create() string {
	head, o := j.head, j.o
	// A body of canary values to the challenge.
	j.refused(keyed(j.as(head, "POST", "/v1/organisations/signature-challenges", map[string]string{"snils": head.SNILS}), "canary-org-challenge-0"), http.StatusBadRequest)
	// Canary values where the name, OGRN and INN belong, a signature
	// that is no base64, no challenge.
	j.refused(keyed(j.as(head, "POST", "/v1/organisations", map[string]string{
		"name": head.Passport() + " " + head.Answer + "\x00", "ogrn": head.INN + "1", "inn": head.SNILS, "signature": head.Password, "challengeId": "",
	}), "canary-org-bad"), http.StatusBadRequest)
	// The head's certificate names him and the organisation.
	cert := certified(head, head.SNILS)
	cert.Organisation, cert.OGRN, cert.OrgINN = o.Name, o.OGRN, o.INN
	// Check digits off by one, under a valid signature.
	if res := j.attempt(1, cert, map[string]string{"ogrn": offByOne(o.OGRN), "inn": offByOne(o.INN)}); res.Status != http.StatusBadRequest {
		j.r.t.Fatalf("OGRN and INN with wrong check digits = %d (%s), want 400", res.Status, slug(res))
	}
	// A certificate naming another organisation (another canary's OGRN
	// and INN) spends its challenge.
	other := cert
	other.OGRN, other.OrgINN = organisations[1].OGRN, organisations[1].INN
	if res := j.attempt(2, other, nil); res.Status != http.StatusForbidden || slug(res) != "certificate-organisation-mismatch" {
		j.r.t.Fatalf("a certificate naming another OGRN = %d (%s), want 403 certificate-organisation-mismatch", res.Status, slug(res))
	}
	res := j.attempt(3, cert, nil)
	if res.Status != http.StatusCreated {
		j.r.t.Fatalf("organisation creation = %d (%s), want 201", res.Status, slug(res))
	}
	return res.str("organisationId")
}

// offByOne is digits with the last digit (the check digit) one higher.
func offByOne(digits string) string {
	last := digits[len(digits)-1] - '0'
	return digits[:len(digits)-1] + string(rune('0'+(last+1)%10))
}

// add refuses additions (the member's SNILS with a wrong surname, which
// is his given name and itself a canary, and an unknown canary SNILS are
// one answer; a SNILS with a wrong check digit, a canary role and fields
// of the wrong type are invalid), adds the member by his printed SNILS
// and surname, refuses him again, and returns his account id.
func (j *orgJourney) add(base string) string {
	member := j.member
	add := func(n int, v any) bench.Request {
		return keyed(j.as(j.head, "POST", base+"/members", v), fmt.Sprintf("canary-member-%d", n))
	}
	printed := member.SNILS[0:3] + "-" + member.SNILS[3:6] + "-" + member.SNILS[6:9] + " " + member.SNILS[9:]
	for i, v := range []map[string]string{
		{"snils": printed, "surname": member.GivenName, "role": "employee"},
		{"snils": people[8].SNILS, "surname": member.Surname, "role": "employee"},
	} {
		if res := j.r.do(add(i+1, v)); res.Status != http.StatusBadRequest || slug(res) != "member-not-eligible" {
			j.r.t.Fatalf("addition %d = %d (%s), want 400 member-not-eligible", i+1, res.Status, slug(res))
		}
	}
	j.refused(add(3, map[string]string{"snils": member.SNILS + "0", "surname": member.Surname + "1", "role": member.Patronymic}), http.StatusBadRequest)
	j.refused(add(4, map[string]any{"snils": map[string]string{"v": member.SNILS}, "surname": 19870314, "role": []string{member.Phone}}), http.StatusBadRequest)
	id := j.r.ok(add(5, map[string]string{"snils": printed, "surname": member.Surname, "role": "employee"})).str("accountId")
	if id != j.ids[member.N] {
		j.r.t.Fatalf("the addition answered another account")
	}
	j.refused(add(6, map[string]string{"snils": member.SNILS, "surname": member.Surname, "role": "administrator"}), http.StatusConflict)
	return id
}

// read: both read their organisations, the organisation, its members
// and their own events; the head pages through the organisation's.
func (j *orgJourney) read(base string) {
	r := j.r
	for _, p := range []canary.Person{j.head, j.member} {
		r.ok(j.as(p, "GET", "/v1/organisations", nil))
		r.ok(j.as(p, "GET", base, nil))
		r.ok(j.as(p, "GET", base+"/members", nil))
		r.ok(j.as(p, "GET", "/v1/me/events", nil))
	}
	events := r.ok(j.as(j.head, "GET", base+"/events?limit=1", nil))
	next, _ := events.JSON["next"].(string)
	if next == "" {
		r.t.Fatal("the organisation's events have no second page")
	}
	r.ok(j.as(j.head, "GET", base+"/events?limit=1&cursor="+url.QueryEscape(next), nil))
	r.ok(j.as(j.head, "GET", base+"/events", nil))
}

// refusals: canary ids, cursor and limit; an employee's events,
// additions and removals; the head's own removal.
func (j *orgJourney) refusals(base, memberID string) {
	head, member := j.head, j.member
	canaryID := url.PathEscape(member.SNILS)
	for _, rq := range []struct {
		req  bench.Request
		want int
	}{
		{j.as(head, "GET", "/v1/organisations/"+canaryID, nil), http.StatusNotFound},
		{j.as(head, "GET", "/v1/organisations/"+canaryID+"/members", nil), http.StatusNotFound},
		{j.as(head, "GET", "/v1/organisations/"+canaryID+"/events", nil), http.StatusNotFound},
		{j.as(head, "GET", base+"/events?cursor="+url.QueryEscape(member.Passport()), nil), http.StatusBadRequest},
		{j.as(head, "GET", base+"/events?limit="+url.QueryEscape(member.BirthDate), nil), http.StatusBadRequest},
		{j.as(member, "GET", base+"/events", nil), http.StatusForbidden},
		{keyed(j.as(member, "POST", base+"/members", map[string]string{"snils": head.SNILS, "surname": head.Surname, "role": "employee"}), "canary-member-7"), http.StatusForbidden},
		{j.as(member, "DELETE", base+"/members/"+url.PathEscape(memberID), nil), http.StatusForbidden},
		{j.as(head, "DELETE", base+"/members/"+canaryID, nil), http.StatusNotFound},
		{j.as(head, "DELETE", base+"/members/"+url.PathEscape(j.ids[head.N]), nil), http.StatusConflict},
	} {
		j.refused(rq.req, rq.want)
	}
}

// mutateOrganisation is the mutation test on the organisation flow's own
// items: the member's SNILS (the addition's input), printed, planted into
// each answer of the addition route, the organisation's items and its
// events, and its OGRN into its events, must each be found by a fresh
// scanner with the run's needles.
func mutateOrganisation(t *testing.T, s *canary.Scanner, items []canary.Item) {
	t.Helper()
	member, o := people[7], organisations[0]
	snils := `"snils":"` + member.SNILS[0:3] + "-" + member.SNILS[3:6] + "-" + member.SNILS[6:9] + " " + member.SNILS[9:] + `"`
	planted := map[string]int{}
	for _, it := range items {
		var place string
		switch {
		case it.Route == "POST /v1/organisations/{id}/members":
			place = string(it.Sink) + " of the addition"
		case it.Sink == canary.Table && strings.Contains(it.Where, "MEMBEROF#"):
			place = "membership item"
		case it.Sink == canary.Event && strings.HasPrefix(it.Where, "item ORG#"):
			place = "organisation event"
		case it.Sink == canary.Table && strings.HasPrefix(it.Where, "item ORG#"):
			place = "organisation item"
		default:
			continue
		}
		leaks := [][2]string{{snils, "person 8 snils"}}
		if it.Sink != canary.Table && it.Sink != canary.Body {
			leaks = append(leaks, [2]string{`"ogrn":"` + o.OGRN + `"`, "organisation 1 ogrn"})
		}
		for _, leak := range leaks {
			m := it
			i := strings.Index(m.Text, "{") + 1
			m.Text, m.Where = m.Text[:i]+leak[0]+","+m.Text[i:], m.Where+" (planted)"
			found := false
			for _, h := range canary.NewScanner(s.Needles()...).Scan(m) {
				found = found || strings.HasPrefix(h.Needle, leak[1])
			}
			if !found {
				t.Errorf("mutation: %s planted in %s was not found", leak[1], m.Where)
			}
			planted[place]++
		}
	}
	for _, place := range []string{"body of the addition", "problem of the addition", "header of the addition", "membership item", "organisation event", "organisation item"} {
		if planted[place] == 0 {
			t.Errorf("mutation: no %s to plant in", place)
		}
	}
	t.Logf("organisation mutations planted and found: %v", planted)
}
