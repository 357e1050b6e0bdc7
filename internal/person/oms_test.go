package person

import "testing"

func TestParseOMS(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseOMS", ParseOMS, ErrOMSInvalid, []parseCase{
		{"bare", "7700000000000017", "7700000000000017"},
		{"grouped by four", "7700 0000 0000 0017", "7700000000000017"},
		{"outer space", "\t7700000000000017 ", "7700000000000017"},
		{"15 digits", "770000000000001", ""},
		{"17 digits", "77000000000000171", ""},
		{"old series and number", "ЕА 1234567", ""},
		{"hyphens", "7700-0000-0000-0017", ""},
		{"empty", "", ""},
	})
}
