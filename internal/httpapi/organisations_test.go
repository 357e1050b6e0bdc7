package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/signature/devca"
)

// The organisation of these tests (numbers of the register's examples).
const (
	testOGRN               = "1027700132195"
	testINN                = "7707083893"
	headSNILS, memberSNILS = "11223344595", "12345678964"
)

// romashka is the head's certificate: Иванова Анна Сергеевна, head of ООО
// «Ромашка».
var romashka = devca.Person{Surname: "Иванова", GivenName: "Анна Сергеевна", SNILS: headSNILS, Organisation: "ООО «Ромашка»", OGRN: testOGRN, OrgINN: testINN}

// makeConfirmed saves the patronymic and a SNILS in the profile over HTTP
// and sets what a passed registry check and a confirmation set: the
// level, the method, the SNILS's blind index and its claim.
func (s *signatureSystem) makeConfirmed(t *testing.T, as func(method, path, body string) events.APIGatewayV2HTTPRequest, snils string) string {
	t.Helper()
	_, me := s.do(t, as("GET", "/v1/me", ""))
	id := me["accountId"].(string)
	patch := as("PATCH", "/v1/me/profile", `{"patronymic":"Сергеевна","snils":"`+snils+`"}`)
	patch.Headers["content-type"] = "application/merge-patch+json"
	if res, _ := s.do(t, patch); res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH profile = %d %s", res.StatusCode, res.Body)
	}
	index := s.index.Index("snils", snils)
	ctx := context.Background()
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + id}, "sk": &types.AttributeValueMemberS{Value: "ACCOUNT"},
		},
		UpdateExpression:         aws.String("SET #lvl = :c, confirmationMethod = :m, snilsIndex = :si"),
		ExpressionAttributeNames: map[string]string{"#lvl": "level"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":c": &types.AttributeValueMemberS{Value: "confirmed"}, ":m": &types.AttributeValueMemberS{Value: "signature"},
			":si": &types.AttributeValueMemberS{Value: index},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "SNILS#" + index}, "sk": &types.AttributeValueMemberS{Value: "CONTACT"},
		"accountId": &types.AttributeValueMemberS{Value: id},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestOrganisationsOverHTTP creates an organisation through API Gateway v2
// events with a test certificate, adds and removes a member, and reads
// the lists and the audit events; bad input is problem+json and writes
// nothing, and no answer echoes a SNILS.
func TestOrganisationsOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSignatureSystem(t)
	as := s.signedIn(t, "+79123450601")
	headID := s.makeConfirmed(t, as, headSNILS)

	challenge := func() (string, string) {
		t.Helper()
		res, b := s.do(t, as("POST", "/v1/organisations/signature-challenges", ""))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("challenge = %d %s, want 201", res.StatusCode, res.Body)
		}
		return b["challengeId"].(string), b["challenge"].(string)
	}
	id, c := challenge()
	sig := s.sign(t, s.issuing, romashka, c)
	body := func(name, ogrn, inn, sig string) string {
		return `{"name":"` + name + `","ogrn":"` + ogrn + `","inn":"` + inn + `","challengeId":"` + id + `","signature":"` + sig + `"}`
	}

	// Bad input: problem+json naming the fields, never their values, and
	// nothing written (the challenge stays open).
	before := s.items(t)
	for _, tt := range []struct {
		name, body string
		pointers   []string
	}{
		{"wrong OGRN checksum", body("ООО «Ромашка»", "1027700132196", testINN, sig), []string{"/ogrn"}},
		{"every field wrong", body("<b>", "1027700132196", "7707083894", sig), []string{"/name", "/ogrn", "/inn"}},
		{"no signature", body("ООО «Ромашка»", testOGRN, testINN, ""), []string{"/signature"}},
		{"not base64", body("ООО «Ромашка»", testOGRN, testINN, "*"), []string{"/signature"}},
		{"unknown field", `{"name":"x","head":"me"}`, []string{"/head"}},
	} {
		res, b := s.do(t, as("POST", "/v1/organisations", tt.body))
		if res.StatusCode != http.StatusBadRequest || b["type"] != httpapi.ProblemBase+"validation-failed" || res.Headers["content-type"] != "application/problem+json" {
			t.Errorf("%s = %d %s, want 400 validation-failed", tt.name, res.StatusCode, res.Body)
		}
		for _, p := range tt.pointers {
			if !strings.Contains(res.Body, `"pointer":"`+p+`"`) {
				t.Errorf("%s = %s, want a field error at %s", tt.name, res.Body, p)
			}
		}
		if strings.Contains(res.Body, "1027700132196") || strings.Contains(res.Body, "7707083894") {
			t.Errorf("%s echoes the input: %s", tt.name, res.Body)
		}
	}
	if after := s.items(t); after != before {
		t.Errorf("bad requests wrote %d items", after-before)
	}

	// Created, with its Location; then mine, one, its members.
	create := as("POST", "/v1/organisations", body("ООО «Ромашка»", testOGRN, testINN, sig))
	create.Headers["idempotency-key"] = "org-create-1"
	res, org := s.do(t, create)
	if res.StatusCode != http.StatusCreated || org["role"] != "head" || org["ogrn"] != testOGRN || org["members"] != float64(1) {
		t.Fatalf("create = %d %s, want 201 head", res.StatusCode, res.Body)
	}
	orgID := org["organisationId"].(string)
	if res.Headers["location"] != "/v1/organisations/"+orgID {
		t.Errorf("Location = %q", res.Headers["location"])
	}
	if again, _ := s.do(t, create); again.Body != res.Body || again.Headers["idempotent-replayed"] != "true" {
		t.Errorf("create again with its key = %d %s, want the answer replayed", again.StatusCode, again.Body)
	}
	if res, b := s.do(t, as("GET", "/v1/organisations", "")); res.StatusCode != http.StatusOK || len(b["organisations"].([]any)) != 1 {
		t.Errorf("mine = %d %s", res.StatusCode, res.Body)
	}
	if res, b := s.do(t, as("GET", "/v1/organisations/"+orgID, "")); res.StatusCode != http.StatusOK || b["name"] != "ООО «Ромашка»" {
		t.Errorf("get = %d %s", res.StatusCode, res.Body)
	}

	// The same numbers again: taken (the certificate names them).
	id, c = challenge()
	res, b := s.do(t, as("POST", "/v1/organisations", body("ООО «Ромашка»", testOGRN, testINN, s.sign(t, s.issuing, romashka, c))))
	if res.StatusCode != http.StatusConflict || b["type"] != httpapi.ProblemBase+"ogrn-taken" {
		t.Errorf("the same OGRN again = %d %s, want 409 ogrn-taken", res.StatusCode, res.Body)
	}

	// A member: confirmed, added by SNILS and surname, removed.
	other := s.signedIn(t, "+79123450602")
	memberID := s.makeConfirmed(t, other, memberSNILS)
	add := `{"snils":"123-456-789 64","surname":"иванова","role":"employee"}`
	if res, b := s.do(t, other("POST", "/v1/organisations/"+orgID+"/members", add)); res.StatusCode != http.StatusNotFound || b["type"] != httpapi.ProblemBase+"organisation-not-found" {
		t.Errorf("a non-member adds = %d %s, want 404 organisation-not-found", res.StatusCode, res.Body)
	}
	res, b = s.do(t, as("POST", "/v1/organisations/"+orgID+"/members", `{"snils":"123-456-789 64","surname":"Петрова","role":"employee"}`))
	if res.StatusCode != http.StatusBadRequest || b["type"] != httpapi.ProblemBase+"member-not-eligible" || strings.Contains(res.Body, "789") {
		t.Errorf("another surname = %d %s, want 400 member-not-eligible", res.StatusCode, res.Body)
	}
	res, b = s.do(t, as("POST", "/v1/organisations/"+orgID+"/members", add))
	if res.StatusCode != http.StatusCreated || b["accountId"] != memberID || b["role"] != "employee" || strings.Contains(res.Body, "789") {
		t.Fatalf("add = %d %s, want 201", res.StatusCode, res.Body)
	}
	if res, b := s.do(t, other("GET", "/v1/organisations/"+orgID+"/members", "")); res.StatusCode != http.StatusOK || len(b["members"].([]any)) != 2 {
		t.Errorf("members = %d %s", res.StatusCode, res.Body)
	}
	if res, b := s.do(t, other("GET", "/v1/organisations/"+orgID+"/events", "")); res.StatusCode != http.StatusForbidden || b["type"] != httpapi.ProblemBase+"organisation-role-required" {
		t.Errorf("events for an employee = %d %s, want 403", res.StatusCode, res.Body)
	}
	if res, b := s.do(t, other("DELETE", "/v1/organisations/"+orgID+"/members/"+headID, "")); res.StatusCode != http.StatusForbidden || b["type"] != httpapi.ProblemBase+"organisation-head-required" {
		t.Errorf("an employee removes the head = %d %s, want 403", res.StatusCode, res.Body)
	}
	if res, b := s.do(t, as("DELETE", "/v1/organisations/"+orgID+"/members/"+headID, "")); res.StatusCode != http.StatusConflict || b["type"] != httpapi.ProblemBase+"head-not-removable" {
		t.Errorf("the head removes himself = %d %s, want 409", res.StatusCode, res.Body)
	}
	if res, _ := s.do(t, as("DELETE", "/v1/organisations/"+orgID+"/members/"+memberID, "")); res.StatusCode != http.StatusNoContent {
		t.Errorf("remove = %d %s, want 204", res.StatusCode, res.Body)
	}
	res, b = s.do(t, as("GET", "/v1/organisations/"+orgID+"/events", ""))
	evs, _ := b["events"].([]any)
	if res.StatusCode != http.StatusOK || len(evs) != 3 || evs[0].(map[string]any)["kind"] != "organisation-member-removed" {
		t.Errorf("events = %d %s, want removed, added, created", res.StatusCode, res.Body)
	}
	_, b = s.do(t, other("GET", "/v1/me/events", ""))
	if evs, _ := b["events"].([]any); len(evs) == 0 || evs[0].(map[string]any)["kind"] != "organisation-member-removed" {
		t.Errorf("the member's events = %v, want the removal newest", b)
	}
	// The logs name routes, faults and ids: no SNILS, surname or signature.
	for _, canary := range []string{memberSNILS, "123-456-789", "иванова", "Иванова", sig[:40]} {
		if strings.Contains(s.logs.String(), canary) {
			t.Errorf("the logs hold %q", canary)
		}
	}
}

// organisationExchanges: a confirmed person gets a challenge, creates an
// organisation, adds a member, reads the lists and events, removes him.
func organisationExchanges(t *testing.T) []exchange {
	t.Helper()
	s := newSignatureSystem(t)
	r := &recorder{t: t, s: s.system}
	as := s.signedIn(t, "+79123450941")
	s.makeConfirmed(t, as, headSNILS)
	start := as("POST", "/v1/organisations/signature-challenges", "")
	start.Headers["idempotency-key"] = "org-contract-1"
	c := r.call(start, 201)
	sig := s.sign(t, s.issuing, romashka, c["challenge"].(string))
	create := as("POST", "/v1/organisations", `{"name":"ООО «Ромашка»","ogrn":"`+testOGRN+`","inn":"`+testINN+`","challengeId":"`+c["challengeId"].(string)+`","signature":"`+sig+`"}`)
	create.Headers["idempotency-key"] = "org-contract-2"
	org := "/v1/organisations/" + r.call(create, 201)["organisationId"].(string)
	other := s.signedIn(t, "+79123450942")
	memberID := s.makeConfirmed(t, other, memberSNILS)
	add := as("POST", org+"/members", `{"snils":"123-456-789 64","surname":"Иванова","role":"administrator"}`)
	add.Headers["idempotency-key"] = "org-contract-3"
	r.call(add, 201)
	r.call(as("GET", "/v1/organisations", ""), 200)
	r.call(other("GET", org, ""), 200)
	r.call(other("GET", org+"/members", ""), 200)
	r.call(withQuery(other("GET", org+"/events", ""), map[string]string{"limit": "1"}), 200)
	r.call(as("DELETE", org+"/members/"+memberID, ""), 204)
	return r.seen
}
