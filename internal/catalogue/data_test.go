package catalogue_test

import (
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the cities, whatever the machine has

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/catalogue"
)

func embedded(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	c, err := catalogue.Embedded()
	if err != nil {
		t.Fatalf("Embedded() error = %v", err)
	}
	return c
}

// TestEmbeddedDirectory checks the committed directory beyond what Parse
// enforces: a few dozen centres in several cities, every kind of centre
// and every service somewhere, identity confirmation in every city, and
// time zones that exist.
func TestEmbeddedDirectory(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	if n := len(c.Centres()); n < 24 {
		t.Errorf("%d centres, want a few dozen", n)
	}
	if n := len(c.Cities()); n < 5 {
		t.Errorf("%d cities, want several", n)
	}
	types := map[catalogue.CentreType]int{}
	services := map[catalogue.CentreService]int{}
	confirmIn := map[string]bool{}
	ids := map[string]bool{}
	for _, ce := range c.Centres() {
		if ids[ce.ID] {
			t.Errorf("centre id %s repeated", ce.ID)
		}
		ids[ce.ID] = true
		types[ce.Type]++
		for _, s := range ce.Services {
			services[s]++
		}
		if ce.Offers(catalogue.IdentityConfirmation) {
			confirmIn[ce.City] = true
		}
		if got, ok := c.Centre(ce.ID); !ok || got.ID != ce.ID {
			t.Errorf("Centre(%q) = %v, %v", ce.ID, got.ID, ok)
		}
		if ce.Name.RU == ce.Name.EN || ce.Address.RU == ce.Address.EN {
			t.Errorf("centre %s: the English name or address is the Russian one", ce.ID)
		}
	}
	for _, typ := range catalogue.CentreTypes() {
		if types[typ] < len(c.Cities()) {
			t.Errorf("%d centres of type %s, want one in every city", types[typ], typ)
		}
	}
	for _, s := range catalogue.CentreServices() {
		if services[s] == 0 {
			t.Errorf("no centre offers %s", s)
		}
	}
	for _, city := range c.Cities() {
		if !confirmIn[city.ID] {
			t.Errorf("no centre in %s confirms identity", city.ID)
		}
		if _, err := time.LoadLocation(city.TimeZone); err != nil {
			t.Errorf("city %s: time zone %q: %v", city.ID, city.TimeZone, err)
		}
	}
	if _, ok := c.Centre("mfc-moskva-nowhere"); ok {
		t.Errorf("Centre(unknown) found a centre")
	}
}

// TestEmbeddedServices checks the committed catalogue: the examples of
// SPEC §1 at their levels, the tax-service personal account closed to
// accounts confirmed by letter, citizens-only services, and every level,
// category and department in use.
func TestEmbeddedServices(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	spec := map[string]account.Level{
		// simplified: reference information, traffic-fine checks and
		// payment, extracts from state registers
		"traffic-fines-check": account.Simplified, "traffic-fines-payment": account.Simplified,
		"egrn-extract": account.Simplified, "egrul-extract": account.Simplified,
		// standard: doctor's appointment, vehicle registration, trademark
		// registration, tax-debt check, pension-account statement
		"doctor-appointment": account.Standard, "vehicle-registration": account.Standard,
		"trademark-registration": account.Standard, "tax-debts-check": account.Standard,
		"pension-account-statement": account.Standard,
		// confirmed: foreign passport, registration at place of
		// residence, kindergarten waiting list, tax-service personal
		// account; passport, pension
		"foreign-passport": account.Confirmed, "residence-registration": account.Confirmed,
		"kindergarten-enrolment": account.Confirmed, "tax-personal-account": account.Confirmed,
		"internal-passport-replacement": account.Confirmed, "pension-assignment": account.Confirmed,
	}
	for id, level := range spec {
		s, err := c.Service(id)
		if err != nil || s.Level != level {
			t.Errorf("Service(%q) = level %q, %v; want level %q (SPEC §1)", id, s.Level, err, level)
		}
	}
	tax, _ := c.Service("tax-personal-account")
	if slices.Contains(tax.Methods, account.MethodLetter) || len(tax.Methods) == 0 {
		t.Errorf("tax-personal-account accepts methods %v; SPEC §1 closes it to accounts confirmed by letter", tax.Methods)
	}
	for _, id := range []string{"foreign-passport", "residence-registration", "internal-passport-replacement"} {
		if s, _ := c.Service(id); !s.CitizensOnly {
			t.Errorf("%s is not citizens-only", id)
		}
	}
	levels, cats, depts := map[account.Level]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range c.Services() {
		levels[s.Level], cats[s.Category], depts[s.Department] = true, true, true
		if s.Name.RU == s.Name.EN || s.Description.RU == s.Description.EN {
			t.Errorf("service %s: the English text is the Russian one", s.ID)
		}
		if !strings.HasSuffix(s.Description.RU, ".") || !strings.HasSuffix(s.Description.EN, ".") {
			t.Errorf("service %s: a description is not a sentence", s.ID)
		}
	}
	for _, l := range catalogue.Levels() {
		if !levels[l] {
			t.Errorf("no service at level %s", l)
		}
	}
	for _, x := range c.Categories() {
		if !cats[x.ID] {
			t.Errorf("category %s has no service", x.ID)
		}
	}
	for _, x := range c.Departments() {
		if !depts[x.ID] {
			t.Errorf("department %s has no service", x.ID)
		}
	}
	if _, err := c.Service("no-such-service"); err != catalogue.ErrServiceNotFound {
		t.Errorf("Service(unknown) error = %v, want ErrServiceNotFound", err)
	}
}

// validCentres and validServices are minimal data files; the cases of
// TestParseRefuses each break one rule.
const validCentres = `{"cities":[{"id":"tver","name":{"ru":"Тверь","en":"Tver"},"timeZone":"Europe/Moscow"}],
"centres":[{"id":"mfc-tver-a","type":"mfc","name":{"ru":"МФЦ","en":"MFC"},"city":"tver","address":{"ru":"ул. Советская, 1","en":"1 Sovetskaya St"},
"postcode":"170100","hours":{"mon":["09:00-13:00","14:00-18:00"],"tue":["09:00-18:00"],"wed":[],"thu":[],"fri":[],"sat":[],"sun":[]},
"services":["identity-confirmation"]}]}`

const validServices = `{"categories":[{"id":"taxes","name":{"ru":"Налоги","en":"Taxes"}}],
"departments":[{"id":"fns","name":{"ru":"ФНС","en":"FTS"}}],
"services":[{"id":"tax-account","category":"taxes","department":"fns","name":{"ru":"ЛК","en":"Account"},
"description":{"ru":"Описание.","en":"Description."},"level":"confirmed","methods":["in_person"],"citizensOnly":true}]}`

func TestParse(t *testing.T) {
	t.Parallel()
	c, err := catalogue.Parse([]byte(validCentres), []byte(validServices))
	if err != nil {
		t.Fatalf("Parse(valid) error = %v", err)
	}
	ce, _ := c.Centre("mfc-tver-a")
	want := catalogue.Week{{{Opens: "09:00", Closes: "13:00"}, {Opens: "14:00", Closes: "18:00"}}, {{Opens: "09:00", Closes: "18:00"}}}
	if !slices.EqualFunc(ce.Hours[:], want[:], slices.Equal) {
		t.Errorf("hours = %v, want %v", ce.Hours, want)
	}
}

// TestParseRefuses: each broken rule of the data fails Parse, naming the
// rule.
func TestParseRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		centres, service string // replacements in validCentres / validServices: "old=>new"
		want             string
	}{
		{"repeated centre id", `"centres":[{=>"centres":[{"id":"mfc-tver-a","type":"mfc","name":{"ru":"МФЦ","en":"MFC"},"city":"tver","address":{"ru":"a","en":"b"},"postcode":"170100","hours":{"mon":["09:00-18:00"],"tue":[],"wed":[],"thu":[],"fri":[],"sat":[],"sun":[]},"services":["identity-confirmation"]},{`, "", "id repeated"},
		{"id not kebab-case", `"mfc-tver-a"=>"MFC_tver_a"`, "", "kebab-case"},
		{"id without its type prefix", `"mfc-tver-a"=>"post-tver-a"`, "", `must start with "mfc-tver-"`},
		{"unknown type", `"type":"mfc"=>"type":"bank"`, "", "unknown type"},
		{"unknown city", `"city":"tver"=>"city":"omsk"`, "", "unknown city"},
		{"no English", `"en":"MFC"=>"en":""`, "", "both ru and en"},
		{"bad postcode", `"170100"=>"17010"`, "", "postcode"},
		{"foreign postcode", `"170100"=>"720001"`, "", "postcode"},
		{"missing day", `,"sun":[]=>`, "", "sun: missing"},
		{"unknown day", `"sun":[]=>"sun":[],"hol":[]`, "", `"hol" is not a weekday key`},
		{"overlapping hours", `"14:00-18:00"=>"12:00-18:00"`, "", "overlaps"},
		{"hours out of order", `"09:00-13:00","14:00-18:00"=>"14:00-18:00","09:00-13:00"`, "", "overlaps"},
		{"closing before opening", `"09:00-18:00"=>"18:00-09:00"`, "", "HH:MM-HH:MM"},
		{"hour 25", `"09:00-18:00"=>"09:00-25:00"`, "", "HH:MM-HH:MM"},
		{"closed all week", `"mon":["09:00-13:00","14:00-18:00"],"tue":["09:00-18:00"]=>"mon":[],"tue":[]`, "", "closed every day"},
		{"unknown centre service", `"identity-confirmation"=>"haircut"`, "", "unknown service"},
		{"no centre service", `"services":["identity-confirmation"]=>"services":[]`, "", "offers no service"},
		{"unknown field", `"postcode"=>"zip"`, "", "unknown field"},
		{"no time zone", `"timeZone":"Europe/Moscow"=>"timeZone":""`, "", "no time zone"},
		{"unknown level", "", `"level":"confirmed"=>"level":"gold"`, "unknown level"},
		{"methods below confirmed", "", `"level":"confirmed"=>"level":"standard"`, "methods need level confirmed"},
		{"every method", "", `["in_person"]=>["in_person","letter","signature"]`, "lists every method"},
		{"unknown method", "", `["in_person"]=>["telepathy"]`, "unknown method"},
		{"repeated method", "", `["in_person"]=>["in_person","in_person"]`, "listed twice"},
		{"unknown category", "", `"category":"taxes"=>"category":"fun"`, "unknown category"},
		{"unknown department", "", `"department":"fns"=>"department":"kgb"`, "unknown department"},
		{"no description", "", `"en":"Description."=>"en":""`, "both ru and en"},
		{"trailing data", "", `]}=>]}{}`, "trailing data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := catalogue.Parse([]byte(replace(t, validCentres, tt.centres)), []byte(replace(t, validServices, tt.service)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse() error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func replace(t *testing.T, s, rule string) string {
	t.Helper()
	if rule == "" {
		return s
	}
	old, repl, _ := strings.Cut(rule, "=>")
	if !strings.Contains(s, old) {
		t.Fatalf("%q is not in the data", old)
	}
	return strings.Replace(s, old, repl, 1)
}
