package local

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// OperatorCredential is one service-centre operator of the local system:
// who they are, the IAM principal they stand for, and the SHA-256 of
// their secret (never the secret itself). In AWS the operator signs with
// IAM credentials instead and API Gateway verifies them.
type OperatorCredential struct {
	OperatorID string `json:"operatorId"`
	CentreID   string `json:"centreId"`
	Principal  string `json:"principalArn"`
	SecretHash string `json:"secretSha256"` // hex
}

// LocalOperator is the operator make run creates on first use, at the
// centre the directory's first seed entry names.
var LocalOperator = OperatorCredential{
	OperatorID: "op-local-0001",
	CentreID:   "mfc-moskva-tverskaya",
	Principal:  "arn:aws:iam::" + AccountID + ":user/operators/op-local-0001",
}

// GenerateOperators writes the operator credentials file path with
// LocalOperator and a fresh random secret, and the secret to secretPath
// (mode 0600, the developer's copy of the credential), unless path
// exists. It returns the secret when it made one, "" otherwise.
func GenerateOperators(path, secretPath string) (string, error) {
	if _, err := os.Stat(path); err == nil {
		return "", nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("operator credentials: %w", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("operator credentials: %w", err)
	}
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	c := LocalOperator
	c.SecretHash = hashSecret(secret)
	raw, err := json.MarshalIndent([]OperatorCredential{c}, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(secretPath, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("operator credentials: %w", err)
	}
	if err := os.WriteFile(path, append(raw, '\n'), 0o600); err != nil {
		return "", fmt.Errorf("operator credentials: %w", err)
	}
	return secret, nil
}

// LoadOperators reads an operator credentials file.
func LoadOperators(path string) ([]OperatorCredential, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("operator credentials: %w", err)
	}
	var cs []OperatorCredential
	if err := json.Unmarshal(raw, &cs); err != nil {
		return nil, fmt.Errorf("operator credentials %s: %w", path, err)
	}
	for i, c := range cs {
		if h, err := hex.DecodeString(c.SecretHash); err != nil || len(h) != sha256.Size || c.Principal == "" {
			return nil, fmt.Errorf("operator credentials %s: entry %d needs a principalArn and a 64-hex-digit secretSha256", path, i)
		}
	}
	return cs, nil
}

func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// OperatorSecret returns the secret of an "Operator <secret>"
// Authorization header (the scheme in any case); ok false for anything
// else, a citizen's "Bearer …" included.
func OperatorSecret(authorization string) (string, bool) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Operator") || secret == "" || len(secret) > 256 {
		return "", false
	}
	return secret, true
}

// OperatorAuthorizer stands in for API Gateway's AWS_IAM authorizer in
// make run and the tests: on the routes it guards, a request must carry
// "Authorization: Operator <secret>" of a configured credential, and the
// handler receives that credential's principal in
// requestContext.authorizer.iam, the shape API Gateway produces for a
// SigV4-signed request, so the handler's code path is the one it has in
// AWS.
type OperatorAuthorizer struct {
	creds  []OperatorCredential
	guards func(routeKey string) bool
}

// NewOperatorAuthorizer authorizes the routes guards names with creds.
func NewOperatorAuthorizer(creds []OperatorCredential, guards func(routeKey string) bool) *OperatorAuthorizer {
	return &OperatorAuthorizer{creds: creds, guards: guards}
}

// Authorize implements IAMAuthorizer. It compares the secret's hash with
// every credential's in constant time.
func (a *OperatorAuthorizer) Authorize(routeKey string, h http.Header) (*events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription, bool) {
	if !a.guards(routeKey) {
		return nil, true
	}
	secret, ok := OperatorSecret(h.Get("Authorization"))
	if !ok {
		return nil, false
	}
	got := []byte(hashSecret(secret))
	var found *OperatorCredential
	for i := range a.creds {
		if subtle.ConstantTimeCompare(got, []byte(strings.ToLower(a.creds[i].SecretHash))) == 1 {
			found = &a.creds[i]
		}
	}
	if found == nil {
		return nil, false
	}
	id := "AIDA" + strings.ToUpper(strings.ReplaceAll(found.OperatorID, "-", ""))
	return &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
		AccessKey: "ASIALOCALOPERATOR", AccountID: AccountID, CallerID: id, UserARN: found.Principal, UserID: id,
	}, true
}
