package person

import (
	"strings"
	"testing"
)

func TestParseCitizenship(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseCitizenship", ParseCitizenship, ErrCitizenshipInvalid, []parseCase{
		{"Russia", "RUS", "RUS"},
		{"lower case", "rus", "RUS"},
		{"mixed case", "Kaz", "KAZ"},
		{"outer space", " BLR ", "BLR"},
		{"Bonaire, Sint Eustatius and Saba", "BES", "BES"},
		{"South Sudan", "SSD", "SSD"},
		{"alpha-2", "RU", ""},
		{"numeric", "643", ""},
		{"USSR, withdrawn", "SUN", ""},
		{"Netherlands Antilles, withdrawn", "ANT", ""},
		{"stateless (ICAO)", "XXA", ""},
		{"Kosovo (user-assigned)", "XKX", ""},
		{"Cyrillic", "РУС", ""},
		{"inner space", "R US", ""},
		{"empty", "", ""},
	})
}

func TestCountries(t *testing.T) {
	t.Parallel()
	if len(countries) != 249 {
		t.Errorf("len(countries) = %d, want the 249 codes of ISO 3166-1", len(countries))
	}
	for code := range countries {
		if len(code) != 3 || strings.ToUpper(code) != code || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Errorf("countries holds %q, want three upper-case Latin letters", code)
		}
	}
}
