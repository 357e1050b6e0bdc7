package person

import "testing"

func TestParseINN(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseINN", ParseINN, ErrINNInvalid, []parseCase{
		// python-stdnum, stdnum/ru/inn.py doctests (the FNS check digits).
		{"stdnum valid", "123456789047", "123456789047"},
		{"stdnum bad checksum", "123456789037", ""},
		// Made with the FNS weights: both remainders are 10, so both check
		// digits are 0 (mod 11, then mod 10).
		{"check digits from remainder 10", "770000002700", "770000002700"},
		{"spaces ignored", " 1234 5678 9047 ", "123456789047"},
		{"first check digit wrong", "123456789057", ""},
		{"second check digit wrong", "123456789048", ""},
		{"11 digits", "12345678904", ""},
		{"13 digits", "1234567890470", ""},
		{"organisation's 10 digits", "7707083893", ""},
		{"letter", "12345678904a", ""},
		{"hyphen", "1234-5678-9047", ""},
		{"full-width digits", "１２３４５６７８９０４７", ""},
		{"empty", "", ""},
	})
}

func TestParseOrgINN(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseOrgINN", ParseOrgINN, ErrINNInvalid, []parseCase{
		// python-stdnum, stdnum/ru/inn.py doctests.
		{"stdnum valid", "1234567894", "1234567894"},
		{"stdnum bad checksum", "1234567895", ""},
		// Published in the unified state register of legal entities.
		{"Federal Tax Service", "7707329152", "7707329152"},
		{"Sberbank", "7707083893", "7707083893"},
		{"Gazprom", "7736050003", "7736050003"},
		{"Sberbank, last digit changed", "7707083894", ""},
		// Made with the FNS weights: remainder 10, check digit 0.
		{"check digit from remainder 10", "7700000070", "7700000070"},
		{"spaces ignored", "7707 083 893", "7707083893"},
		{"9 digits", "770708389", ""},
		{"person's 12 digits", "123456789047", ""},
		{"sign", "+7707083893", ""},
		{"empty", "", ""},
	})
}
