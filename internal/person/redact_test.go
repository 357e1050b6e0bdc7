package person

import (
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/redacttest"
)

// mustParse returns the value parse gives for s, failing the test on error.
func mustParse[T any](t *testing.T, parse func(string) (T, error), s string) T {
	t.Helper()
	v, err := parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

// checkRedacted fails the test if any printing path shows a canary of v
// or does not say "[redacted]".
func checkRedacted[T any](t *testing.T, name string, v T, canaries ...string) {
	t.Helper()
	for _, out := range redacttest.Printed(v) {
		if !strings.Contains(out, redacted) {
			t.Errorf("%s printed as %q, want %s", name, out, redacted)
		}
		for _, c := range canaries {
			if strings.Contains(out, c) {
				t.Errorf("%s printed as %q, which shows %q", name, out, c)
			}
		}
	}
}

func TestRedacted(t *testing.T) {
	t.Parallel()
	checkRedacted(t, "INN", mustParse(t, ParseINN, "123456789047"), "123456789047", "789")
	checkRedacted(t, "OrgINN", mustParse(t, ParseOrgINN, "7707083893"), "7707083893", "083")
	checkRedacted(t, "OGRN", mustParse(t, ParseOGRN, "1027700132195"), "1027700132195", "132")
	checkRedacted(t, "OGRNIP", mustParse(t, ParseOGRNIP, "385768585948949"), "385768585948949", "585")
	checkRedacted(t, "PassportSeries", mustParse(t, ParsePassportSeries, "4508"), "4508", "45")
	checkRedacted(t, "PassportNumber", mustParse(t, ParsePassportNumber, "654987"), "654987", "987")
	checkRedacted(t, "SubdivisionCode", mustParse(t, ParseSubdivisionCode, "772-053"), "772", "053")
	checkRedacted(t, "PassportIssuer", mustParse(t, ParsePassportIssuer, "ОВД Канарейкино"), "Канарейкино")
	checkRedacted(t, "OMS", mustParse(t, ParseOMS, "7734567890123456"), "7734567890123456", "3456")
	checkRedacted(t, "Postcode", mustParse(t, ParsePostcode, "654321"), "654321", "654")
	checkRedacted(t, "Date", mustParse(t, ParseDate, "1957-08-19"), "1957", "08", "19")
	checkRedacted(t, "Gender", mustParse(t, ParseGender, "female"), "female")
	checkRedacted(t, "Citizenship", mustParse(t, ParseCitizenship, "BTN"), "BTN")
	p, err := ParsePatronymic("Канарейкович", false)
	if err != nil {
		t.Fatal(err)
	}
	checkRedacted(t, "Patronymic", p, "Канарейкович")
	checkRedacted(t, "Text", NewText("г. Канарейск, ул. Летняя, д. 7"), "Канарейск", "Летняя")
	d, err := ParseForeignDocument(ForeignResidencePermit, "CANARY 4711", "BTN")
	if err != nil {
		t.Fatal(err)
	}
	checkRedacted(t, "ForeignDocument", d, "CANARY", "4711", "BTN", ForeignResidencePermit)
}
