package catalogue_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/catalogue"
)

const (
	allowed   = catalogue.Allowed
	contact   = catalogue.ConfirmContact
	submit    = catalogue.SubmitPersonalData
	confirm   = catalogue.ConfirmIdentity
	method    = catalogue.MethodNotAccepted
	citizens  = catalogue.CitizensOnly
	inPerson  = account.MethodInPerson
	signature = account.MethodSignature
	letter    = account.MethodLetter
)

// people are the five kinds of account: simplified, standard, and
// confirmed by each method.
var people = [5]catalogue.Person{
	{Level: account.Simplified, Contact: true},
	{Level: account.Standard, Contact: true},
	{Level: account.Confirmed, Method: letter, Contact: true},
	{Level: account.Confirmed, Method: inPerson, Contact: true},
	{Level: account.Confirmed, Method: signature, Contact: true},
}

func service(level account.Level, citizensOnly bool, methods ...account.Method) catalogue.Service {
	return catalogue.Service{ID: "test", Level: level, Methods: methods, CitizensOnly: citizensOnly}
}

// TestDecide is the access rule over every level × method × citizenship,
// for each kind of service requirement: the outcome for each of people,
// when the person is an RF citizen, a foreign citizen (KAZ) or has not
// stated a citizenship.
func TestDecide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		service               catalogue.Service
		rus, foreign, unknown [5]catalogue.Outcome
	}{
		{"simplified service", service(account.Simplified, false),
			[5]catalogue.Outcome{allowed, allowed, allowed, allowed, allowed},
			[5]catalogue.Outcome{allowed, allowed, allowed, allowed, allowed},
			[5]catalogue.Outcome{allowed, allowed, allowed, allowed, allowed}},
		{"standard service", service(account.Standard, false),
			[5]catalogue.Outcome{submit, allowed, allowed, allowed, allowed},
			[5]catalogue.Outcome{submit, allowed, allowed, allowed, allowed},
			[5]catalogue.Outcome{submit, allowed, allowed, allowed, allowed}},
		{"confirmed service", service(account.Confirmed, false),
			[5]catalogue.Outcome{submit, confirm, allowed, allowed, allowed},
			[5]catalogue.Outcome{submit, confirm, allowed, allowed, allowed},
			[5]catalogue.Outcome{submit, confirm, allowed, allowed, allowed}},
		{"not after a letter", service(account.Confirmed, false, inPerson, signature),
			[5]catalogue.Outcome{submit, confirm, method, allowed, allowed},
			[5]catalogue.Outcome{submit, confirm, method, allowed, allowed},
			[5]catalogue.Outcome{submit, confirm, method, allowed, allowed}},
		{"signature only", service(account.Confirmed, false, signature),
			[5]catalogue.Outcome{submit, confirm, method, method, allowed},
			[5]catalogue.Outcome{submit, confirm, method, method, allowed},
			[5]catalogue.Outcome{submit, confirm, method, method, allowed}},
		{"citizens only, simplified", service(account.Simplified, true),
			[5]catalogue.Outcome{allowed, allowed, allowed, allowed, allowed},
			[5]catalogue.Outcome{citizens, citizens, citizens, citizens, citizens},
			[5]catalogue.Outcome{submit, submit, submit, submit, submit}},
		{"citizens only, confirmed", service(account.Confirmed, true),
			[5]catalogue.Outcome{submit, confirm, allowed, allowed, allowed},
			[5]catalogue.Outcome{citizens, citizens, citizens, citizens, citizens},
			[5]catalogue.Outcome{submit, confirm, submit, submit, submit}},
		{"citizens only, not after a letter", service(account.Confirmed, true, inPerson, signature),
			[5]catalogue.Outcome{submit, confirm, method, allowed, allowed},
			[5]catalogue.Outcome{citizens, citizens, citizens, citizens, citizens},
			[5]catalogue.Outcome{submit, confirm, submit, submit, submit}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range []struct {
				citizenship string
				want        [5]catalogue.Outcome
			}{{"RUS", tt.rus}, {"KAZ", tt.foreign}, {"", tt.unknown}} {
				for i, p := range people {
					p.Citizenship = c.citizenship
					if got := catalogue.Decide(tt.service, p).Outcome; got != c.want[i] {
						t.Errorf("Decide(%s, %+v) = %s, want %s", tt.name, p, got, c.want[i])
					}
				}
			}
		})
	}
}

// TestDecideSteps checks the whole decision: every missing step in order
// and the words of the message.
func TestDecideSteps(t *testing.T) {
	t.Parallel()
	noLetter := service(account.Confirmed, false, inPerson, signature)
	tests := []struct {
		name    string
		service catalogue.Service
		person  catalogue.Person
		steps   []catalogue.Outcome
		says    []string // in the English message
		saysRU  []string
	}{
		{"allowed", service(account.Standard, false), people[1], nil,
			[]string{"available to you"}, []string{"Услуга доступна"}},
		{"simplified to a restricted service", noLetter, people[0], []catalogue.Outcome{submit, confirm},
			[]string{"passport and SNILS", "registry check"}, []string{"паспорт и СНИЛС"}},
		{"standard to a restricted service", noLetter, people[1], []catalogue.Outcome{confirm},
			[]string{"Confirm your identity in person at a service centre or with an electronic signature or a UEC card."},
			[]string{"Подтвердите личность лично в центре обслуживания или электронной подписью или картой УЭК."}},
		{"standard to any confirmed service", service(account.Confirmed, false), people[1], []catalogue.Outcome{confirm},
			[]string{"by registered letter with a confirmation code, in person at a service centre or with an electronic signature"},
			[]string{"заказным письмом с кодом подтверждения, лично в центре обслуживания или электронной подписью"}},
		{"confirmed by letter", noLetter, people[2], []catalogue.Outcome{method},
			[]string{"not available after identity confirmation by registered letter", "in person at a service centre or with an electronic signature"},
			[]string{"недоступна после подтверждения личности заказным письмом"}},
		{"confirmed without a recorded method", noLetter, catalogue.Person{Level: account.Confirmed, Contact: true}, []catalogue.Outcome{method},
			[]string{"confirmation this way"}, []string{"этим способом"}},
		{"no contact", service(account.Simplified, false), catalogue.Person{Level: account.Simplified}, []catalogue.Outcome{contact},
			[]string{"Confirm a phone number or an e-mail address."}, []string{"Подтвердите номер телефона"}},
		{"no contact ignores citizenship", service(account.Confirmed, true, inPerson, signature), catalogue.Person{Level: account.Simplified, Citizenship: "KAZ"},
			[]catalogue.Outcome{contact, submit, confirm}, []string{"Confirm a phone"}, nil},
		{"foreign citizen", service(account.Confirmed, true), catalogue.Person{Level: account.Simplified, Contact: true, Citizenship: "KAZ"}, []catalogue.Outcome{citizens},
			[]string{"citizens of the Russian Federation only"}, []string{"только гражданам Российской Федерации"}},
		{"citizenship not stated", service(account.Standard, true), catalogue.Person{Level: account.Confirmed, Method: letter, Contact: true}, []catalogue.Outcome{submit},
			[]string{"State your citizenship"}, []string{"Укажите гражданство"}},
		{"standard, citizenship not stated, confirmed service", service(account.Confirmed, true), people[1], []catalogue.Outcome{confirm, submit},
			[]string{"Confirm your identity"}, nil},
		{"letter and no citizenship", service(account.Confirmed, true, inPerson), people[2], []catalogue.Outcome{submit, method},
			[]string{"State your citizenship"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := catalogue.Decide(tt.service, tt.person)
			if diff := cmp.Diff(tt.steps, d.Steps); diff != "" {
				t.Errorf("Decide().Steps mismatch (-want +got):\n%s", diff)
			}
			want := allowed
			if len(tt.steps) > 0 {
				want = tt.steps[0]
			}
			if d.Outcome != want {
				t.Errorf("Decide().Outcome = %s, want %s", d.Outcome, want)
			}
			for _, s := range tt.says {
				if !strings.Contains(d.Message.EN, s) {
					t.Errorf("Decide().Message.EN = %q, want it to say %q", d.Message.EN, s)
				}
			}
			for _, s := range tt.saysRU {
				if !strings.Contains(d.Message.RU, s) {
					t.Errorf("Decide().Message.RU = %q, want it to say %q", d.Message.RU, s)
				}
			}
		})
	}
}

// TestDecideEverywhere runs the rule over every person and every valid
// kind of service and checks what must hold whatever the case: allowed
// exactly when every requirement is met (an independent statement of
// SPEC §1 and §2.6), the outcome is the first step, citizenship matters
// only where NeedsCitizenship says, and both messages are there.
func TestDecideEverywhere(t *testing.T) {
	t.Parallel()
	var services []catalogue.Service
	for _, level := range catalogue.Levels() {
		for _, ms := range [][]account.Method{nil, {inPerson, signature}, {signature}, {letter}, {letter, inPerson}} {
			if len(ms) > 0 && level != account.Confirmed {
				continue // the data refuses methods below confirmed
			}
			for _, co := range []bool{false, true} {
				services = append(services, service(level, co, ms...))
			}
		}
	}
	var persons []catalogue.Person
	for _, level := range catalogue.Levels() {
		ms := []account.Method{""}
		if level == account.Confirmed {
			ms = append(ms, catalogue.Methods()...)
		}
		for _, m := range ms {
			for _, c := range []bool{false, true} {
				for _, cz := range []string{"", "RUS", "KAZ"} {
					persons = append(persons, catalogue.Person{Level: level, Method: m, Contact: c, Citizenship: cz})
				}
			}
		}
	}
	seen := map[catalogue.Outcome]bool{}
	for _, s := range services {
		for _, p := range persons {
			d := catalogue.Decide(s, p)
			seen[d.Outcome] = true
			at := fmt.Sprintf("Decide(%+v, %+v)", s, p)
			met := p.Contact && levelRank(p.Level) >= levelRank(s.Level) &&
				(len(s.Methods) == 0 || slices.Contains(s.Methods, p.Method)) &&
				(!s.CitizensOnly || p.Citizenship == "RUS")
			if (d.Outcome == allowed) != met || (len(d.Steps) == 0) != met {
				t.Errorf("%s = %s %v, want allowed = %v", at, d.Outcome, d.Steps, met)
			}
			if len(d.Steps) > 0 && d.Steps[0] != d.Outcome {
				t.Errorf("%s: outcome %s is not the first step of %v", at, d.Outcome, d.Steps)
			}
			if len(slices.Compact(slices.Clone(d.Steps))) != len(d.Steps) {
				t.Errorf("%s: steps %v repeat", at, d.Steps)
			}
			wantCitizens := s.CitizensOnly && p.Contact && p.Citizenship == "KAZ"
			if (d.Outcome == citizens) != wantCitizens || (wantCitizens && len(d.Steps) != 1) {
				t.Errorf("%s = %v, want citizens-only alone = %v", at, d.Steps, wantCitizens)
			}
			if d.Message.RU == "" || d.Message.EN == "" {
				t.Errorf("%s: message %+v, want ru and en", at, d.Message)
			}
			if !catalogue.NeedsCitizenship(s, p) {
				for _, cz := range []string{"", "RUS", "KAZ"} {
					q := p
					q.Citizenship = cz
					if diff := cmp.Diff(d, catalogue.Decide(s, q)); diff != "" {
						t.Errorf("%s depends on citizenship %q, which NeedsCitizenship says it does not:\n%s", at, cz, diff)
					}
				}
			}
		}
	}
	for _, o := range catalogue.Outcomes() {
		if !seen[o] {
			t.Errorf("no case reaches outcome %s", o)
		}
	}
}

func levelRank(l account.Level) int { return slices.Index(catalogue.Levels(), l) }
