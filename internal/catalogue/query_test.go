package catalogue_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/catalogue"
	"github.com/portalid/portalid/internal/fault"
)

// parseCase is a case of a query parser: the query it gives, or the
// fields ("pointer:reason") of its refusal.
type parseCase[Q any] struct {
	name   string
	params map[string]string
	want   Q
	fields []string
}

func checkParse[Q any](t *testing.T, tests []parseCase[Q], parse func(map[string]string) (Q, error)) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parse(tt.params)
			checkFields(t, err, tt.fields)
			if tt.fields == nil {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("parse(%v) mismatch (-want +got):\n%s", tt.params, diff)
				}
			}
		})
	}
}

func TestParseCentreQuery(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	checkParse(t, []parseCase[catalogue.CentreQuery]{
		{"none", nil, catalogue.CentreQuery{Page: catalogue.Page{Limit: catalogue.DefaultLimit}}, nil},
		{"every filter", map[string]string{"city": "tver,kazan", "type": "mfc", "service": "identity-confirmation,uec-issue", "limit": "5", "cursor": "10"},
			catalogue.CentreQuery{Cities: []string{"tver", "kazan"}, Types: []catalogue.CentreType{catalogue.MFC},
				Services: []catalogue.CentreService{catalogue.IdentityConfirmation, catalogue.UECIssue}, Page: catalogue.Page{Offset: 10, Limit: 5}}, nil},
		{"repeats dropped, blanks trimmed", map[string]string{"city": "tver, tver"}, catalogue.CentreQuery{Cities: []string{"tver"}, Page: catalogue.Page{Limit: 20}}, nil},
		{"unknown city", map[string]string{"city": "gotham"}, catalogue.CentreQuery{}, []string{"/city:unknown-value"}},
		{"unknown type and service", map[string]string{"type": "bank", "service": "haircut"}, catalogue.CentreQuery{}, []string{"/service:unknown-value", "/type:unknown-value"}},
		{"empty value", map[string]string{"city": ""}, catalogue.CentreQuery{}, []string{"/city:query-invalid"}},
		{"empty in a list", map[string]string{"type": "mfc,,post-office"}, catalogue.CentreQuery{}, []string{"/type:query-invalid"}},
		{"case matters", map[string]string{"city": "Tver"}, catalogue.CentreQuery{}, []string{"/city:unknown-value"}},
		{"too many values", map[string]string{"city": strings.Repeat("tver,", 10) + "tver"}, catalogue.CentreQuery{}, []string{"/city:too-long"}},
		{"limit zero", map[string]string{"limit": "0"}, catalogue.CentreQuery{}, []string{"/limit:query-invalid"}},
		{"limit too big", map[string]string{"limit": "101"}, catalogue.CentreQuery{}, []string{"/limit:query-invalid"}},
		{"limit signed", map[string]string{"limit": "+5"}, catalogue.CentreQuery{}, []string{"/limit:query-invalid"}},
		{"limit padded", map[string]string{"limit": "05"}, catalogue.CentreQuery{}, []string{"/limit:query-invalid"}},
		{"cursor not a number", map[string]string{"cursor": "abc"}, catalogue.CentreQuery{}, []string{"/cursor:query-invalid"}},
		{"cursor negative", map[string]string{"cursor": "-1"}, catalogue.CentreQuery{}, []string{"/cursor:query-invalid"}},
		{"cursor huge", map[string]string{"cursor": "99999999999999999999"}, catalogue.CentreQuery{}, []string{"/cursor:query-invalid"}},
		{"unknown parameter", map[string]string{"citi": "tver"}, catalogue.CentreQuery{}, []string{"/citi:unknown-parameter"}},
		{"a search text is not a directory filter", map[string]string{"q": "мфц"}, catalogue.CentreQuery{}, []string{"/q:unknown-parameter"}},
		{"unsafe parameter name", map[string]string{"a/b~c": "1"}, catalogue.CentreQuery{}, []string{":unknown-parameter"}},
	}, c.ParseCentreQuery)
}

func TestParseServiceQuery(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	checkParse(t, []parseCase[catalogue.ServiceQuery]{
		{"none", map[string]string{}, catalogue.ServiceQuery{Page: catalogue.Page{Limit: 20}}, nil},
		{"search and filters", map[string]string{"q": "  Штрафы, ГИБДД! ", "category": "transport", "department": "mvd", "level": "simplified,standard", "limit": "100"},
			catalogue.ServiceQuery{Words: []string{"штраф", "гибдд"}, Categories: []string{"transport"}, Departments: []string{"mvd"},
				Levels: []account.Level{account.Simplified, account.Standard}, Page: catalogue.Page{Limit: 100}}, nil},
		{"ё is е", map[string]string{"q": "Ёлкин"}, catalogue.ServiceQuery{Words: []string{"елкин"}, Page: catalogue.Page{Limit: 20}}, nil},
		{"blank search", map[string]string{"q": " ,.; "}, catalogue.ServiceQuery{Page: catalogue.Page{Limit: 20}}, nil},
		{"search too long", map[string]string{"q": strings.Repeat("я", 101)}, catalogue.ServiceQuery{}, []string{"/q:too-long"}},
		{"too many words", map[string]string{"q": "a b c d e f g h i"}, catalogue.ServiceQuery{}, []string{"/q:too-long"}},
		{"not UTF-8", map[string]string{"q": "\xff\xfe"}, catalogue.ServiceQuery{}, []string{"/q:query-invalid"}},
		{"unknown level", map[string]string{"level": "gold"}, catalogue.ServiceQuery{}, []string{"/level:unknown-value"}},
		{"unknown category and department", map[string]string{"category": "fun", "department": "kgb"}, catalogue.ServiceQuery{},
			[]string{"/category:unknown-value", "/department:unknown-value"}},
		{"a directory filter is not a catalogue one", map[string]string{"city": "tver"}, catalogue.ServiceQuery{}, []string{"/city:unknown-parameter"}},
	}, c.ParseServiceQuery)
}

// checkFields compares a validation fault's fields, sorted, with want
// (nil: no error).
func checkFields(t *testing.T, err error, want []string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("error = %v, want none", err)
		}
		return
	}
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.Invalid || f.Slug != "validation-failed" {
		t.Fatalf("error = %v, want a validation fault", err)
	}
	var got []string
	for _, fl := range f.Fields {
		got = append(got, fl.Pointer+":"+fl.Reason)
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields mismatch (-want +got):\n%s", diff)
	}
}
