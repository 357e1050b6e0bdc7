package profile

import (
	"time"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/person"
)

// RF is the citizenship whose identity document is the RF passport
// (ISO 3166-1 alpha-3).
const RF = "RUS"

// The reasons a profile's citizenship and identity document disagree
// (SPEC §2.3, §2.5): an RF citizen's document is the RF passport, a
// foreign citizen's a foreign document, and a person has one of them.
const (
	ReasonPassportRFOnly       = "passport-rf-citizens-only"
	ReasonForeignDocumentNotRF = "foreign-document-foreign-citizens-only"
	ReasonOneIdentityDocument  = "one-identity-document"
	ReasonCitizenshipMismatch  = "citizenship-document-mismatch"
)

const (
	fieldCitizenship       = "citizenship"
	fieldPassport          = "passport"
	fieldForeignDocument   = "foreignDocument"
	pointerCitizenship     = "/" + fieldCitizenship
	pointerPassport        = "/" + fieldPassport
	pointerForeignDocument = "/" + fieldForeignDocument
)

// Foreign reports whether the profile is a foreign citizen's: a
// citizenship is given and it is not RF.
func (p Profile) Foreign() bool { return p.Citizenship != "" && p.Citizenship != RF }

// Conflicts lists the identity-document fields that disagree with the
// citizenship, as JSON pointers with their reasons: an RF passport of a
// foreign citizen (/passport), a foreign document of an RF citizen
// (/foreignDocument), or, while no citizenship says which applies, both
// documents at once (both pointers).
func Conflicts(p Profile) []fault.Field {
	var out []fault.Field
	switch {
	case p.Citizenship == "":
		if p.Passport != nil && p.ForeignDocument != nil {
			out = append(out,
				fault.Field{Pointer: pointerPassport, Reason: ReasonOneIdentityDocument},
				fault.Field{Pointer: pointerForeignDocument, Reason: ReasonOneIdentityDocument})
		}
	case p.Citizenship == RF:
		if p.ForeignDocument != nil {
			out = append(out, fault.Field{Pointer: pointerForeignDocument, Reason: ReasonForeignDocumentNotRF})
		}
	default:
		if p.Passport != nil {
			out = append(out, fault.Field{Pointer: pointerPassport, Reason: ReasonPassportRFOnly})
		}
	}
	return out
}

// mismatches are the conflicts a patch brings about, reported where the
// patch made them: at the document it set, or, when it changed only the
// citizenship, at /citizenship. A patch that touches neither the
// citizenship nor a document is not held to the rule, so a draft saved
// before the rule existed can still be edited (submission checks it).
func mismatches(p Profile, patch Patch) []fault.Field {
	cit := inPatch(patch, fieldCitizenship)
	if !cit && !inPatch(patch, fieldPassport) && !inPatch(patch, fieldForeignDocument) {
		return nil
	}
	var out []fault.Field
	seen := map[string]bool{}
	for _, c := range Conflicts(p) {
		switch {
		case inPatch(patch, c.Pointer[1:]):
			out = append(out, c)
		case cit && !seen[pointerCitizenship]:
			seen[pointerCitizenship] = true
			out = append(out, fault.Field{Pointer: pointerCitizenship, Reason: ReasonCitizenshipMismatch})
		}
	}
	return out
}

func inPatch(patch Patch, field string) bool {
	_, ok := patch[field]
	return ok
}

// parseForeignDocument validates the document; its fault names the parts
// that failed (/type, /number, /country).
func parseForeignDocument(in ForeignDocument, _ time.Time) (ForeignDocument, error) {
	d, err := person.ParseForeignDocument(in.Type, in.Number, in.Country)
	if err != nil {
		return ForeignDocument{}, err
	}
	return ForeignDocument{Type: d.Type(), Number: d.Number(), Country: d.Country().Value()}, nil
}
