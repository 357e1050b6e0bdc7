package person

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParsePassportSeries(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParsePassportSeries", ParsePassportSeries, ErrPassportSeriesInvalid, []parseCase{
		{"bare", "4508", "4508"},
		{"as printed", "45 08", "4508"},
		{"outer space", " 45 08\t", "4508"},
		{"leading zeros", "0101", "0101"},
		{"3 digits", "450", ""},
		{"5 digits", "45081", ""},
		{"series and number", "4508 123456", ""},
		{"hyphen", "45-08", ""},
		{"letters", "IV-МЮ", ""},
		{"empty", "", ""},
	})
}

func TestParsePassportNumber(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParsePassportNumber", ParsePassportNumber, ErrPassportNumberInvalid, []parseCase{
		{"bare", "123456", "123456"},
		{"leading zero", "012345", "012345"},
		{"outer space", " 123456 ", "123456"},
		{"5 digits", "12345", ""},
		{"7 digits", "1234567", ""},
		{"numero sign", "№123456", ""},
		{"empty", "", ""},
	})
}

func TestParseSubdivisionCode(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseSubdivisionCode", ParseSubdivisionCode, ErrSubdivisionCodeInvalid, []parseCase{
		{"hyphenated", "770-001", "770-001"},
		{"bare digits", "770001", "770-001"},
		{"outer space", " 770-001 ", "770-001"},
		{"hyphen misplaced", "7700-01", ""},
		{"two hyphens", "770--001", ""},
		{"space for hyphen", "770 001", ""},
		{"en dash", "770–001", ""},
		{"5 digits", "770-01", ""},
		{"7 digits", "7700011", ""},
		{"letter", "77O-001", ""},
		{"hyphen only", "-", ""},
		{"empty", "", ""},
	})
}

func TestParsePassportIssuer(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParsePassportIssuer", ParsePassportIssuer, ErrIssuerInvalid, []parseCase{
		{"typical", "ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ ПО РАЙОНУ ЯКИМАНКА", "ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ ПО РАЙОНУ ЯКИМАНКА"},
		{"all punctuation", `ТП № 2 ОУФМС (г. Тверь), "Центр"/1-й`, `ТП № 2 ОУФМС (г. Тверь), "Центр"/1-й`},
		{"white space collapsed", "  ГУ  МВД\tРОССИИ\nПО Г. МОСКВЕ ", "ГУ МВД РОССИИ ПО Г. МОСКВЕ"},
		{"yo kept", "ОВД Семёновский", "ОВД Семёновский"},
		{"latin", "MVD", "MVD"},
		{"one digit", "7", "7"},
		{"200 characters", strings.Repeat("Я", 200), strings.Repeat("Я", 200)},
		{"201 characters", strings.Repeat("Я", 201), ""},
		{"199 after collapsing", strings.Repeat("Я  ", 99) + "Я", strings.Repeat("Я ", 99) + "Я"},
		{"punctuation only", `.,-№"()/`, ""},
		{"guillemets", "ОВД «Арбат»", ""},
		{"semicolon", "ОВД; Арбат", ""},
		{"greek", "ΟΒΔ", ""},
		{"control", "ОВД\x00", ""},
		{"invalid utf-8", "ОВД\xff", ""},
		{"spaces only", "   ", ""},
		{"empty", "", ""},
		{"huge", strings.Repeat(" ", 10000) + "ОВД", ""},
	})
}

func TestValidIssueDate(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name          string
		issued, birth string
		ok            bool
	}{
		{"ordinary", "2010-05-20", "1985-04-12", true},
		{"today", "2025-06-15", "1985-04-12", true},
		{"tomorrow", "2025-06-16", "1985-04-12", false},
		{"on the 14th birthday", "2015-03-01", "2001-03-01", true},
		{"the day before the 14th birthday", "2015-02-28", "2001-03-01", false},
		{"born on 29 February, 28 February of the 14th year", "2022-02-28", "2008-02-29", true},
		{"born on 29 February, the day before", "2022-02-27", "2008-02-29", false},
		{"first day of issue", "1997-10-01", "1950-01-01", true},
		{"the day before the first day of issue", "1997-09-30", "1950-01-01", false},
		{"Soviet era", "1980-01-01", "1950-01-01", false},
		{"before birth", "2000-01-01", "2005-01-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidIssueDate(mustDate(t, tt.issued), mustDate(t, tt.birth), now)
			if tt.ok && err != nil {
				t.Fatalf("ValidIssueDate(%s, %s, %v) = %v, want nil", tt.issued, tt.birth, now, err)
			}
			if !tt.ok && !errors.Is(err, ErrIssueDateInvalid) {
				t.Fatalf("ValidIssueDate(%s, %s, %v) = %v, want %v", tt.issued, tt.birth, now, err, ErrIssueDateInvalid)
			}
		})
	}
	if err := ValidIssueDate(Date{}, mustDate(t, "1985-04-12"), now); !errors.Is(err, ErrIssueDateInvalid) {
		t.Errorf("ValidIssueDate(zero, 1985-04-12, %v) = %v, want %v", now, err, ErrIssueDateInvalid)
	}
	if err := ValidIssueDate(mustDate(t, "2010-05-20"), Date{}, now); !errors.Is(err, ErrIssueDateInvalid) {
		t.Errorf("ValidIssueDate(2010-05-20, zero, %v) = %v, want %v", now, err, ErrIssueDateInvalid)
	}
}
