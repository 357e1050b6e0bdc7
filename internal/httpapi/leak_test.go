package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestNoSecretsAtRest runs registration and a session through the API and
// then reads every attribute of every item in the table: no password,
// code, refresh token or access token may be stored in clear.
func TestNoSecretsAtRest(t *testing.T) {
	t.Parallel()
	s := newSystem(t)
	const phone, password = "+79123450077", "Canary-Pass-9137"
	res, body := s.do(t, event(t, "POST", "/v1/registrations",
		`{"surname":"Иванова","givenName":"Анна","phone":"`+phone+`","termsVersion":"1"}`))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("start = %d %s", res.StatusCode, res.Body)
	}
	id := body["registrationId"].(string)
	code := s.lastSMSCode(t, phone)
	s.do(t, event(t, "POST", "/v1/registrations/"+id+"/confirm", `{"code":"`+code+`"}`))
	s.do(t, event(t, "POST", "/v1/registrations/"+id+"/password", `{"password":"`+password+`"}`))
	res, body = s.do(t, event(t, "POST", "/v1/sessions", `{"login":"`+phone+`","password":"`+password+`"}`))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("login = %d %s", res.StatusCode, res.Body)
	}
	refresh := body["refreshToken"].(string)
	refreshSecret := refresh[strings.LastIndex(refresh, ".")+1:]
	access := body["accessToken"].(string)

	secrets := map[string]string{"password": password, "sms code": code, "refresh token": refreshSecret, "access token": access}
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{TableName: aws.String(s.table), ConsistentRead: aws.Bool(true)})
	items := 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			items++
			flat := fmt.Sprint(flatten(it))
			for what, v := range secrets {
				if strings.Contains(flat, v) {
					t.Errorf("item %v stores the %s in clear", it["pk"], what)
				}
			}
		}
	}
	if items < 5 {
		t.Errorf("scanned %d items, want the registration, account, contact, session and events", items)
	}
	logs := s.logs.String()
	for what, v := range secrets {
		if strings.Contains(logs, v) {
			t.Errorf("logs contain the %s", what)
		}
	}
}

// flatten renders every string, number and binary value of an item.
func flatten(av map[string]types.AttributeValue) []string {
	var out []string
	var walk func(v types.AttributeValue)
	walk = func(v types.AttributeValue) {
		switch x := v.(type) {
		case *types.AttributeValueMemberS:
			out = append(out, x.Value)
		case *types.AttributeValueMemberN:
			out = append(out, x.Value)
		case *types.AttributeValueMemberB:
			out = append(out, string(x.Value))
		case *types.AttributeValueMemberL:
			for _, e := range x.Value {
				walk(e)
			}
		case *types.AttributeValueMemberM:
			for k, e := range x.Value {
				out = append(out, k)
				walk(e)
			}
		case *types.AttributeValueMemberSS:
			out = append(out, x.Value...)
		}
	}
	for k, v := range av {
		out = append(out, k)
		walk(v)
	}
	return out
}
