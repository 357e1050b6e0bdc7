package canary

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

// encodings are the ways a leak may print a value; every one of them
// must be found.
var encodings = []struct {
	name string
	enc  func(string) string
}{
	{"as given", func(v string) string { return v }},
	{"upper case", strings.ToUpper},
	{"lower case", strings.ToLower},
	{"JSON string", func(v string) string { j, _ := json.Marshal(v); return string(j) }},
	{"JSON in JSON", func(v string) string {
		j, _ := json.Marshal(map[string]string{"v": v})
		jj, _ := json.Marshal(string(j))
		return string(jj)
	}},
	{"ASCII-only JSON", func(v string) string { return `"` + asciiJSON(v) + `"` }},
	{"query string", func(v string) string { return "?q=" + url.QueryEscape(v) + "&x=1" }},
	{"path", func(v string) string { return "/v1/" + url.PathEscape(v) + "/x" }},
	{"base64, offset 0", func(v string) string { return base64.StdEncoding.EncodeToString([]byte(v + "tail")) }},
	{"base64, offset 1", func(v string) string { return base64.StdEncoding.EncodeToString([]byte("h" + v + "tail")) }},
	{"base64, offset 2", func(v string) string { return base64.StdEncoding.EncodeToString([]byte("he" + v + "tail")) }},
	{"base64url, offset 1", func(v string) string { return base64.RawURLEncoding.EncodeToString([]byte("h" + v + "tail")) }},
	{"hex", func(v string) string { return "0x" + hex.EncodeToString([]byte(v)) }},
	{"slog JSON", func(v string) string {
		var b bytes.Buffer
		slog.New(slog.NewJSONHandler(&b, nil)).Info("msg", "detail", v)
		return b.String()
	}},
	{"slog text", func(v string) string {
		var b bytes.Buffer
		slog.New(slog.NewTextHandler(&b, nil)).Info("msg", "detail", v)
		return b.String()
	}},
}

func TestNeedleFindsEveryEncoding(t *testing.T) {
	t.Parallel()
	p := NewPerson(1)
	values := []string{formatSNILS(p.SNILS), p.Passport(), p.Issuer, p.Address, p.BirthDate, p.Password, p.Answer, p.Email, p.Surname + " <&> " + p.GivenName}
	for _, v := range values {
		for _, e := range encodings {
			t.Run(e.name, func(t *testing.T) {
				t.Parallel()
				n := &Needle{Name: "n", Class: Secret, Value: v}
				text := "before " + e.enc(v) + " after"
				if _, ok := n.find(text); !ok {
					t.Errorf("find(%s of a %d-rune value) = false, want found", e.name, len([]rune(v)))
				}
			})
		}
	}
}

func TestPersonNeedlesCoverPrintedForms(t *testing.T) {
	t.Parallel()
	p := NewPerson(2)
	s := p.SNILS
	printed := map[string]string{
		"snils plain":         s,
		"snils printed":       s[0:3] + "-" + s[3:6] + "-" + s[6:9] + " " + s[9:],
		"snils dashes":        s[0:3] + "-" + s[3:6] + "-" + s[6:9] + "-" + s[9:],
		"passport joined":     p.Series + p.Number,
		"passport spaced":     p.Series + " " + p.Number,
		"passport number":     `{"series":"x","number":"` + p.Number + `"}`,
		"birth date ISO":      "1987-03-14",
		"birth date Russian":  "14.03.1987",
		"birth date digits":   "14031987",
		"birth date compact":  "19870314",
		"birth date slashes":  "14/03/1987",
		"phone national":      "8" + p.Phone[2:],
		"phone spaced":        "+7 " + p.Phone[2:5] + " " + p.Phone[5:8] + "-" + p.Phone[8:10] + "-" + p.Phone[10:],
		"surname upper":       strings.ToUpper(p.Surname),
		"e-mail upper":        strings.ToUpper(p.Email),
		"subdivision quoted":  `"` + p.Subdivision + `"`,
		"address in a letter": "Кому: x\n" + p.Postcode + ", " + p.Address,
		"inn":                 p.INN,
	}
	sc := NewScanner(p.Needles()...)
	for name, text := range printed {
		if hits := sc.Scan(Item{Sink: Log, Where: name, Text: text}); len(hits) == 0 {
			t.Errorf("%s: no hit", name)
		}
	}
}

func TestNeedlesAreLongEnough(t *testing.T) {
	t.Parallel()
	for _, p := range []Person{NewPerson(1), NewForeigner(5)} {
		for _, n := range p.Needles() {
			if len(n.Forms()) == 0 {
				t.Errorf("%s: no form of at least %d runes", n.Name, MinNeedle)
			}
			for _, f := range n.Forms() {
				if len([]rune(f)) < MinNeedle {
					t.Errorf("%s: form %q shorter than %d", n.Name, f, MinNeedle)
				}
			}
		}
	}
}

func TestDigitRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want bool
	}{
		{`{"code":"482913"}`, true},
		{"Код подтверждения: 482913. Действует", true},
		{"482913", true},
		{`"code":482913,`, true},
		{"1482913", false},                           // inside a longer number
		{"4829130", false},                           // inside a longer number
		{"2026-11-23T14:22:50.482913Z", false},       // a timestamp's fraction
		{"2026-11-23T14:22:50.482913Z 482913", true}, // and then the code itself
		{"48291", false},
	}
	for _, tt := range tests {
		if got := digitRun(tt.text, "482913"); got != tt.want {
			t.Errorf("digitRun(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestPolicy: the allowed places, and that they allow nothing more.
func TestPolicy(t *testing.T) {
	t.Parallel()
	doc := &Needle{Name: "snils", Kind: "snils", Class: Document, Value: "18731195200"}
	addr := &Needle{Name: "address", Kind: "registration address", Class: Document, Value: "гор. Щеглов, ул. Чижикова"}
	pw := &Needle{Name: "password", Class: Secret, Value: "Kanareika-1"}
	code := &Needle{Name: "code", Class: Code, Value: "482913", Exact: true, Home: "sms-outbox line 3"}
	tok := &Needle{Name: "token", Class: Token, Value: "eyJhbGciOiJFUzI1NiJ9.x.y", Home: "response #7 POST /v1/sessions 201"}
	phone := &Needle{Name: "phone", Class: Contact, Value: "+79031471958"}
	name := &Needle{Name: "surname", Kind: "surname", Class: Name, Value: "Канареечкина"}
	ogrn := &Needle{Name: "ogrn", Kind: "ogrn", Class: Org, Value: "1186952713144"}
	tests := []struct {
		name string
		it   Item
		n    *Needle
		want bool
	}{
		{"own profile shows the SNILS", Item{Sink: Body, Route: "GET /v1/me/profile"}, doc, true},
		{"a problem of the profile route does not", Item{Sink: Problem, Route: "PATCH /v1/me/profile"}, doc, false},
		{"another route's body does not", Item{Sink: Body, Route: "GET /v1/me"}, doc, false},
		{"the table holds no SNILS in clear", Item{Sink: Table}, doc, false},
		{"a letter carries its address", Item{Sink: LetterOutbox}, addr, true},
		{"a letter carries no SNILS", Item{Sink: LetterOutbox}, doc, false},
		{"an SMS carries no address", Item{Sink: SMS}, addr, false},
		{"a secret nowhere, not even the own profile", Item{Sink: Body, Route: "GET /v1/me/profile"}, pw, false},
		{"a code in its own message", Item{Sink: SMS, Where: "sms-outbox line 3"}, code, true},
		{"a code in another message", Item{Sink: SMS, Where: "sms-outbox line 4"}, code, false},
		{"a code in the own profile", Item{Sink: Body, Route: "GET /v1/me/profile", Where: "response #9 GET /v1/me/profile 200"}, code, false},
		{"a token in the answer that issued it", Item{Sink: Body, Where: "response #7 POST /v1/sessions 201"}, tok, true},
		{"a token in a later answer", Item{Sink: Body, Where: "response #8 POST /v1/sessions 201"}, tok, false},
		{"the phone an SMS goes to", Item{Sink: SMS}, phone, true},
		{"the phone in a log", Item{Sink: Log}, phone, false},
		{"the phone in an event", Item{Sink: Event}, phone, false},
		{"the phone on the account item", Item{Sink: Table}, phone, true},
		{"an organisation's OGRN in its answer to a member", Item{Sink: Body, Route: "GET /v1/organisations/{id}"}, ogrn, true},
		{"an organisation's OGRN in its creation's answer", Item{Sink: Body, Route: "POST /v1/organisations"}, ogrn, true},
		{"an organisation's OGRN in the creation's problem", Item{Sink: Problem, Route: "POST /v1/organisations"}, ogrn, false},
		{"an organisation's OGRN in the members list", Item{Sink: Body, Route: "GET /v1/organisations/{id}/members"}, ogrn, false},
		{"an organisation's OGRN in a person's events", Item{Sink: Body, Route: "GET /v1/me/events"}, ogrn, false},
		{"an organisation's OGRN in an event item", Item{Sink: Event}, ogrn, false},
		{"an organisation's OGRN in a log", Item{Sink: Log}, ogrn, false},
		{"an organisation's OGRN on its item", Item{Sink: Table}, ogrn, true},
		{"a member's name in the members list", Item{Sink: Body, Route: "GET /v1/organisations/{id}/members"}, name, true},
		{"a member's name in the addition's answer", Item{Sink: Body, Route: "POST /v1/organisations/{id}/members"}, name, true},
		{"a member's name in the addition's problem", Item{Sink: Problem, Route: "POST /v1/organisations/{id}/members"}, name, false},
		{"a member's name in the organisation's events", Item{Sink: Body, Route: "GET /v1/organisations/{id}/events"}, name, false},
		{"a member's SNILS in the addition's answer", Item{Sink: Body, Route: "POST /v1/organisations/{id}/members"}, doc, false},
		{"a member's SNILS in the members list", Item{Sink: Body, Route: "GET /v1/organisations/{id}/members"}, doc, false},
		{"a member's SNILS in the addition's problem", Item{Sink: Problem, Route: "POST /v1/organisations/{id}/members"}, doc, false},
		{"the head's SNILS in the organisation's answer", Item{Sink: Body, Route: "GET /v1/organisations/{id}"}, doc, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Allowed(tt.it, tt.n); got != tt.want {
				t.Errorf("Allowed(%s %s, %s) = %v, want %v", tt.it.Sink, tt.it.Route, tt.n.Name, got, tt.want)
			}
		})
	}
}

// TestScannerCatchesPlantedLeaks is the mutation test: a leak planted in
// each kind of sink, as that sink would print it, is found, named by sink
// and place, and the hit's text holds no canary.
func TestScannerCatchesPlantedLeaks(t *testing.T) {
	t.Parallel()
	p := NewPerson(1)
	logLine := func(k, v string) string {
		var b bytes.Buffer
		slog.New(slog.NewJSONHandler(&b, nil)).Info("request served", "route", "POST /v1/sessions", k, v)
		return b.String()
	}
	execInput, _ := json.Marshal(map[string]any{"Input": mustJSON(map[string]any{"accountId": "a1", "passport": map[string]string{"series": p.Series, "number": p.Number}})})
	tests := []struct {
		sink Sink
		text string
		want string // the needle's kind
	}{
		{Log, logLine("snils", formatSNILS(p.SNILS)), "snils"},
		{Log, logLine("detail", "login "+strings.ToUpper(p.Email)+" failed"), "e-mail"},
		{Metrics, `{"Logins":1,"Login":"` + p.Phone + `","_aws":{}}`, "phone"},
		{Problem, `{"type":"https://portalid.example/problems/validation-failed","detail":"birth date 14.03.1987 is in the future"}`, "birth date"},
		{Header, "location: /v1/accounts/" + url.PathEscape(p.Surname) + "\n", "surname"},
		{Body, `{"accountId":"a1","echo":"` + p.Password + `"}`, "password"},
		{Execution, string(execInput), "passport"},
		{Event, `{"pk":"ACCOUNT#a1","sk":"EVENT#1","detail":"contact changed to ` + p.Phone + `"}`, "phone"},
		{SMS, `{"to":"` + p.Phone + `","message":"Ваш СНИЛС ` + p.SNILS + ` подтверждён"}`, "snils"},
		{Mail, `{"to":"` + p.Email + `","message":"Паспорт ` + p.Passport() + ` проверен"}`, "passport"},
		{LetterOutbox, `{"to":"` + p.Address + `","message":"Дата рождения: 14.03.1987"}`, "birth date"},
		{Table, `{"pk":"ACCOUNT#a1","sk":"PROFILE","blob":"` + base64.StdEncoding.EncodeToString([]byte(`{"inn":"`+p.INN+`"}`)) + `"}`, "inn"},
		{Table, `{"pk":"ACCOUNT#a1","sk":"ANSWER","answer":"` + strings.ToLower(p.Answer) + `"}`, "security answer"},
	}
	for _, tt := range tests {
		t.Run(string(tt.sink)+"/"+tt.want, func(t *testing.T) {
			t.Parallel()
			sc := NewScanner(p.Needles()...)
			hits := sc.Scan(Item{Sink: tt.sink, Where: "planted", Route: "POST /v1/sessions", Text: tt.text})
			found := false
			for _, h := range hits {
				if h.Sink != tt.sink || h.Where != "planted" {
					t.Errorf("hit %s, want at %s planted", h, tt.sink)
				}
				if strings.Contains(h.String(), tt.text) || strings.Contains(h.String(), p.SNILS) {
					t.Errorf("hit %q prints the leak", h)
				}
				found = found || strings.HasPrefix(h.Needle, "person 1 "+tt.want)
			}
			if !found {
				t.Errorf("planted %s in %s: hits %v, want the %s", tt.want, tt.sink, hits, tt.want)
			}
			if c := sc.Counts()[tt.sink]; c.Items != 1 || c.Bytes != len(tt.text) {
				t.Errorf("counts = %+v, want 1 item of %d bytes", c, len(tt.text))
			}
		})
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// FuzzNeedle: a value of MinNeedle runes or more planted in any text is
// found, as given and JSON-escaped; a code is found as a whole digit run.
func FuzzNeedle(f *testing.F) {
	f.Add("log line ", "18731195200", " tail")
	f.Add(`{"a":"`, "Канареечкина", `"}`)
	f.Add("", "14.03.1987", "")
	f.Fuzz(func(t *testing.T, before, value, after string) {
		n := &Needle{Name: "n", Class: Secret, Value: value}
		if len([]rune(value)) >= MinNeedle {
			if _, ok := n.find(before + value + after); !ok {
				t.Errorf("value planted as given not found")
			}
			j, _ := json.Marshal(before + value + after)
			if strings.ToValidUTF8(value, "") == value {
				if _, ok := n.find(string(j)); !ok {
					t.Errorf("value planted in JSON not found")
				}
			}
		}
		code := &Needle{Name: "c", Class: Code, Value: "482913", Exact: true}
		_, _ = code.find(before + value + after) // never panics
		if !strings.HasSuffix(before, ".") && (before == "" || !isDigit(before[len(before)-1])) && (after == "" || !isDigit(after[0])) {
			if _, ok := code.find(before + "482913" + after); !ok {
				t.Errorf("code planted between %q and %q not found", before, after)
			}
		}
	})
}
