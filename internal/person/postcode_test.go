package person

import "testing"

func TestParsePostcode(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParsePostcode", ParsePostcode, ErrPostcodeInvalid, []parseCase{
		// Prefixes from Wikipedia's "Postal codes in Russia".
		{"Moscow main post office", "101000", "101000"},
		{"Saint Petersburg", "190000", "190000"},
		{"Sevastopol", "299011", "299011"},
		{"Yuzhno-Sakhalinsk", "693000", "693000"},
		{"outer space", " 101000 ", "101000"},
		{"leading 0", "012345", ""},
		{"leading 7 (Kyrgyzstan)", "720001", ""},
		{"leading 9", "901000", ""},
		{"5 digits", "10100", ""},
		{"7 digits", "1010000", ""},
		{"letters", "SW1A 1AA", ""},
		{"empty", "", ""},
	})
}
