package profile

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/fault"
)

// FuzzApply feeds arbitrary merge patches to the validation of a draft,
// over an empty draft and an RF citizen's: a refusal is a validation
// fault naming fields only; an accepted patch leaves a draft whose
// citizenship and document agree (when it touched them), and that draft,
// applied again as a patch, is unchanged (every field is stored
// normalised).
func FuzzApply(f *testing.F) {
	for _, s := range []string{
		`{"citizenship":"KAZ","foreignDocument":{"type":"passport","number":"n 1234-5678","country":"kaz"}}`,
		`{"citizenship":"KAZ"}`,
		`{"foreignDocument":{"type":"visa","number":"№","country":"KZ"}}`,
		`{"passport":{"series":"4508","number":"123456","issuer":"ОВД","issueDate":"2010-06-01","subdivisionCode":"770001"},"foreignDocument":{"type":"other","number":"X","country":"DEU"}}`,
		`{"citizenship":null,"passport":null,"snils":"112-233-445 95"}`,
		`{"foreignDocument":null,"citizenship":"rus"}`,
		`{"gender":"female","birthDate":"1990-05-17"}`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	rf := Profile{Citizenship: RF, SNILS: "11223344595",
		Passport: &Passport{Series: "4508", Number: "123456", Issuer: "ОВД", IssueDate: "2010-06-01", SubdivisionCode: "770-001"}}
	f.Fuzz(func(t *testing.T, body string, fromRF bool) {
		var patch Patch
		if json.Unmarshal([]byte(body), &patch) != nil {
			return
		}
		start := Profile{}
		if fromRF {
			start = rf
		}
		got, err := apply(start, patch, now)
		if err != nil {
			fl, ok := fault.As(err)
			if !ok || fl.Kind != fault.Invalid || len(fl.Fields) == 0 {
				t.Fatalf("apply(%s) error = %v, want field faults", body, err)
			}
			for _, x := range fl.Fields {
				if !strings.HasPrefix(x.Pointer, "/") || x.Reason == "" {
					t.Fatalf("apply(%s) field %+v, want a pointer and a reason", body, x)
				}
			}
			return
		}
		_, cit := patch["citizenship"]
		_, pass := patch["passport"]
		_, foreign := patch["foreignDocument"]
		if (cit || pass || foreign) && len(Conflicts(got)) > 0 {
			t.Fatalf("apply(%s) saved a draft whose document and citizenship disagree: %v", body, Conflicts(got))
		}
		raw, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		var again Patch
		if err := json.Unmarshal(raw, &again); err != nil {
			t.Fatal(err)
		}
		round, err := apply(Profile{}, again, now)
		if err != nil {
			t.Fatalf("apply(%s) of the saved draft error = %v, want it accepted", raw, err)
		}
		if diff := cmp.Diff(got, round); diff != "" {
			t.Fatalf("the saved draft applied again changed (-saved +again):\n%s", diff)
		}
	})
}
