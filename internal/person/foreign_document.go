package person

import (
	"strings"

	"github.com/portalid/portalid/internal/fault"
)

// ErrForeignDocumentInvalid is the fault for a foreign identity document
// that ParseForeignDocument refuses.
var ErrForeignDocumentInvalid = fault.New(fault.Invalid, "foreign-document-invalid")

// The types of foreign identity document (SPEC §2.5).
const (
	ForeignPassport           = "passport"
	ForeignResidencePermit    = "residence-permit"
	ForeignRefugeeCertificate = "refugee-certificate"
	ForeignOtherDocument      = "other"
)

// MaxForeignDocumentNumberLength is the longest document number, in
// characters.
const MaxForeignDocumentNumberLength = 30

// maxForeignNumberInput bounds the raw number input in bytes before white
// space is trimmed and collapsed.
const maxForeignNumberInput = 4 * MaxForeignDocumentNumberLength

// ForeignDocument is a foreign citizen's identity document: its type, its
// number and the country that issued it. It is personal data.
type ForeignDocument struct {
	redaction
	docType string
	number  string
	country Citizenship
}

// The reasons ParseForeignDocument gives for each part it refuses.
const (
	ReasonForeignDocumentType   = "foreign-document-type-invalid"
	ReasonForeignDocumentNumber = "foreign-document-number-invalid"
)

// ParseForeignDocument validates a foreign identity document.
//
// docType is one of ForeignPassport, ForeignResidencePermit,
// ForeignRefugeeCertificate and ForeignOtherDocument. number, with outer
// white space trimmed, inner runs of white space made one space and the
// letters a–z upper-cased, is 1–30 characters of A–Z, 0–9, space and
// hyphen with at least one letter or digit. country is the issuing
// country's ISO 3166-1 alpha-3 code, as ParseCitizenship accepts it.
//
// A refusal is ErrForeignDocumentInvalid whose Fields name every part
// that failed: "/type" (ReasonForeignDocumentType), "/number"
// (ReasonForeignDocumentNumber) and "/country" (citizenship-invalid).
func ParseForeignDocument(docType, number, country string) (ForeignDocument, error) {
	var fs []fault.Field
	switch docType {
	case ForeignPassport, ForeignResidencePermit, ForeignRefugeeCertificate, ForeignOtherDocument:
	default:
		fs = append(fs, fault.Field{Pointer: "/type", Reason: ReasonForeignDocumentType})
	}
	n, ok := foreignNumber(number)
	if !ok {
		fs = append(fs, fault.Field{Pointer: "/number", Reason: ReasonForeignDocumentNumber})
	}
	c, err := ParseCitizenship(country)
	if err != nil {
		fs = append(fs, fault.Field{Pointer: "/country", Reason: ErrCitizenshipInvalid.Slug})
	}
	if len(fs) > 0 {
		return ForeignDocument{}, &fault.Error{Kind: fault.Invalid, Slug: ErrForeignDocumentInvalid.Slug, Fields: fs}
	}
	return ForeignDocument{docType: docType, number: n, country: c}, nil
}

func foreignNumber(s string) (string, bool) {
	if len(s) > maxForeignNumberInput {
		return "", false
	}
	n := strings.Join(strings.Fields(s), " ")
	if len(n) == 0 || len(n) > MaxForeignDocumentNumberLength {
		return "", false
	}
	b := []byte(n)
	alnum := false
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
			alnum = true
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			alnum = true
		case c == ' ', c == '-':
		default:
			return "", false
		}
	}
	return string(b), alnum
}

// Type returns the document type, one of the Foreign… constants.
func (d ForeignDocument) Type() string { return d.docType }

// Number returns the normalised document number.
func (d ForeignDocument) Number() string { return d.number }

// Country returns the issuing country.
func (d ForeignDocument) Country() Citizenship { return d.country }

// IsZero reports whether d holds no document.
func (d ForeignDocument) IsZero() bool { return d == ForeignDocument{} }

// Key is what makes two documents the same one, for the rule that a
// document belongs to one account only: the type, the issuing country and
// the number without its spaces and hyphens ("passport/KAZ/AB1234567"),
// so that "AB 12-34567" and "ab1234567" are one document. The number
// keeps its separators for the registry, which may need them.
func (d ForeignDocument) Key() string {
	if d.IsZero() {
		return ""
	}
	n := strings.NewReplacer(" ", "", "-", "").Replace(d.number)
	return d.docType + "/" + d.country.code + "/" + n
}
