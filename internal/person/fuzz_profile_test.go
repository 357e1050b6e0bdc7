package person

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/redacttest"
)

// parsed is what the fuzz targets need of a parsed value.
type parsed interface {
	comparable
	Value() string
	IsZero() bool
}

// fuzzParse is the body of a parser's fuzz target: a refusal is the zero
// value and the parser's fault; an accepted value is not zero, satisfies
// ok, parses back from Value unchanged, and prints as its zero value does.
func fuzzParse[T parsed](t *testing.T, name string, parse func(string) (T, error), sentinel error, in string, ok func(string) bool) {
	var zero T
	v, err := parse(in)
	if err != nil {
		if !errors.Is(err, sentinel) || v != zero {
			t.Fatalf("%s(%q) = %q, %v; want zero, %v", name, in, v.Value(), err, sentinel)
		}
		return
	}
	if v.IsZero() || !ok(v.Value()) {
		t.Fatalf("%s(%q) = %q, not a normalised value", name, in, v.Value())
	}
	again, err := parse(v.Value())
	if err != nil || again != v {
		t.Fatalf("%s(%q) = %q, %v; want it unchanged", name, v.Value(), again.Value(), err)
	}
	if got, want := redacttest.Quick(v), redacttest.Quick(zero); got != want {
		t.Fatalf("%s(%q) printed as %q, want %q as the zero value", name, in, got, want)
	}
}

// allDigits reports whether s is n ASCII digits.
func allDigits(s string, n int) bool {
	return len(s) == n && strings.Trim(s, "0123456789") == ""
}

func addSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
}

func FuzzParseINN(f *testing.F) {
	addSeeds(f, "123456789047", "770000002700", " 1234 5678 9047 ", "123456789037", "7707083893", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseINN", ParseINN, ErrINNInvalid, in, func(v string) bool { return allDigits(v, 12) })
	})
}

func FuzzParseOrgINN(f *testing.F) {
	addSeeds(f, "7707083893", "7700000070", "1234567895", "123456789047", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseOrgINN", ParseOrgINN, ErrINNInvalid, in, func(v string) bool { return allDigits(v, 10) })
	})
}

func FuzzParseOGRN(f *testing.F) {
	addSeeds(f, "1027700132195", "5087746000007", "1027700000020", "2027700132194", "1022500001328", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseOGRN", ParseOGRN, ErrOGRNInvalid, in, func(v string) bool {
			return allDigits(v, 13) && (v[0] == '1' || v[0] == '5')
		})
	})
}

func FuzzParseOGRNIP(f *testing.F) {
	addSeeds(f, "385768585948949", "315774600000050", "315774600000072", "415774600000057", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseOGRNIP", ParseOGRNIP, ErrOGRNInvalid, in, func(v string) bool {
			return allDigits(v, 15) && v[0] == '3'
		})
	})
}

func FuzzParsePassportSeries(f *testing.F) {
	addSeeds(f, "4508", "45 08", " 45 08\t", "450", "45-08", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParsePassportSeries", ParsePassportSeries, ErrPassportSeriesInvalid, in, func(v string) bool { return allDigits(v, 4) })
	})
}

func FuzzParsePassportNumber(f *testing.F) {
	addSeeds(f, "123456", "012345", "12345", "№123456", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParsePassportNumber", ParsePassportNumber, ErrPassportNumberInvalid, in, func(v string) bool { return allDigits(v, 6) })
	})
}

func FuzzParseSubdivisionCode(f *testing.F) {
	addSeeds(f, "770-001", "770001", " 770-001 ", "7700-01", "770 001", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseSubdivisionCode", ParseSubdivisionCode, ErrSubdivisionCodeInvalid, in, func(v string) bool {
			return len(v) == 7 && v[3] == '-' && allDigits(v[:3]+v[4:], 6)
		})
	})
}

func FuzzParsePassportIssuer(f *testing.F) {
	addSeeds(f, "ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ", `ТП № 2 (г. Тверь), "Центр"/1-й`, "  ГУ\tМВД ", `.,-№"()/`, "ОВД «Арбат»", "ОВД\xff", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParsePassportIssuer", ParsePassportIssuer, ErrIssuerInvalid, in, func(v string) bool {
			n := utf8.RuneCountInString(v)
			return utf8.ValidString(v) && n >= 1 && n <= MaxIssuerLength &&
				v == strings.TrimSpace(v) && !strings.Contains(v, "  ")
		})
	})
}

func FuzzParseOMS(f *testing.F) {
	addSeeds(f, "7700000000000017", "7700 0000 0000 0017", "770000000000001", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseOMS", ParseOMS, ErrOMSInvalid, in, func(v string) bool { return allDigits(v, 16) })
	})
}

func FuzzParsePostcode(f *testing.F) {
	addSeeds(f, "101000", "693000", "012345", "720001", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParsePostcode", ParsePostcode, ErrPostcodeInvalid, in, func(v string) bool {
			return allDigits(v, 6) && v[0] >= '1' && v[0] <= '6'
		})
	})
}

func FuzzParseGender(f *testing.F) {
	addSeeds(f, "male", "female", "Male", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseGender", ParseGender, ErrGenderInvalid, in, func(v string) bool { return v == "male" || v == "female" })
	})
}

func FuzzParseCitizenship(f *testing.F) {
	addSeeds(f, "RUS", "rus", " BLR ", "SUN", "XXA", "РУС", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseCitizenship", ParseCitizenship, ErrCitizenshipInvalid, in, func(v string) bool {
			_, ok := countries[v]
			return ok
		})
	})
}

// FuzzParseDate also checks ParseDate against time.Parse, which accepts
// the same layout (and year 0, which a civil date here refuses).
func FuzzParseDate(f *testing.F) {
	addSeeds(f, "1985-04-12", "2000-02-29", "1900-02-29", "0001-01-01", "9999-12-31", "0000-01-01", "1985-4-12", "1985-+4-12", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseDate", ParseDate, ErrDateInvalid, in, func(v string) bool { return len(v) == 10 })
		d, err := ParseDate(in)
		tm, terr := time.Parse(time.DateOnly, in)
		if want := terr == nil && tm.Year() >= 1; (err == nil) != want {
			t.Fatalf("ParseDate(%q) = %v, but time.Parse gives %v", in, err, terr)
		}
		if err == nil && (d.Year() != tm.Year() || d.Month() != tm.Month() || d.Day() != tm.Day()) {
			t.Fatalf("ParseDate(%q) = %s, time.Parse gives %s", in, d.Value(), tm.Format(time.DateOnly))
		}
	})
}

// FuzzDateAddYears checks that AddYears gives a day that exists, moves only
// 29 February, and comes back with the opposite shift.
func FuzzDateAddYears(f *testing.F) {
	f.Add("2008-02-29", 14)
	f.Add("1985-04-12", -130)
	f.Add("0001-01-01", 9998)
	f.Fuzz(func(t *testing.T, in string, n int) {
		d, err := ParseDate(in)
		if err != nil || n < 1-d.Year() || n > 9999-d.Year() {
			return
		}
		e := d.AddYears(n)
		if again, err := ParseDate(e.Value()); err != nil || again != e {
			t.Fatalf("%s.AddYears(%d) = %q, not a date", in, n, e.Value())
		}
		leapDay := d.Month() == time.February && d.Day() == 29
		if e.Year() != d.Year()+n || e.Month() != d.Month() || (e.Day() != d.Day() && !leapDay) {
			t.Fatalf("%s.AddYears(%d) = %s", in, n, e.Value())
		}
		if back := e.AddYears(-n); back != d && !leapDay {
			t.Fatalf("%s.AddYears(%d).AddYears(%d) = %s", in, n, -n, back.Value())
		}
	})
}

// FuzzValidDates checks ValidBirthDate and ValidIssueDate never panic and
// accept only dates within their bounds.
func FuzzValidDates(f *testing.F) {
	f.Add("2010-05-20", "1985-04-12", int64(1750000000))
	f.Add("1997-10-01", "1950-01-01", int64(1750000000))
	f.Add("2022-02-28", "2008-02-29", int64(-1<<62))
	f.Fuzz(func(t *testing.T, issuedIn, birthIn string, unix int64) {
		now := time.Unix(unix, 0).UTC()
		today := DateOf(now)
		issued, _ := ParseDate(issuedIn)
		birth, _ := ParseDate(birthIn)
		if ValidBirthDate(birth, now) == nil && (birth.After(today) || birth.Before(today.AddYears(-MaxAge))) {
			t.Fatalf("ValidBirthDate(%s, %v) = nil", birth.Value(), now)
		}
		if ValidIssueDate(issued, birth, now) == nil &&
			(issued.After(today) || issued.Before(passportIntroduced) || issued.Before(birth.AddYears(PassportAge))) {
			t.Fatalf("ValidIssueDate(%s, %s, %v) = nil", issued.Value(), birth.Value(), now)
		}
	})
}

func FuzzParsePatronymic(f *testing.F) {
	f.Add("Иванович", false)
	f.Add("", true)
	f.Add("Иванович", true)
	f.Add("", false)
	f.Add("  Оглы  Алиевич ", false)
	f.Fuzz(func(t *testing.T, in string, none bool) {
		p, err := ParsePatronymic(in, none)
		if err != nil {
			if !errors.Is(err, ErrPatronymicInvalid) || !p.IsZero() {
				t.Fatalf("ParsePatronymic(%q, %v) = %q, %v; want zero, %v", in, none, p.Value(), err, ErrPatronymicInvalid)
			}
			return
		}
		if p.IsZero() || p.None() != (p.Value() == "") || p.None() != none {
			t.Fatalf("ParsePatronymic(%q, %v) = %q, none %v", in, none, p.Value(), p.None())
		}
		again, err := ParsePatronymic(p.Value(), p.None())
		if err != nil || again != p {
			t.Fatalf("ParsePatronymic(%q, %v) = %q, %v; want it unchanged", p.Value(), p.None(), again.Value(), err)
		}
		if got, want := redacttest.Quick(p), redacttest.Quick(Patronymic{}); got != want {
			t.Fatalf("Patronymic printed as %q, want %q", got, want)
		}
	})
}

func FuzzParseForeignDocument(f *testing.F) {
	f.Add(ForeignPassport, "AB1234567", "KAZ")
	f.Add(ForeignResidencePermit, "  ab  12-34\t56 ", "deu")
	f.Add("visa", "AB1234567", "KAZ")
	f.Add(ForeignOtherDocument, "--", "XXA")
	f.Fuzz(func(t *testing.T, docType, number, country string) {
		d, err := ParseForeignDocument(docType, number, country)
		if err != nil {
			if !errors.Is(err, ErrForeignDocumentInvalid) || !d.IsZero() {
				t.Fatalf("ParseForeignDocument(%q, %q, %q) = %q, %v; want zero, %v", docType, number, country, d.Number(), err, ErrForeignDocumentInvalid)
			}
			return
		}
		n := d.Number()
		if len(n) < 1 || len(n) > MaxForeignDocumentNumberLength || strings.Trim(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -") != "" ||
			n != strings.TrimSpace(n) || strings.Contains(n, "  ") || d.Type() != docType || d.Country().IsZero() {
			t.Fatalf("ParseForeignDocument(%q, %q, %q) = %q, %q, %q", docType, number, country, d.Type(), n, d.Country().Value())
		}
		again, err := ParseForeignDocument(d.Type(), d.Number(), d.Country().Value())
		if err != nil || again != d {
			t.Fatalf("ParseForeignDocument(%q, %q, %q) = %v; want it unchanged", d.Type(), n, d.Country().Value(), err)
		}
		if got, want := redacttest.Quick(d), redacttest.Quick(ForeignDocument{}); got != want {
			t.Fatalf("ForeignDocument printed as %q, want %q", got, want)
		}
		// The key ignores case and separators, and keeps type and country.
		k := d.Key()
		wantKey := d.Type() + "/" + d.Country().Value() + "/" + strings.NewReplacer(" ", "", "-", "").Replace(n)
		if k != wantKey || strings.Count(k, "/") != 2 {
			t.Fatalf("Key() = %q, want %q", k, wantKey)
		}
		spaced, err := ParseForeignDocument(d.Type(), strings.ToLower(strings.Join(strings.Split(n, ""), " ")), strings.ToLower(d.Country().Value()))
		if err == nil && spaced.Key() != k {
			t.Fatalf("Key() of %q spaced out = %q, want %q", n, spaced.Key(), k)
		}
	})
}

func FuzzParseOrgName(f *testing.F) {
	addSeeds(f, "ООО «Ромашка»", `ООО "Ромашка"`, "  Acme  Ltd. ", "12345", "株式会社", "a\x00b", "")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzParse(t, "ParseOrgName", ParseOrgName, ErrOrgNameInvalid, in, func(v string) bool {
			return utf8.ValidString(v) && v == strings.TrimSpace(v) && !strings.Contains(v, "  ") && utf8.RuneCountInString(v) <= MaxOrgNameLength
		})
	})
}
