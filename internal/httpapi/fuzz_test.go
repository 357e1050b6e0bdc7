package httpapi

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/fault"
)

// FuzzDecodeBody: whatever the body, decoding never panics, and any
// failure is a fault that names no value from the body.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		`{"surname":"Иванова","givenName":"Анна","phone":"+79123456789","termsVersion":"1"}`,
		`{"surname":12}`, `{"admin":true}`, `[]`, `null`, `{"a":`, ``, `{} {}`, `{"surname":"\u0000"}`,
	} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, body string, b64 bool) {
		req := events.APIGatewayV2HTTPRequest{Body: body, IsBase64Encoded: b64, Headers: map[string]string{"content-type": "application/json"}}
		var v startRequestBody
		err := decode(req, &v, false)
		if err == nil {
			return
		}
		fl, ok := fault.As(err)
		if !ok {
			t.Fatalf("decode() error %v is not a fault", err)
		}
		for _, field := range fl.Fields {
			if len(field.Pointer) > 65 {
				t.Errorf("decode() pointer %q is longer than any field name", field.Pointer)
			}
		}
	})
}

type startRequestBody = startRequest
