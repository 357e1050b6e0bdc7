package profile_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/profile"
)

const (
	rfPassport  = `{"series":"4508","number":"123456","issuer":"ОВД района Арбат г. Москвы","issueDate":"2010-06-01","subdivisionCode":"770-001"}`
	kazPassport = `{"type":"passport","number":"n 1234-5678","country":"kaz"}`
)

// TestCitizenshipAndDocument: the identity document must suit the
// citizenship (SPEC §2.3, §2.5). A patch that makes them disagree is
// refused where it made the disagreement, and changes nothing.
func TestCitizenshipAndDocument(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		draft string // saved first
		patch string
		want  []string // "pointer:reason"; nil: saved
		check func(profile.Profile) bool
	}{
		{
			name: "foreign citizen with a foreign document", patch: `{"citizenship":"KAZ","foreignDocument":` + kazPassport + `}`,
			check: func(p profile.Profile) bool {
				return p.ForeignDocument != nil && *p.ForeignDocument == profile.ForeignDocument{Type: "passport", Number: "N 1234-5678", Country: "KAZ"}
			},
		},
		{
			name: "foreign citizen with a SNILS too", patch: `{"citizenship":"KAZ","snils":"112-233-445 95","foreignDocument":` + kazPassport + `}`,
			check: func(p profile.Profile) bool { return p.SNILS == "11223344595" && p.ForeignDocument != nil },
		},
		{
			name: "document before the citizenship", patch: `{"foreignDocument":` + kazPassport + `}`,
			check: func(p profile.Profile) bool { return p.ForeignDocument != nil && p.Citizenship == "" },
		},
		{
			name: "RF citizen with an RF passport", patch: `{"citizenship":"RUS","passport":` + rfPassport + `}`,
			check: func(p profile.Profile) bool { return p.Passport != nil },
		},
		{
			name: "changing citizenship and document together", draft: `{"citizenship":"RUS","passport":` + rfPassport + `}`,
			patch: `{"citizenship":"KAZ","passport":null,"foreignDocument":` + kazPassport + `}`,
			check: func(p profile.Profile) bool {
				return p.Passport == nil && p.ForeignDocument != nil && p.Citizenship == "KAZ"
			},
		},
		{
			name: "RF passport of a foreign citizen", patch: `{"citizenship":"KAZ","passport":` + rfPassport + `}`,
			want: []string{"/passport:" + profile.ReasonPassportRFOnly},
		},
		{
			name: "RF passport added to a foreign citizen", draft: `{"citizenship":"DEU"}`, patch: `{"passport":` + rfPassport + `}`,
			want: []string{"/passport:" + profile.ReasonPassportRFOnly},
		},
		{
			name: "foreign document of an RF citizen", draft: `{"citizenship":"RUS"}`, patch: `{"foreignDocument":` + kazPassport + `}`,
			want: []string{"/foreignDocument:" + profile.ReasonForeignDocumentNotRF},
		},
		{
			name: "citizenship changed away from the passport", draft: `{"citizenship":"RUS","passport":` + rfPassport + `}`, patch: `{"citizenship":"KAZ"}`,
			want: []string{"/citizenship:" + profile.ReasonCitizenshipMismatch},
		},
		{
			name: "citizenship changed to RF over a foreign document", draft: `{"foreignDocument":` + kazPassport + `}`, patch: `{"citizenship":"rus"}`,
			want: []string{"/citizenship:" + profile.ReasonCitizenshipMismatch},
		},
		{
			name: "both documents at once", patch: `{"passport":` + rfPassport + `,"foreignDocument":` + kazPassport + `}`,
			want: []string{"/foreignDocument:" + profile.ReasonOneIdentityDocument, "/passport:" + profile.ReasonOneIdentityDocument},
		},
		{
			name: "second document without a citizenship", draft: `{"passport":` + rfPassport + `}`, patch: `{"foreignDocument":` + kazPassport + `}`,
			want: []string{"/foreignDocument:" + profile.ReasonOneIdentityDocument},
		},
		{
			name: "bad parts of a foreign document", patch: `{"foreignDocument":{"type":"visa","number":"№ 12","country":"KZ"}}`,
			want: []string{"/foreignDocument/country:citizenship-invalid", "/foreignDocument/number:foreign-document-number-invalid", "/foreignDocument/type:foreign-document-type-invalid"},
		},
		{
			name: "unknown part of a foreign document", patch: `{"foreignDocument":{"type":"passport","number":"N1","country":"KAZ","issuer":"x"}}`,
			want: []string{"/foreignDocument:wrong-type"},
		},
		{
			name: "a bad field is reported alone", draft: `{"citizenship":"RUS"}`, patch: `{"foreignDocument":` + kazPassport + `,"gender":"x"}`,
			want: []string{"/gender:gender-invalid"},
		},
	}
	f, _, _ := newFlow(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := "acc-doc-" + string(rune('a'+i))
			if tt.draft != "" {
				if _, err := f.Save(ctx, id, patch(t, tt.draft)); err != nil {
					t.Fatalf("Save(draft) error = %v", err)
				}
			}
			before, version, err := f.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Save(ctx, id, patch(t, tt.patch))
			if tt.want == nil {
				if err != nil || !tt.check(got) || len(profile.Conflicts(got)) != 0 {
					t.Fatalf("Save(%s) = %+v, %v; want it saved, consistent", tt.patch, got, err)
				}
				return
			}
			if _, ok := fault.As(err); !ok {
				t.Fatalf("Save(%s) error = %v, want field faults", tt.patch, err)
			}
			if diff := cmp.Diff(tt.want, sorted(flowtest.Fields(err))); diff != "" {
				t.Errorf("Save(%s) fields (-want +got):\n%s", tt.patch, diff)
			}
			after, afterVersion, err := f.Get(ctx, id)
			if err != nil || afterVersion != version || !cmp.Equal(before, after) {
				t.Errorf("a refused patch changed the draft: version %d → %d", version, afterVersion)
			}
		})
	}
}

// TestConflictsOfOlderDrafts: a draft saved before the rule can still be
// edited where the edit does not touch citizenship or documents; the
// submission (Conflicts) still refuses it.
func TestConflictsOfOlderDrafts(t *testing.T) {
	t.Parallel()
	p := profile.Profile{Citizenship: "DEU", Passport: &profile.Passport{Series: "4508", Number: "123456"}}
	want := []fault.Field{{Pointer: "/passport", Reason: profile.ReasonPassportRFOnly}}
	if diff := cmp.Diff(want, profile.Conflicts(p)); diff != "" {
		t.Errorf("Conflicts() (-want +got):\n%s", diff)
	}
	f, _, _ := newFlow(t)
	saveRaw(t, f, "acc-older", p)
	if _, err := f.Save(ctx, "acc-older", patch(t, `{"gender":"female"}`)); err != nil {
		t.Errorf("Save(gender) of an older draft error = %v, want saved", err)
	}
	if _, err := f.Save(ctx, "acc-older", patch(t, `{"citizenship":"AUT"}`)); err == nil {
		t.Errorf("Save(citizenship) of an older draft saved, want the mismatch refused")
	}
}

// saveRaw seals and writes a draft as it is, past the flow's validation:
// what an older release may have saved.
func saveRaw(t *testing.T, f *profile.Flow, accountID string, p profile.Profile) {
	t.Helper()
	plain, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := f.Sealer.Seal(ctx, plain, []byte("profile/"+accountID))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Store.SaveProfile(ctx, accountID, sealed, 1); err != nil {
		t.Fatal(err)
	}
}
