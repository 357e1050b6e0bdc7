package canary

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/portalid/portalid/internal/person"
)

// Person is a canary person: valid but unusual values, distinctive enough
// that finding one in a sink cannot be chance. The n-th person (n ≥ 1)
// differs from the others in every unique value (SNILS, passport,
// contacts), so several can reach standard in one table.
type Person struct {
	N                      int
	Surname, GivenName     string
	Patronymic             string
	Phone, Email           string
	SNILS                  string // 11 digits, valid check digits
	Series, Number         string // RF passport
	Issuer, Subdivision    string
	IssueDate              string // YYYY-MM-DD
	BirthDate, BirthPlace  string
	INN                    string // 12 digits, valid check digits
	Postcode, Address      string // registration address
	Password, NewPassword  string
	WrongPassword          string
	Reset                  string // the password a recovery sets
	Question, Answer       string
	Foreign                bool // a foreign citizen: a foreign document, no SNILS or RF passport
	ForeignNumber, Country string
}

// NewPerson returns the n-th canary person (1…9).
func NewPerson(n int) Person {
	p := Person{
		N:       n,
		Surname: "Канареечкина", GivenName: "Изольда", Patronymic: "Всеволодовна",
		Phone:  fmt.Sprintf("+7903147%d958", n),
		Email:  fmt.Sprintf("izolda.kanareechkina%d@kanareika.example", n),
		SNILS:  checked(fmt.Sprintf("18731%d952", n), 11, func(s string) bool { _, err := person.ParseSNILS(s); return err == nil }),
		Series: "4719", Number: fmt.Sprintf("83%d205", n),
		Issuer:      "Отделом УФМС Канареечного района гор. Щеглов",
		Subdivision: fmt.Sprintf("69%d-037", n),
		IssueDate:   "2007-04-02",
		BirthDate:   "1987-03-14", BirthPlace: "пос. Канареечный Щегловского р-на",
		INN:      checked(fmt.Sprintf("6919%d730", n)+"4", 12, func(s string) bool { _, err := person.ParseINN(s); return err == nil }),
		Postcode: fmt.Sprintf("17%d987", n), Address: fmt.Sprintf("гор. Щеглов, ул. Чижикова, д. %d7, кв. 139", n),
		Password: fmt.Sprintf("Kanareika-Zheltaya-57%d3", n), NewPassword: fmt.Sprintf("Schegol-Pevchiy-88%d4", n),
		WrongPassword: fmt.Sprintf("Kanareika-Neverno-44%d0", n), Reset: fmt.Sprintf("Sinitsa-Vorobei-33%d1", n),
		Question: "Кличка первой канарейки?", Answer: "Кешенька Щегловский",
	}
	return p
}

// NewForeigner returns the n-th canary foreign citizen: registered by
// e-mail only, with a foreign passport and no SNILS.
func NewForeigner(n int) Person {
	p := NewPerson(n)
	p.Surname, p.GivenName, p.Patronymic = "Kanareykina", "Zulfiya", ""
	p.Phone, p.SNILS, p.Series, p.Number, p.Subdivision, p.Issuer, p.INN = "", "", "", "", "", "", ""
	p.Foreign, p.ForeignNumber, p.Country = true, fmt.Sprintf("FA%d7731956", n), "UZB"
	p.BirthPlace = "Kanareyka-Tashkent"
	return p
}

// checked completes prefix to length digits with the first check digits
// valid accepts.
func checked(prefix string, length int, valid func(string) bool) string {
	width := length - len(prefix)
	for c := range 1000 {
		s := fmt.Sprintf("%s%0*d", prefix, width, c)
		if len(s) == length && valid(s) {
			return s
		}
	}
	panic("canary: no check digits for " + prefix)
}

// Profile is the PATCH /v1/me/profile body of p's complete profile.
func (p Person) Profile() string {
	v := map[string]any{
		"gender": "female", "birthDate": p.BirthDate, "birthPlace": p.BirthPlace,
		"registrationAddress": map[string]string{"postcode": p.Postcode, "text": p.Address},
	}
	if p.Patronymic != "" {
		v["patronymic"] = p.Patronymic
	} else {
		v["noPatronymic"] = true
	}
	if p.Foreign {
		v["citizenship"] = p.Country
		v["foreignDocument"] = map[string]string{"type": "passport", "number": p.ForeignNumber, "country": p.Country}
	} else {
		v["citizenship"] = "RUS"
		v["snils"] = formatSNILS(p.SNILS)
		v["inn"] = p.INN
		v["passport"] = map[string]string{"series": p.Series, "number": p.Number, "issuer": p.Issuer, "issueDate": p.IssueDate, "subdivisionCode": p.Subdivision}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// formatSNILS is the printed form "123-456-789 01".
func formatSNILS(s string) string {
	return s[0:3] + "-" + s[3:6] + "-" + s[6:9] + " " + s[9:]
}

// Needles are p's values in every form a leak could print them: SNILS
// with and without separators, the passport with and without the space,
// the birth date as every Russian and ISO form prints it.
func (p Person) Needles() []*Needle {
	var out []*Needle
	add := func(name string, c Class, values ...string) {
		for i, v := range values {
			if v == "" || strings.TrimSpace(v) == "" {
				continue
			}
			nm := name
			if i > 0 {
				nm = fmt.Sprintf("%s (form %d)", name, i+1)
			}
			out = append(out, &Needle{Name: fmt.Sprintf("person %d %s", p.N, nm), Kind: name, Class: c, Value: v})
		}
	}
	add("surname", Name, p.Surname)
	add("given name", Name, p.GivenName)
	add("patronymic", Name, p.Patronymic)
	if p.Phone != "" {
		d := p.Phone[2:]
		add("phone", Contact, p.Phone, "7"+d, "8"+d, d,
			"+7 "+d[0:3]+" "+d[3:6]+"-"+d[6:8]+"-"+d[8:], "+7 ("+d[0:3]+") "+d[3:6]+"-"+d[6:8]+"-"+d[8:])
	}
	add("e-mail", Contact, p.Email)
	if s := p.SNILS; s != "" {
		add("snils", Document, s, formatSNILS(s), s[0:3]+"-"+s[3:6]+"-"+s[6:9]+"-"+s[9:], s[0:3]+" "+s[3:6]+" "+s[6:9]+" "+s[9:], s[0:9])
	}
	if p.Series != "" {
		add("passport", Document, p.Series+p.Number, p.Series+" "+p.Number, p.Series[:2]+" "+p.Series[2:]+" "+p.Number,
			`"number":"`+p.Number+`"`, `"number": "`+p.Number+`"`)
		add("passport issuer", Document, p.Issuer)
		add("subdivision code", Document, `"`+p.Subdivision+`"`, strings.ReplaceAll(p.Subdivision, "-", ""))
	}
	add("inn", Document, p.INN)
	y, m, d := p.BirthDate[0:4], p.BirthDate[5:7], p.BirthDate[8:10]
	add("birth date", Document, p.BirthDate, d+"."+m+"."+y, d+m+y, y+m+d, d+"/"+m+"/"+y, m+"/"+d+"/"+y, y+"/"+m+"/"+d)
	add("birth place", Document, p.BirthPlace)
	add("registration address", Document, p.Address)
	add("postcode", Document, `"`+p.Postcode+`"`)
	add("foreign document", Document, p.ForeignNumber)
	add("password", Secret, p.Password)
	add("new password", Secret, p.NewPassword)
	add("wrong password", Secret, p.WrongPassword)
	add("reset password", Secret, p.Reset)
	add("security answer", Secret, p.Answer)
	return out
}

// Passport is the series and number as printed ("4719 831205").
func (p Person) Passport() string { return p.Series + " " + p.Number }
