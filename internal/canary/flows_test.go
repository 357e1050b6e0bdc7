package canary_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/portalid/portalid/internal/bench"
	"github.com/portalid/portalid/internal/canary"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/postal"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/signature/devca"
)

// flow is one journey of the canary through the system. Adding a flow
// (organisations, say) is one line in flows and one function.
type flow struct {
	name string
	run  func(r *run)
}

// flows are every flow of the system; each uses canary people of its own
// (the numbers are theirs), so their unique values never collide.
var flows = []flow{
	{"registration by phone, logins, refresh, profile, identity check, settings, events, recovery, letter, catalogue, sign-outs, not me", letterJourney},
	{"electronic signature (dev CA)", signatureJourney},
	{"in person at a service centre, access restoration", operatorJourney},
	{"foreign citizen registered by e-mail", foreignJourney},
	{"identity check failed, corrected, resubmitted; a letter returned", failedJourney},
	{"registration with a taken contact, lockout after failed logins", takenAndLocked},
	{"organisation created by a signature, a member added, listed and removed", organisationJourney},
	{"bad input on every route", badInput},
}

// people are every canary person the flows use; 4 is the phone an
// operator restores person 3's access to; 7 heads an organisation, 8 is
// its member, 9's SNILS no account has.
var people = []canary.Person{canary.NewPerson(1), canary.NewPerson(2), canary.NewPerson(3), canary.NewPerson(4), canary.NewForeigner(5), canary.NewPerson(6),
	canary.NewPerson(7), canary.NewPerson(8), canary.NewPerson(9)}

// organisations are the canary legal entities: 1 is person 7's, 2 only
// a certificate names.
var organisations = []canary.Organisation{canary.NewOrganisation(1), canary.NewOrganisation(2)}

// ip is the client address of person p's requests.
func ip(p canary.Person) string { return fmt.Sprintf("10.77.0.%d", p.N) }

// register takes p through registration (phone, or e-mail for a foreign
// citizen) with a resend, a wrong code and a refused password on the way,
// and returns the account id.
func (r *run) register(p canary.Person) string {
	start := map[string]string{"surname": p.Surname, "givenName": p.GivenName, "termsVersion": "2026-01"}
	contact := p.Phone
	if p.Foreign {
		contact = p.Email
		start["email"] = p.Email
	} else {
		start["phone"] = p.Phone
	}
	id := r.ok(bench.Request{Method: "POST", Path: "/v1/registrations", IP: ip(p), Body: body(start)}).str("registrationId")
	time.Sleep(2 * bench.ResendInterval)
	r.do(bench.Request{Method: "POST", Path: "/v1/registrations/" + id + "/resend", IP: ip(p)})
	// A wrong code and one that is not a code at all (a canary value).
	r.do(bench.Request{Method: "POST", Path: "/v1/registrations/" + id + "/confirm", IP: ip(p), Body: `{"code":"000000"}`})
	r.do(bench.Request{Method: "POST", Path: "/v1/registrations/" + id + "/confirm", IP: ip(p), Body: body(map[string]string{"code": p.BirthDate})})
	confirm := map[string]string{"code": r.lastCode(contact)}
	if p.Foreign {
		confirm = map[string]string{"token": r.lastCode(contact)}
	}
	r.ok(bench.Request{Method: "POST", Path: "/v1/registrations/" + id + "/confirm", IP: ip(p), Body: body(confirm)})
	// Passwords refused by the policy: too short (a canary), and one with the phone or e-mail in it.
	r.do(bench.Request{Method: "POST", Path: "/v1/registrations/" + id + "/password", IP: ip(p), Body: body(map[string]string{"password": "Kan4"})})
	r.do(bench.Request{Method: "POST", Path: "/v1/registrations/" + id + "/password", IP: ip(p), Body: body(map[string]string{"password": "x1" + contact})})
	res := r.ok(bench.Request{Method: "POST", Path: "/v1/registrations/" + id + "/password", IP: ip(p), Body: body(map[string]string{"password": p.Password})})
	return res.str("accountId")
}

// login signs p in with login and password, after one wrong password.
func (r *run) login(p canary.Person, login, password string) tokens {
	r.do(bench.Request{Method: "POST", Path: "/v1/sessions", IP: ip(p), Body: body(map[string]string{"login": login, "password": p.WrongPassword})})
	return r.keep(r.ok(bench.Request{Method: "POST", Path: "/v1/sessions", IP: ip(p), Body: body(map[string]string{"login": login, "password": password})}))
}

// standard saves p's profile (a draft first) and passes the identity
// check through the real workflow.
func (r *run) standard(p canary.Person, t tokens) {
	patch := func(b string) bench.Request {
		h := t.bearer()
		h["content-type"] = "application/merge-patch+json"
		return bench.Request{Method: "PATCH", Path: "/v1/me/profile", Header: h, Body: b, IP: ip(p)}
	}
	r.ok(patch(body(map[string]string{"birthDate": p.BirthDate})))
	// An invalid birth date and a malformed SNILS: refused.
	r.do(patch(body(map[string]string{"birthDate": "14.03.1987", "snils": p.SNILS + "9"})))
	r.ok(patch(p.Profile()))
	r.ok(bench.Request{Method: "GET", Path: "/v1/me/profile", Header: t.bearer(), IP: ip(p)})
	check := r.ok(bench.Request{Method: "POST", Path: "/v1/me/identity-checks", Header: t.bearer(), Body: `{"consent":true}`, IP: ip(p)}).str("checkId")
	got := flowtest.Wait(r.t, r.sfn, r.s.Config.IdentityCheckStateMachineARN, check)
	if got.Status != types.ExecutionStatusSucceeded {
		r.t.Fatalf("identity check of person %d: execution %s, want SUCCEEDED", p.N, got.Status)
	}
	r.ok(bench.Request{Method: "GET", Path: "/v1/me/identity-checks/" + check, Header: t.bearer(), IP: ip(p)})
	if lvl := r.ok(bench.Request{Method: "GET", Path: "/v1/me", Header: t.bearer(), IP: ip(p)}).str("level"); lvl != "standard" {
		r.t.Fatalf("person %d level = %q after the check, want standard", p.N, lvl)
	}
}

func letterJourney(r *run) {
	p := people[0]
	r.register(p)
	t := r.login(p, p.Phone, p.Password)
	t = r.keep(r.ok(bench.Request{Method: "POST", Path: "/v1/sessions/refresh", IP: ip(p), Body: body(map[string]string{"refreshToken": t.refresh})}))
	r.standard(p, t)
	as := func(method, path string, v any) bench.Request {
		req := bench.Request{Method: method, Path: path, Header: t.bearer(), IP: ip(p)}
		if v != nil {
			req.Body = body(v)
		}
		return req
	}
	// Settings, each with a wrong current password first.
	r.do(as("PUT", "/v1/me/security-question", map[string]string{"question": p.Question, "answer": p.Answer, "currentPassword": p.WrongPassword}))
	r.ok(as("PUT", "/v1/me/security-question", map[string]string{"question": p.Question, "answer": p.Answer, "currentPassword": p.Password}))
	r.do(as("PUT", "/v1/me/password", map[string]string{"currentPassword": p.WrongPassword, "newPassword": p.NewPassword}))
	t = r.keep(r.ok(as("PUT", "/v1/me/password", map[string]string{"currentPassword": p.Password, "newPassword": p.NewPassword})))
	r.do(as("PUT", "/v1/me/contacts/email", map[string]string{"value": p.Email, "currentPassword": p.WrongPassword}))
	r.ok(as("PUT", "/v1/me/contacts/email", map[string]string{"value": p.Email, "currentPassword": p.NewPassword}))
	r.ok(as("POST", "/v1/me/contacts/email/confirm", map[string]string{"code": r.lastCode(p.Email)}))
	r.ok(as("PUT", "/v1/me/notifications", map[string][]string{"channels": {"sms", "email"}}))
	r.ok(as("GET", "/v1/me/events", nil))
	r.ok(as("GET", "/v1/me/events/verification", nil))
	// Login by SNILS (SPEC §2.2), once wrong.
	r.login(p, p.SNILS, p.NewPassword)

	// Recovery of a standard account: SNILS and the answer, once wrong.
	rec := r.ok(bench.Request{Method: "POST", Path: "/v1/recovery", IP: ip(p), Body: body(map[string]string{"login": p.Phone})}).str("recoveryId")
	time.Sleep(2 * bench.ResendInterval)
	r.ok(bench.Request{Method: "POST", Path: "/v1/recovery/" + rec + "/resend", IP: ip(p)})
	code := r.lastCode(p.Phone)
	r.do(bench.Request{Method: "POST", Path: "/v1/recovery/" + rec + "/confirm", IP: ip(p), Body: body(map[string]string{"code": code, "snils": p.SNILS, "answer": p.WrongPassword})})
	r.ok(bench.Request{Method: "POST", Path: "/v1/recovery/" + rec + "/confirm", IP: ip(p), Body: body(map[string]string{"code": code, "snils": p.SNILS, "answer": p.Answer})})
	r.ok(bench.Request{Method: "POST", Path: "/v1/recovery/" + rec + "/password", IP: ip(p), Body: body(map[string]string{"password": p.Reset})})
	t = r.login(p, p.Email, p.Reset)

	// The registered letter: the real postal-letter workflow prints it.
	h := t.bearer()
	h["idempotency-key"] = "canary-letter-1"
	letter := r.ok(bench.Request{Method: "POST", Path: "/v1/me/letters", Header: h, Body: `{"source":"registration"}`, IP: ip(p)}).str("letterId")
	code = r.printedCode(p)
	// The outbox line is written before the workflow marks the letter
	// sent; until then a code is refused (letter-not-sent).
	for deadline := time.Now().Add(30 * time.Second); r.ok(as("GET", "/v1/me/letters/"+letter, nil)).str("status") == "ordered"; {
		if time.Now().After(deadline) {
			r.t.Fatal("the printed letter was never marked sent")
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.do(as("POST", "/v1/me/letters/"+letter+"/code", map[string]string{"code": "KANAR-EIKA1"}))
	r.ok(as("POST", "/v1/me/letters/"+letter+"/code", map[string]string{"code": strings.ToLower(code)}))

	// The catalogue answers for the confirmed person.
	r.ok(as("GET", "/v1/services/tax-personal-account/access", nil))
	r.ok(as("GET", "/v1/services/foreign-passport/access", nil))
	r.ok(bench.Request{Method: "GET", Path: "/v1/services?q=" + url.QueryEscape(p.Surname)})
	r.ok(bench.Request{Method: "GET", Path: "/v1/services/tax-personal-account"})
	r.ok(bench.Request{Method: "GET", Path: "/v1/service-centres?city=tver"})

	// Sign-outs, and "this was not me".
	r.ok(as("DELETE", "/v1/sessions/current", nil))
	t = r.login(p, p.Phone, p.Reset)
	r.ok(as("DELETE", "/v1/sessions", nil))
	t = r.login(p, p.Phone, p.Reset)
	events := r.ok(as("GET", "/v1/me/events?limit=1", nil))
	list, _ := events.JSON["events"].([]any)
	if len(list) == 0 {
		r.t.Fatal("no events listed")
	}
	seq := list[0].(map[string]any)["seq"]
	r.ok(as("POST", fmt.Sprintf("/v1/me/events/%v/not-me", seq), nil))
}

// printedCode waits for the letter to p's address and returns its code.
func (r *run) printedCode(p canary.Person) string {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		_, entries := outbox(r.s.Config.LetterOutbox, canary.LetterOutbox)
		for _, e := range entries {
			if strings.Contains(e.To, p.Address) {
				if c := letterCode.FindString(e.Message); c != "" {
					return c
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Fatal("no letter was printed to the person's address")
	return ""
}

func signatureJourney(r *run) {
	p := people[1]
	r.register(p)
	t := r.login(p, p.Phone, p.Password)
	r.standard(p, t)
	// A certificate naming someone else (another canary SNILS) is refused.
	if res := r.sendSignature(p, t, certified(p, people[0].SNILS)); res.Status < 400 {
		r.t.Fatalf("a certificate with another SNILS: %d, want refused", res.Status)
	}
	r.confirmBySignature(p, t)
}

// certified is whom a certificate for p names, with snils.
func certified(p canary.Person, snils string) devca.Person {
	return devca.Person{Surname: p.Surname, GivenName: p.GivenName + " " + p.Patronymic, SNILS: snils}
}

// confirmBySignature raises the standard p to confirmed with a
// certificate from the development CA that names p.
func (r *run) confirmBySignature(p canary.Person, t tokens) {
	r.t.Helper()
	if res := r.sendSignature(p, t, certified(p, p.SNILS)); res.Status != 200 {
		r.t.Fatalf("signature of person %d = %d (%s), want 200", p.N, res.Status, slug(res))
	}
}

// sendSignature signs a fresh identity challenge (a refused signature
// spends its challenge) with a certificate for who, and sends it.
func (r *run) sendSignature(p canary.Person, t tokens, who devca.Person) response {
	r.t.Helper()
	c := r.ok(bench.Request{Method: "POST", Path: "/v1/me/signature-challenges", Header: t.bearer(), IP: ip(p)})
	return r.do(bench.Request{Method: "POST", Path: "/v1/me/signature-challenges/" + c.str("challengeId"), Header: t.bearer(), IP: ip(p),
		Body: body(map[string]string{"signature": r.sign(c.str("challenge"), who)})})
}

// sign is the base64 detached CMS over a challenge (base64, as issued)
// by a fresh development-CA certificate for who.
func (r *run) sign(challenge string, who devca.Person) string {
	r.t.Helper()
	content, err := base64.StdEncoding.DecodeString(challenge)
	if err != nil {
		r.t.Fatal(err)
	}
	cred, err := r.s.CA.Issue(who, devca.Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	der, err := cred.Sign(content)
	if err != nil {
		r.t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

func operatorJourney(r *run) {
	p := people[2]
	id := r.register(p)
	t := r.login(p, p.Phone, p.Password)
	r.standard(p, t)
	op, err := r.s.Operator(r.t.Context())
	if err != nil {
		r.t.Fatal(err)
	}
	at := func(path string, v any) bench.Request {
		return bench.Request{Method: "POST", Path: path, Operator: op, Body: body(v)}
	}
	r.do(at("/v1/operator/account-searches", map[string]string{"snils": people[3].SNILS}))
	r.ok(at("/v1/operator/account-searches", map[string]string{"snils": p.SNILS}))
	r.do(at("/v1/operator/accounts/"+id+"/passport-checks", map[string]string{"series": p.Series, "number": people[3].Number, "issueDate": p.IssueDate}))
	r.ok(at("/v1/operator/accounts/"+id+"/passport-checks", map[string]string{"series": p.Series, "number": p.Number, "issueDate": p.IssueDate}))
	r.ok(at("/v1/operator/accounts/"+id+"/confirmation", map[string]string{}))
	r.ok(at("/v1/operator/accounts/"+id+"/access-restorations", map[string]string{"phone": people[3].Phone}))
}

func foreignJourney(r *run) {
	p := people[4]
	r.register(p)
	t := r.login(p, p.Email, p.Password)
	r.standard(p, t)
}

func failedJourney(r *run) {
	p := people[5]
	r.register(p)
	t := r.login(p, p.Phone, p.Password)
	// First with a SNILS the pension fund does not know.
	wrong := p
	wrong.SNILS = registry.RejectedSNILS
	h := t.bearer()
	h["content-type"] = "application/merge-patch+json"
	r.ok(bench.Request{Method: "PATCH", Path: "/v1/me/profile", Header: h, Body: wrong.Profile(), IP: ip(p)})
	check := r.ok(bench.Request{Method: "POST", Path: "/v1/me/identity-checks", Header: t.bearer(), Body: `{"consent":true}`, IP: ip(p)}).str("checkId")
	flowtest.Wait(r.t, r.sfn, r.s.Config.IdentityCheckStateMachineARN, check)
	if got := r.ok(bench.Request{Method: "GET", Path: "/v1/me/identity-checks/" + check, Header: t.bearer(), IP: ip(p)}); !strings.Contains(got.Body, "snils-not-found") {
		r.t.Fatalf("check with an unknown SNILS: no snils-not-found in the answer")
	}
	r.standard(p, t) // corrected and resubmitted
	// A letter to an address typed in, which the post returns.
	h = t.bearer()
	h["idempotency-key"] = "canary-letter-6"
	letter := r.ok(bench.Request{Method: "POST", Path: "/v1/me/letters", Header: h, IP: ip(p),
		Body: body(map[string]any{"address": map[string]string{"postcode": postal.ReturnedPostcode, "text": p.Address}})}).str("letterId")
	got := flowtest.Wait(r.t, r.sfn, r.s.Config.PostalLetterStateMachineARN, letter)
	if got.Status != types.ExecutionStatusSucceeded {
		r.t.Fatalf("returned letter: execution %s, want SUCCEEDED", got.Status)
	}
	r.ok(bench.Request{Method: "GET", Path: "/v1/me/letters/" + letter, Header: t.bearer(), IP: ip(p)})
}

// takenAndLocked registers again with person 1's phone (the owner is
// told by SMS, the stranger sees nothing different), then fails person
// 3's logins by SNILS until the identifier locks.
func takenAndLocked(r *run) {
	owner, stranger := people[0], people[3]
	r.ok(bench.Request{Method: "POST", Path: "/v1/registrations", IP: ip(stranger),
		Body: body(map[string]string{"surname": stranger.Surname, "givenName": stranger.GivenName, "phone": owner.Phone, "termsVersion": "2026-01"})})
	p := people[2]
	for range 7 {
		r.do(bench.Request{Method: "POST", Path: "/v1/sessions", IP: ip(stranger), Body: body(map[string]string{"login": p.SNILS, "password": p.WrongPassword})})
	}
	if res := r.do(bench.Request{Method: "POST", Path: "/v1/sessions", IP: ip(p), Body: body(map[string]string{"login": p.SNILS, "password": p.Password})}); res.Status < 400 {
		r.t.Fatalf("login during a lockout = %d, want refused", res.Status)
	}
}

// badInput sends every route of the table a request full of canary
// values that it must refuse (or ignore): malformed JSON, fields of the
// wrong type and shape, canary path parameters, as the signed-in person 2
// or an operator where the route needs one.
func badInput(r *run) {
	p := people[1] // person 1 marked an event "not me": no login before a reset
	t := r.login(p, p.Phone, p.Password)
	op, err := r.s.Operator(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	params := strings.NewReplacer("{id}", url.PathEscape(p.Surname+"-"+p.SNILS), "{kind}", url.PathEscape(p.Email), "{seq}", p.Series+p.Number,
		"{accountId}", url.PathEscape(p.Passport()))
	wrong := map[string]any{
		"surname": p.SNILS, "givenName": 19870314, "phone": p.BirthDate, "email": p.Series + " " + p.Number, "termsVersion": p.Answer,
		"code": p.Password, "token": p.Address, "password": p.WrongPassword[:5], "login": "snils " + p.SNILS, "refreshToken": p.INN,
		"snils": p.SNILS + "0", "birthDate": "14.03.1987", "passport": map[string]string{"series": p.Number, "number": p.Series, "subdivisionCode": p.Subdivision + "0"},
		"currentPassword": 1, "newPassword": []string{p.NewPassword}, "answer": map[string]string{"x": p.Answer}, "value": p.Email + "@",
		"registrationAddress": map[string]string{"postcode": p.Postcode + "0", "text": p.Address}, "signature": p.Password, "consent": p.Surname,
		"channels": []string{p.Phone}, "series": p.Phone, "number": p.SNILS, "issueDate": p.BirthDate + "x", "source": p.Address,
	}
	bodies := []string{
		`{"snils":"` + p.SNILS + `","password":"` + p.Password, // truncated
		body(wrong),
		body([]string{p.Passport(), p.BirthDate, p.Email}),
	}
	for _, rt := range httpapi.Table() {
		method, path, ok := strings.Cut(rt.Key, " ")
		if !ok { // $default
			method, path = "POST", "/v1/"+url.PathEscape(p.Passport())
		}
		path = params.Replace(path)
		contentType := "application/json"
		if method == "PATCH" {
			contentType = "application/merge-patch+json"
		}
		for i, b := range bodies {
			req := bench.Request{Method: method, Path: path + "?q=" + url.QueryEscape(p.BirthDate), Body: b, IP: ip(p),
				Header: map[string]string{"idempotency-key": fmt.Sprintf("%s-%s-%d", p.SNILS, rt.Key, i), "content-type": contentType}}
			if rt.Auth {
				req.Header["authorization"] = "Bearer " + t.access
			}
			if strings.HasPrefix(path, "/v1/operator/") {
				req.Operator = op
			}
			if res := r.do(req); rt.Auth && res.Status == http.StatusUnauthorized {
				r.t.Fatalf("%s: the bad input met no validation, only %s", rt.Key, slug(res))
			}
			if method == "DELETE" && strings.HasPrefix(path, "/v1/sessions") { // signed out: sign in again (the body is no input to a sign-out)
				t = r.keep(r.ok(bench.Request{Method: "POST", Path: "/v1/sessions", IP: ip(p), Body: body(map[string]string{"login": p.Phone, "password": p.Password})}))
			}
		}
	}
	// A forged bearer: canary values where a token belongs.
	r.do(bench.Request{Method: "GET", Path: "/v1/me", Header: map[string]string{"authorization": "Bearer " + p.SNILS + "." + p.Password}})
}
