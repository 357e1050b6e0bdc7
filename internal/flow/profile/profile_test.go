package profile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/testenv"
)

var (
	ctx = context.Background()
	now = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
)

func newFlow(t *testing.T) (*profile.Flow, *dynamodb.Client, string) {
	t.Helper()
	db, table := testenv.DynamoDB(t)
	keys, err := cipher.NewLocalDataKeys(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &profile.Flow{Store: dynamo.New(db, table), Sealer: &cipher.Envelope{Keys: keys}, Now: func() time.Time { return now }}, db, table
}

func patch(t *testing.T, s string) profile.Patch {
	t.Helper()
	var p profile.Patch
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDraftsSaveAndResume(t *testing.T) {
	t.Parallel()
	f, db, table := newFlow(t)
	steps := []string{
		`{"gender":"female","birthDate":"1990-05-17"}`,
		`{"snils":"112-233-445 95","citizenship":"rus"}`,
		`{"passport":{"series":"45 08","number":"123456","issuer":"ОВД района Арбат г. Москвы","issueDate":"2010-06-01","subdivisionCode":"770001"}}`,
		`{"gender":null,"noPatronymic":true,"birthPlace":"г. Москва"}`,
	}
	for _, s := range steps {
		if _, err := f.Save(ctx, "acc1", patch(t, s)); err != nil {
			t.Fatalf("Save(%s) error = %v", s, err)
		}
	}
	got, version, err := f.Get(ctx, "acc1")
	if err != nil {
		t.Fatal(err)
	}
	want := profile.Profile{
		NoPatronymic: true, BirthDate: "1990-05-17", BirthPlace: "г. Москва", Citizenship: "RUS", SNILS: "11223344595",
		Passport: &profile.Passport{Series: "4508", Number: "123456", Issuer: "ОВД района Арбат г. Москвы", IssueDate: "2010-06-01", SubdivisionCode: "770-001"},
	}
	if diff := cmp.Diff(want, got); diff != "" || version != 4 {
		t.Errorf("Get() version %d, diff (-want +got):\n%s", version, diff)
	}
	if m := profile.Missing(got, now); fmt.Sprint(m) != "[/gender]" {
		t.Errorf("Missing() = %v, want [/gender]", m)
	}
	// At rest it is one sealed blob: no field is readable in the table.
	res, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		raw := fmt.Sprint(it)
		for _, pd := range []string{"11223344595", "123456", "1990-05-17", "Арбат", "4508"} {
			if strings.Contains(raw, pd) {
				t.Errorf("the stored item shows personal data in clear")
			}
		}
	}
}

func TestBadFieldsChangeNothing(t *testing.T) {
	t.Parallel()
	f, _, _ := newFlow(t)
	if _, err := f.Save(ctx, "acc2", patch(t, `{"gender":"male"}`)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		body     string
		pointers []string
	}{
		{`{"snils":"112-233-445 96"}`, []string{"/snils"}},
		{`{"inn":"123456789048","gender":"x"}`, []string{"/gender", "/inn"}},
		{`{"birthDate":"2030-01-01"}`, []string{"/birthDate"}},
		{`{"birthDate":"1990-02-30"}`, []string{"/birthDate"}},
		{`{"passport":{"series":"45","number":"12345","issuer":"","issueDate":"x","subdivisionCode":"77-001"}}`,
			[]string{"/passport/issueDate", "/passport/issuer", "/passport/number", "/passport/series", "/passport/subdivisionCode"}},
		{`{"passport":{"series":"4508","extra":1}}`, []string{"/passport"}},
		{`{"registrationAddress":{"postcode":"012345","text":"ул. Ленина, 1"}}`, []string{"/registrationAddress/postcode"}},
		{`{"citizenship":"XYZ"}`, []string{"/citizenship"}},
		{`{"gender":12}`, []string{"/gender"}},
		{`{"admin":true}`, []string{"/admin"}},
		{`{"patronymic":"Ивановна","noPatronymic":true}`, []string{"/noPatronymic"}},
	}
	for _, tt := range tests {
		_, err := f.Save(ctx, "acc2", patch(t, tt.body))
		fl, ok := fault.As(err)
		if !ok {
			t.Errorf("Save(%s) error = %v, want field faults", tt.body, err)
			continue
		}
		var got []string
		for _, x := range fl.Fields {
			got = append(got, x.Pointer)
		}
		if diff := cmp.Diff(tt.pointers, sorted(got)); diff != "" {
			t.Errorf("Save(%s) pointers (-want +got):\n%s", tt.body, diff)
		}
	}
	p, version, _ := f.Get(ctx, "acc2")
	if version != 1 || p.Gender != "male" {
		t.Errorf("after bad patches: version %d, gender %q; want 1 and male (unchanged)", version, p.Gender)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestConcurrentSaves: saves of different fields at once all land.
func TestConcurrentSaves(t *testing.T) {
	t.Parallel()
	f, _, _ := newFlow(t)
	bodies := []string{`{"gender":"female"}`, `{"citizenship":"RUS"}`, `{"snils":"11223344595"}`, `{"birthPlace":"Тверь"}`, `{"inn":"500100732259"}`}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, b := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := f.Save(ctx, "acc3", patch(t, b)); err != nil {
				t.Errorf("Save(%s) error = %v", b, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	p, version, err := f.Get(ctx, "acc3")
	if err != nil || version != 5 || p.Gender == "" || p.Citizenship == "" || p.SNILS == "" || p.BirthPlace == "" || p.INN == "" {
		t.Errorf("after concurrent saves: %+v version %d (%v), want all five fields at version 5", p, version, err)
	}
}

func TestMissing(t *testing.T) {
	t.Parallel()
	full := profile.Profile{
		Patronymic: "Ивановна", Gender: "female", BirthDate: "1990-05-17", BirthPlace: "Тверь", Citizenship: "RUS", SNILS: "11223344595",
		Passport: &profile.Passport{Series: "4508", Number: "123456", Issuer: "ОВД", IssueDate: "2010-06-01", SubdivisionCode: "770-001"},
	}
	tests := []struct {
		name string
		edit func(*profile.Profile)
		want []string
	}{
		{"complete", func(*profile.Profile) {}, nil},
		{"empty", func(p *profile.Profile) { *p = profile.Profile{} }, []string{"/patronymic", "/gender", "/birthDate", "/birthPlace", "/citizenship"}},
		{"RF citizen without passport and SNILS", func(p *profile.Profile) { p.Passport, p.SNILS = nil, "" }, []string{"/passport", "/snils"}},
		{"foreign citizen needs no SNILS", func(p *profile.Profile) {
			p.Citizenship, p.Passport, p.SNILS = "DEU", nil, ""
			p.ForeignDocument = &profile.ForeignDocument{Type: "passport", Number: "C01X00T47", Country: "DEU"}
		}, nil},
		{"foreign citizen without a foreign document", func(p *profile.Profile) { p.Citizenship, p.Passport, p.SNILS = "DEU", nil, "" }, []string{"/foreignDocument"}},
		{"foreign citizen with an RF passport: a conflict, not missing", func(p *profile.Profile) { p.Citizenship, p.SNILS = "DEU", "" }, []string{"/foreignDocument"}},
		{"no citizenship: no document asked for yet", func(p *profile.Profile) { p.Citizenship, p.Passport, p.SNILS = "", nil, "" }, []string{"/citizenship"}},
		{"passport before the 14th birthday", func(p *profile.Profile) { p.Passport.IssueDate = "2003-01-01" }, []string{"/passport/issueDate"}},
		{"no patronymic, said so", func(p *profile.Profile) { p.Patronymic, p.NoPatronymic = "", true }, nil},
	}
	for _, tt := range tests {
		p := full
		pp := *full.Passport
		p.Passport = &pp
		tt.edit(&p)
		if diff := cmp.Diff(tt.want, profile.Missing(p, now)); diff != "" {
			t.Errorf("%s: Missing() (-want +got):\n%s", tt.name, diff)
		}
	}
}
