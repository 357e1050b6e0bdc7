package person

import (
	"strings"
	"testing"
)

func TestParseOrgName(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseOrgName", ParseOrgName, ErrOrgNameInvalid, []parseCase{
		{"full name", "Публичное акционерное общество «Сбербанк России»", "Публичное акционерное общество «Сбербанк России»"},
		{"short name with quotes", `ООО "Ромашка"`, `ООО "Ромашка"`},
		{"Latin, digits and punctuation", "Acme Ltd. (No. 2), R&D / Sales: 1+1", "Acme Ltd. (No. 2), R&D / Sales: 1+1"},
		{"number sign and dashes", "ТСЖ № 5 — «Берёзка-2»", "ТСЖ № 5 — «Берёзка-2»"},
		{"white space collapsed", "  ООО \t «Ромашка»\n ", "ООО «Ромашка»"},
		{"one letter", "Я", "Я"},
		{"longest", strings.Repeat("а", MaxOrgNameLength), strings.Repeat("а", MaxOrgNameLength)},
		{"too long", strings.Repeat("а", MaxOrgNameLength+1), ""},
		{"too long after collapsing", strings.Repeat("а ", MaxOrgNameLength/2) + "б", ""},
		{"digits only", "12345", ""},
		{"punctuation only", "«—»", ""},
		{"empty", "", ""},
		{"white space only", " \t ", ""},
		{"control character", "ООО\x00Ромашка", ""},
		{"angle brackets", "<script>", ""},
		{"another script", "株式会社", ""},
		{"emoji", "ООО 🌼", ""},
		{"huge input", strings.Repeat(" ", maxOrgNameInput) + "а", ""},
	})
}
