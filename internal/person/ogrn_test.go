package person

import "testing"

func TestParseOGRN(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseOGRN", ParseOGRN, ErrOGRNInvalid, []parseCase{
		// python-stdnum, stdnum/ru/ogrn.py doctests.
		{"stdnum valid", "1022200525819", "1022200525819"},
		{"stdnum valid 2", "1022500001325", "1022500001325"},
		{"stdnum bad checksum", "1022500001328", ""},
		{"stdnum starts with 0", "0022500001325", ""},
		{"stdnum 14 digits", "10277395526422", ""},
		// Published in the unified state register of legal entities.
		{"Sberbank", "1027700132195", "1027700132195"},
		{"Federal Tax Service", "1047707030513", "1047707030513"},
		// Made with the rule: first digit 5, and one whose remainder is 10.
		{"first digit 5", "5087746000007", "5087746000007"},
		{"remainder 10", "1027700000020", "1027700000020"},
		{"other register entry (2)", "2027700132194", ""},
		{"other register entry (6)", "6027700132190", ""},
		{"OGRNIP's first digit", "3027700132193", ""},
		{"spaces ignored", " 1 02 77 00 132195 ", "1027700132195"},
		{"12 digits", "102770013219", ""},
		{"OGRNIP's 15 digits", "315774600000050", ""},
		{"letter", "102770013219O", ""},
		{"empty", "", ""},
	})
}

func TestParseOGRNIP(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseOGRNIP", ParseOGRNIP, ErrOGRNInvalid, []parseCase{
		// python-stdnum, stdnum/ru/ogrn.py doctest.
		{"stdnum valid", "385768585948949", "385768585948949"},
		{"stdnum, last digit changed", "385768585948940", ""},
		// Made with the rule: remainders mod 13 of 10, 11 and 12 give check
		// digits 0, 1 and 2 (the last digit of the remainder).
		{"remainder 10", "315774600000050", "315774600000050"},
		{"remainder 11", "315774600000061", "315774600000061"},
		{"remainder 12", "315774600000072", "315774600000072"},
		{"remainder 11 as 11 mod 11", "315774600000060", ""},
		{"other register entry (4)", "415774600000057", ""},
		{"legal entity's first digit", "115774600000053", ""},
		{"14 digits", "31577460000005", ""},
		{"OGRN's 13 digits", "1027700132195", ""},
		{"empty", "", ""},
	})
}
