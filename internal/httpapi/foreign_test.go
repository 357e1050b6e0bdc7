package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// TestForeignCitizenProfileOverHTTP: a foreign citizen's draft with a
// foreign document over API Gateway events; inconsistent or bad
// documents are refused as problem+json naming the field and the reason,
// echoing nothing and writing nothing; a submission without the document
// names it.
func TestForeignCitizenProfileOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	as := s.signedIn(t, "+79123450201")
	const canary = "QZ7730019"
	doc := `{"type":"passport","number":"qz 773-0019","country":"uzb"}`

	// A foreign document before the citizenship is a draft like any.
	patch := as("PATCH", "/v1/me/profile", `{"foreignDocument":`+doc+`}`)
	patch.Headers["content-type"] = "application/merge-patch+json"
	if res, _ := s.do(t, patch); res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH foreign document = %d %s, want 200", res.StatusCode, res.Body)
	}
	res, body := s.do(t, as("PATCH", "/v1/me/profile",
		`{"citizenship":"UZB","noPatronymic":true,"gender":"male","birthDate":"1991-04-12","birthPlace":"Tashkent"}`))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH citizenship = %d %s, want 200", res.StatusCode, res.Body)
	}
	prof, _ := body["profile"].(map[string]any)
	fd, _ := prof["foreignDocument"].(map[string]any)
	if fd["type"] != "passport" || fd["number"] != "QZ 773-0019" || fd["country"] != "UZB" || prof["snils"] != nil || prof["passport"] != nil {
		t.Errorf("profile = %s, want the normalised foreign document and no SNILS or passport", res.Body)
	}
	if missing, _ := body["missing"].([]any); len(missing) != 0 {
		t.Errorf("missing = %v, want nothing: a foreign citizen needs no SNILS or RF passport", body["missing"])
	}
	version := body["version"]

	rfPassport := `{"series":"4508","number":"123456","issuer":"ОВД района Арбат г. Москвы","issueDate":"2010-06-01","subdivisionCode":"770-001"}`
	tests := []struct {
		name, body string
		want       []string // "pointer reason", in order
	}{
		{"RF passport of a foreign citizen", `{"passport":` + rfPassport + `}`, []string{"/passport passport-rf-citizens-only"}},
		{"RF citizenship over a foreign document", `{"citizenship":"RUS"}`, []string{"/citizenship citizenship-document-mismatch"}},
		{"RF citizenship with the foreign document kept", `{"citizenship":"RUS","foreignDocument":` + doc + `}`,
			[]string{"/foreignDocument foreign-document-foreign-citizens-only"}},
		{"bad document", `{"foreignDocument":{"type":"visa","number":"` + canary + `/1","country":"UZ"}}`,
			[]string{"/foreignDocument/type foreign-document-type-invalid", "/foreignDocument/number foreign-document-number-invalid", "/foreignDocument/country citizenship-invalid"}},
		{"document of the wrong shape", `{"foreignDocument":"` + canary + `"}`, []string{"/foreignDocument wrong-type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pointers []string
			for _, w := range tt.want {
				pointers = append(pointers, strings.Fields(w)[0])
			}
			req := as("PATCH", "/v1/me/profile", tt.body)
			s.badRequest(t, req, http.StatusBadRequest, "validation-failed", pointers, canary)
			_, body := s.do(t, req)
			var got []string
			for _, e := range body["errors"].([]any) {
				e := e.(map[string]any)
				got = append(got, e["pointer"].(string)+" "+e["reason"].(string))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("errors = %v, want %v", got, tt.want)
			}
		})
	}
	if _, body := s.do(t, as("GET", "/v1/me/profile", "")); body["version"] != version {
		t.Errorf("refused patches changed the draft: version %v, want %v", body["version"], version)
	}

	// Without the document the submission says what is missing, and
	// starts nothing.
	if res, _ := s.do(t, as("PATCH", "/v1/me/profile", `{"foreignDocument":null}`)); res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH foreignDocument null = %d %s", res.StatusCode, res.Body)
	}
	s.badRequest(t, as("POST", "/v1/me/identity-checks", `{"consent":true}`), http.StatusBadRequest, "validation-failed", []string{"/foreignDocument"}, canary)

	// At rest and in the logs the document is nowhere in clear.
	res2, err := s.db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(s.table), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res2.Items {
		flat := fmt.Sprint(flatten(it))
		for _, pd := range []string{"QZ 773-0019", "qz 773-0019", "Tashkent", "1991-04-12"} {
			if strings.Contains(flat, pd) || strings.Contains(s.logs.String(), pd) {
				t.Errorf("the foreign citizen's data shows in clear at rest or in the logs")
			}
		}
	}
}
