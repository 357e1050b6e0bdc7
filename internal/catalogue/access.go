package catalogue

import (
	"slices"
	"strings"

	"github.com/portalid/portalid/internal/account"
)

// Outcome is the answer of the access check: Allowed, or the step the
// person is missing. The values are stable; clients branch on them.
type Outcome string

// The outcomes of Decide.
const (
	Allowed Outcome = "allowed"
	// ConfirmContact: the account has no confirmed phone or e-mail, which
	// even a simplified account needs.
	ConfirmContact Outcome = "confirm-contact"
	// SubmitPersonalData: the service needs a standard account, reached
	// by submitting passport and SNILS to the registry check; or it is
	// for citizens only and the person has not stated a citizenship.
	SubmitPersonalData Outcome = "submit-personal-data"
	// ConfirmIdentity: the service needs a confirmed account (by letter,
	// in person or by signature, or by the accepted methods only).
	ConfirmIdentity Outcome = "confirm-identity"
	// MethodNotAccepted: the account is confirmed, but by a method the
	// service does not accept ("not available after confirmation by
	// letter").
	MethodNotAccepted Outcome = "method-not-accepted"
	// CitizensOnly: the service is for citizens of the Russian Federation
	// and the person's citizenship is another; no step changes that.
	CitizensOnly Outcome = "citizens-only"
)

// Outcomes lists every outcome.
func Outcomes() []Outcome {
	return []Outcome{Allowed, ConfirmContact, SubmitPersonalData, ConfirmIdentity, MethodNotAccepted, CitizensOnly}
}

// Russia is the citizenship CitizensOnly services accept (ISO 3166-1
// alpha-3, as person.Citizenship holds it).
const Russia = "RUS"

// Person is what the access rule knows of the signed-in person.
type Person struct {
	Level account.Level
	// Method is how a confirmed account was confirmed ("" below
	// confirmed, or for an account confirmed before methods were kept).
	Method account.Method
	// Contact: the account has a confirmed phone or e-mail.
	Contact bool
	// Citizenship is the alpha-3 code from the personal data; "" when not
	// known: no profile, none stated, or not read (see NeedsCitizenship).
	Citizenship string
}

// Decision is the answer of the access check.
type Decision struct {
	// Outcome is Allowed or the first missing step.
	Outcome Outcome
	// Steps are every missing step in order (Outcome first); empty when
	// allowed. CitizensOnly stands alone: no step leads past it.
	Steps []Outcome
	// Message says the outcome to the person, in Russian and English.
	Message Text
}

// NeedsCitizenship reports whether Decide's answer for s can depend on
// the person's citizenship, so the caller reads the (encrypted) personal
// data only then. Below that, Decide ignores Citizenship.
func NeedsCitizenship(s Service, p Person) bool { return s.CitizensOnly && p.Contact }

// Decide is the access rule of SPEC §1 and §2.6: a service needs at least
// its level; a service with methods needs the account confirmed by one of
// them; a citizens-only service needs RF citizenship. The person is told
// the first missing step, in this order:
//
//  1. no confirmed contact: confirm-contact;
//  2. citizens-only and a known citizenship other than RUS: citizens-only
//     (said first, so no one walks through steps that cannot help);
//  3. simplified below the service's level: submit-personal-data;
//  4. standard below confirmed: confirm-identity;
//  5. citizens-only and no known citizenship: submit-personal-data (the
//     citizenship is part of the personal data);
//  6. confirmed by a method the service does not accept:
//     method-not-accepted;
//  7. otherwise allowed.
//
// Without a confirmed contact citizenship plays no part (2 and 5), so
// the caller reads it only when NeedsCitizenship says so.
func Decide(s Service, p Person) Decision {
	var steps []Outcome
	add := func(o Outcome) {
		if !slices.Contains(steps, o) {
			steps = append(steps, o)
		}
	}
	if !p.Contact {
		add(ConfirmContact)
	}
	if s.CitizensOnly && p.Contact && p.Citizenship != "" && p.Citizenship != Russia {
		return decision(s, p, []Outcome{CitizensOnly})
	}
	below := rank(p.Level) < rank(s.Level)
	if below && rank(p.Level) < rank(account.Standard) {
		add(SubmitPersonalData)
	}
	if below && s.Level == account.Confirmed {
		add(ConfirmIdentity)
	}
	if s.CitizensOnly && p.Contact && p.Citizenship == "" {
		add(SubmitPersonalData)
	}
	if !below && len(s.Methods) > 0 && !slices.Contains(s.Methods, p.Method) {
		add(MethodNotAccepted)
	}
	return decision(s, p, steps)
}

func decision(s Service, p Person, steps []Outcome) Decision {
	d := Decision{Outcome: Allowed, Steps: steps}
	if len(steps) > 0 {
		d.Outcome = steps[0]
	}
	d.Message = message(d, s, p)
	return d
}

// rank orders the levels; an unknown level ranks below simplified.
func rank(l account.Level) int { return slices.Index(Levels(), l) + 1 }

// methodNames say how a person confirms by each method, fitting after
// "подтвердите личность" / "confirm your identity".
var methodNames = map[account.Method]Text{
	account.MethodLetter:    {RU: "заказным письмом с кодом подтверждения", EN: "by registered letter with a confirmation code"},
	account.MethodInPerson:  {RU: "лично в центре обслуживания", EN: "in person at a service centre"},
	account.MethodSignature: {RU: "электронной подписью или картой УЭК", EN: "with an electronic signature or a UEC card"},
}

// methodList joins the names of methods: "a, b или c" / "a, b or c".
func methodList(ms []account.Method) Text {
	var ru, en []string
	for _, m := range ms {
		ru, en = append(ru, methodNames[m].RU), append(en, methodNames[m].EN)
	}
	return Text{RU: joinOr(ru, " или "), EN: joinOr(en, " or ")}
}

func joinOr(xs []string, or string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + or + xs[len(xs)-1]
}

// message words the outcome for the person.
func message(d Decision, s Service, p Person) Text {
	methods := s.Methods
	if len(methods) == 0 {
		methods = Methods()
	}
	how := methodList(methods)
	switch d.Outcome {
	case ConfirmContact:
		return Text{RU: "Подтвердите номер телефона или адрес электронной почты.", EN: "Confirm a phone number or an e-mail address."}
	case CitizensOnly:
		return Text{RU: "Услуга доступна только гражданам Российской Федерации.", EN: "This service is for citizens of the Russian Federation only."}
	case SubmitPersonalData:
		if rank(p.Level) >= rank(s.Level) {
			return Text{
				RU: "Укажите гражданство в личных данных: услуга доступна только гражданам Российской Федерации.",
				EN: "State your citizenship in your personal data: this service is for citizens of the Russian Federation only.",
			}
		}
		return Text{
			RU: "Заполните личные данные (паспорт и СНИЛС) и отправьте их на проверку. Когда проверка пройдёт, учётная запись станет стандартной.",
			EN: "Fill in your personal data (passport and SNILS) and submit it for the registry check. Once the check passes, your account becomes standard.",
		}
	case ConfirmIdentity:
		return Text{RU: "Подтвердите личность " + how.RU + ".", EN: "Confirm your identity " + how.EN + "."}
	case MethodNotAccepted:
		by := Text{RU: "этим способом", EN: "this way"}
		if n, ok := methodNames[p.Method]; ok {
			by = n
		}
		return Text{
			RU: "Услуга недоступна после подтверждения личности " + by.RU + ". Нужно подтверждение " + how.RU + ".",
			EN: "This service is not available after identity confirmation " + by.EN + ". It needs confirmation " + how.EN + ".",
		}
	}
	return Text{RU: "Услуга доступна.", EN: "The service is available to you."}
}
