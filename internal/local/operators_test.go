package local_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/local"
)

func TestGenerateOperators(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, secretPath := filepath.Join(dir, "operators.json"), filepath.Join(dir, "operator-secret")
	secret, err := local.GenerateOperators(path, secretPath)
	if err != nil || len(secret) < 40 {
		t.Fatalf("GenerateOperators() = %d-character secret, %v; want a fresh one", len(secret), err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), secret) {
		t.Errorf("operators.json holds the secret itself, want only its hash")
	}
	if kept, _ := os.ReadFile(secretPath); strings.TrimSpace(string(kept)) != secret {
		t.Errorf("the secret file holds %q, want the secret", kept)
	}
	if st, _ := os.Stat(secretPath); st.Mode().Perm() != 0o600 {
		t.Errorf("the secret file has mode %v, want 0600", st.Mode().Perm())
	}
	again, err := local.GenerateOperators(path, secretPath)
	if err != nil || again != "" {
		t.Errorf("GenerateOperators() again = %q, %v; want the file kept and no new secret", again, err)
	}
	creds, err := local.LoadOperators(path)
	if err != nil || len(creds) != 1 || creds[0].OperatorID != local.LocalOperator.OperatorID || creds[0].Principal != local.LocalOperator.Principal {
		t.Fatalf("LoadOperators() = %+v, %v; want the local operator", creds, err)
	}
	if err := os.WriteFile(path, []byte(`[{"operatorId":"x","principalArn":"arn","secretSha256":"short"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := local.LoadOperators(path); err == nil {
		t.Errorf("LoadOperators(bad hash) = nil error")
	}
}

// TestGatewayIAM: the operator routes need an operator credential, which
// the gateway turns into API Gateway's IAM request context (and drops);
// the citizens' routes get the request as sent, with no IAM identity.
func TestGatewayIAM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secret, err := local.GenerateOperators(filepath.Join(dir, "operators.json"), filepath.Join(dir, "secret"))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := local.LoadOperators(filepath.Join(dir, "operators.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got *events.APIGatewayV2HTTPRequest
	gw := local.NewGateway(func(_ context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		got = &ev
		return events.APIGatewayV2HTTPResponse{StatusCode: 200}, nil
	}, httpapi.Match)
	gw.IAM = local.NewOperatorAuthorizer(creds, httpapi.IAMRoute)
	tests := []struct {
		name, path, authorization string
		status                    int
		principal                 string // "" for no IAM identity
		keepsHeader               bool
	}{
		{"operator route, operator credential", "/v1/operator/account-searches", "Operator " + secret, 200, local.LocalOperator.Principal, false},
		{"scheme in any case", "/v1/operator/accounts/x/confirmation", "operator " + secret, 200, local.LocalOperator.Principal, false},
		{"operator route, wrong secret", "/v1/operator/account-searches", "Operator " + secret + "x", 403, "", false},
		{"operator route, citizen's bearer token", "/v1/operator/account-searches", "Bearer eyJhbGciOiJFUzI1NiJ9.e30.sig", 403, "", false},
		{"operator route, no credential", "/v1/operator/accounts/x/passport-checks", "", 403, "", false},
		{"citizen route, operator credential", "/v1/me/password", "Operator " + secret, 200, "", true},
		{"public route", "/v1/registrations", "", 200, "", true},
	}
	for _, tt := range tests {
		got = nil
		method := http.MethodPost
		if strings.HasPrefix(tt.path, "/v1/me/") {
			method = http.MethodPut
		}
		req := httptest.NewRequest(method, tt.path, strings.NewReader(`{}`))
		if tt.authorization != "" {
			req.Header.Set("Authorization", tt.authorization)
		}
		rec := httptest.NewRecorder()
		gw.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, rec.Code, tt.status)
			continue
		}
		if tt.status == 403 {
			if got != nil || rec.Body.String() != `{"message":"Forbidden"}` {
				t.Errorf("%s: the handler ran or the body is %q; want API Gateway's refusal", tt.name, rec.Body)
			}
			continue
		}
		var principal string
		if az := got.RequestContext.Authorizer; az != nil && az.IAM != nil {
			principal = az.IAM.UserARN
		}
		if principal != tt.principal {
			t.Errorf("%s: IAM principal %q, want %q", tt.name, principal, tt.principal)
		}
		if _, kept := got.Headers["authorization"]; kept != (tt.keepsHeader && tt.authorization != "") {
			t.Errorf("%s: authorization header passed on = %v", tt.name, kept)
		}
	}
}

func FuzzOperatorSecret(f *testing.F) {
	for _, s := range []string{"Operator abc", "operator  abc ", "Bearer abc", "Operator", "Operator ", "", "OPERATOR x y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		secret, ok := local.OperatorSecret(h)
		if !ok {
			return
		}
		if secret == "" || len(secret) > 256 || secret != strings.TrimSpace(secret) || !strings.Contains(h, secret) {
			t.Errorf("OperatorSecret(%q) = %q", h, secret)
		}
		if scheme, _, _ := strings.Cut(strings.TrimSpace(h), " "); !strings.EqualFold(scheme, "operator") {
			t.Errorf("OperatorSecret(%q) accepted scheme %q", h, scheme)
		}
	})
}
