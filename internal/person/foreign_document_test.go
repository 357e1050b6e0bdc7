package person

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/fault"
)

func TestParseForeignDocument(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                    string
		docType, number, ctry   string
		wantNumber, wantCountry string // "" when invalid
	}{
		{"passport", ForeignPassport, "AB1234567", "KAZ", "AB1234567", "KAZ"},
		{"residence permit", ForeignResidencePermit, "82 1234567", "UZB", "82 1234567", "UZB"},
		{"refugee certificate", ForeignRefugeeCertificate, "RC-000123", "AFG", "RC-000123", "AFG"},
		{"other", ForeignOtherDocument, "X", "DEU", "X", "DEU"},
		{"normalised", ForeignPassport, "  ab  12-34\t56 ", "deu", "AB 12-34 56", "DEU"},
		{"30 characters", ForeignPassport, strings.Repeat("A1", 15), "CHN", strings.Repeat("A1", 15), "CHN"},
		{"31 characters", ForeignPassport, strings.Repeat("A1", 15) + "2", "CHN", "", ""},
		{"unknown type", "visa", "AB1234567", "KAZ", "", ""},
		{"type in capitals", "PASSPORT", "AB1234567", "KAZ", "", ""},
		{"empty type", "", "AB1234567", "KAZ", "", ""},
		{"empty number", ForeignPassport, "", "KAZ", "", ""},
		{"number of spaces", ForeignPassport, "   ", "KAZ", "", ""},
		{"hyphens only", ForeignPassport, "--", "KAZ", "", ""},
		{"Cyrillic letters", ForeignPassport, "МР1234567", "BLR", "", ""},
		{"numero sign", ForeignPassport, "№1234567", "BLR", "", ""},
		{"slash", ForeignPassport, "12/34", "BLR", "", ""},
		{"unknown country", ForeignPassport, "AB1234567", "XXA", "", ""},
		{"alpha-2 country", ForeignPassport, "AB1234567", "KZ", "", ""},
		{"empty country", ForeignPassport, "AB1234567", "", "", ""},
		{"huge number", ForeignPassport, strings.Repeat(" ", 1000) + "A", "KAZ", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseForeignDocument(tt.docType, tt.number, tt.ctry)
			if tt.wantNumber == "" {
				if !errors.Is(err, ErrForeignDocumentInvalid) || !got.IsZero() {
					t.Fatalf("ParseForeignDocument(%q, %q, %q) = %q, %q, %v, want zero, %v",
						tt.docType, tt.number, tt.ctry, got.Number(), got.Country().Value(), err, ErrForeignDocumentInvalid)
				}
				return
			}
			if err != nil || got.Type() != tt.docType || got.Number() != tt.wantNumber || got.Country().Value() != tt.wantCountry {
				t.Fatalf("ParseForeignDocument(%q, %q, %q) = %q, %q, %q, %v, want %q, %q, %q, nil",
					tt.docType, tt.number, tt.ctry, got.Type(), got.Number(), got.Country().Value(), err, tt.docType, tt.wantNumber, tt.wantCountry)
			}
		})
	}
}

func TestParseForeignDocumentNamesTheParts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		docType, number, ctry string
		want                  []string // pointer reason
	}{
		{"type", "visa", "AB1234567", "KAZ", []string{"/type " + ReasonForeignDocumentType}},
		{"number", ForeignPassport, "№1", "KAZ", []string{"/number " + ReasonForeignDocumentNumber}},
		{"country", ForeignPassport, "AB1234567", "KZ", []string{"/country " + ErrCitizenshipInvalid.Slug}},
		{"all three", "", "", "", []string{"/type " + ReasonForeignDocumentType, "/number " + ReasonForeignDocumentNumber, "/country " + ErrCitizenshipInvalid.Slug}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseForeignDocument(tt.docType, tt.number, tt.ctry)
			f, ok := fault.As(err)
			if !ok || !errors.Is(err, ErrForeignDocumentInvalid) {
				t.Fatalf("ParseForeignDocument(%q, %q, %q) error = %v, want %v", tt.docType, tt.number, tt.ctry, err, ErrForeignDocumentInvalid)
			}
			var got []string
			for _, x := range f.Fields {
				got = append(got, x.Pointer+" "+x.Reason)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseForeignDocument(%q, %q, %q) fields (-want +got):\n%s", tt.docType, tt.number, tt.ctry, diff)
			}
		})
	}
}

func TestForeignDocumentKey(t *testing.T) {
	t.Parallel()
	key := func(docType, number, country string) string {
		d, err := ParseForeignDocument(docType, number, country)
		if err != nil {
			t.Fatalf("ParseForeignDocument(%q, %q, %q) error = %v", docType, number, country, err)
		}
		return d.Key()
	}
	base := key(ForeignPassport, "AB1234567", "KAZ")
	if base != "passport/KAZ/AB1234567" {
		t.Errorf("Key() = %q, want passport/KAZ/AB1234567", base)
	}
	tests := []struct {
		name                  string
		docType, number, ctry string
		same                  bool
	}{
		{"case and separators", ForeignPassport, " ab 12-34 567 ", "kaz", true},
		{"hyphens", ForeignPassport, "A-B-1234567", "KAZ", true},
		{"other country", ForeignPassport, "AB1234567", "UZB", false},
		{"other type", ForeignResidencePermit, "AB1234567", "KAZ", false},
		{"other number", ForeignPassport, "AB1234568", "KAZ", false},
	}
	for _, tt := range tests {
		if got := key(tt.docType, tt.number, tt.ctry); (got == base) != tt.same {
			t.Errorf("%s: Key() = %q, base %q, want same = %v", tt.name, got, base, tt.same)
		}
	}
	if (ForeignDocument{}).Key() != "" {
		t.Errorf("zero ForeignDocument has a key")
	}
}
