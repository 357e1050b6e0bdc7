package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/signature/devca"
)

// signatureSystem is the API with a test CA on its trust list, and what a
// test needs to make an account standard as a passed registry check does.
type signatureSystem struct {
	*system
	issuing  *devca.Authority
	stranger *devca.Authority
	index    secret.Hasher
}

func newSignatureSystem(t *testing.T) *signatureSystem {
	t.Helper()
	root, err := devca.NewRoot("test root", devca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ss := &signatureSystem{}
	if ss.issuing, err = root.Intermediate("test issuing CA", devca.Options{}); err != nil {
		t.Fatal(err)
	}
	if ss.stranger, err = devca.NewRoot("stranger", devca.Options{}); err != nil {
		t.Fatal(err)
	}
	trust := filepath.Join(t.TempDir(), "trust.pem")
	if err := os.WriteFile(trust, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	var keysFile string
	ss.system = newSystemWith(t, func(c *config.Config, _ *app.Options) {
		c.Signature.TrustList = trust
		keysFile = c.LocalKeysFile
	})
	keys, err := cipher.LoadKeys(context.Background(), cipher.FileSource{Path: keysFile})
	if err != nil {
		t.Fatal(err)
	}
	ss.index = secret.NewHasher(keys.Index)
	return ss
}

// makeStandard saves the patronymic and SNILS in the profile over HTTP
// and sets what a passed registry check sets: the level and the SNILS's
// blind index.
func (s *signatureSystem) makeStandard(t *testing.T, as func(method, path, body string) events.APIGatewayV2HTTPRequest, accountID string) {
	t.Helper()
	patch := as("PATCH", "/v1/me/profile", `{"patronymic":"Сергеевна","snils":"112-233-445 95"}`)
	patch.Headers["content-type"] = "application/merge-patch+json"
	if res, _ := s.do(t, patch); res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH profile = %d %s", res.StatusCode, res.Body)
	}
	_, err := s.db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}, "sk": &types.AttributeValueMemberS{Value: "ACCOUNT"},
		},
		UpdateExpression:         aws.String("SET #lvl = :std, snilsIndex = :si"),
		ExpressionAttributeNames: map[string]string{"#lvl": "level"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":std": &types.AttributeValueMemberS{Value: "standard"}, ":si": &types.AttributeValueMemberS{Value: s.index.Index("snils", "11223344595")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sign returns the base64 a client sends: a detached signature over the
// challenge by a certificate for whom, wrapped at 64 characters with CR
// LF as signing tools write it.
func (s *signatureSystem) sign(t *testing.T, by *devca.Authority, whom devca.Person, challenge string) string {
	t.Helper()
	content, err := base64.StdEncoding.DecodeString(challenge)
	if err != nil {
		t.Fatalf("challenge %q is not base64: %v", challenge, err)
	}
	cred, err := by.Issue(whom, devca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	der, err := cred.Sign(content)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(der)
	var lines []string
	for len(b64) > 64 {
		lines, b64 = append(lines, b64[:64]), b64[64:]
	}
	return strings.Join(append(lines, b64), `\r\n`)
}

func TestSignatureOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSignatureSystem(t)
	const phone = "+79123450301"
	as := s.signedIn(t, phone)
	ivanova := devca.Person{Surname: "Иванова", GivenName: "Анна Сергеевна", SNILS: "11223344595"}

	if res, _ := s.do(t, event(t, "POST", "/v1/me/signature-challenges", "")); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a token = %d %s, want 401", res.StatusCode, res.Body)
	}
	res, body := s.do(t, as("POST", "/v1/me/signature-challenges", ""))
	if res.StatusCode != http.StatusConflict || body["type"] != httpapi.ProblemBase+"level-too-low" || res.Headers["content-type"] != "application/problem+json" {
		t.Fatalf("simplified account = %d %s, want 409 level-too-low", res.StatusCode, res.Body)
	}
	_, me := s.do(t, as("GET", "/v1/me", ""))
	s.makeStandard(t, as, me["accountId"].(string))

	// A challenge, twice with one Idempotency-Key: one challenge.
	withKey := func(req events.APIGatewayV2HTTPRequest, key string) events.APIGatewayV2HTTPRequest {
		req.Headers["idempotency-key"] = key
		return req
	}
	first, body := s.do(t, withKey(as("POST", "/v1/me/signature-challenges", "{}"), "sig-1"))
	if first.StatusCode != http.StatusCreated || body["challengeId"] == nil || body["expiresAt"] == nil {
		t.Fatalf("challenge = %d %s, want 201 with challengeId, challenge, expiresAt", first.StatusCode, first.Body)
	}
	again, _ := s.do(t, withKey(as("POST", "/v1/me/signature-challenges", "{}"), "sig-1"))
	if again.Body != first.Body || again.Headers["idempotent-replayed"] != "true" {
		t.Errorf("repeat = %d %s, want the first answer replayed", again.StatusCode, again.Body)
	}
	// The key is the account's: another person with the same key is
	// answered for themselves, and no token gets nothing.
	other := s.signedIn(t, "+79123450302")
	if res, _ := s.do(t, withKey(other("POST", "/v1/me/signature-challenges", "{}"), "sig-1")); res.StatusCode != http.StatusConflict || strings.Contains(res.Body, body["challengeId"].(string)) {
		t.Errorf("another account, same key = %d %s, want its own answer (409 level-too-low)", res.StatusCode, res.Body)
	}
	if res, _ := s.do(t, withKey(event(t, "POST", "/v1/me/signature-challenges", "{}"), "sig-1")); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token, same key = %d %s, want 401", res.StatusCode, res.Body)
	}

	id, challenge := body["challengeId"].(string), body["challenge"].(string)
	submit := "/v1/me/signature-challenges/" + id
	before := s.items(t)
	for _, tt := range []struct {
		name, body, pointer string
	}{
		{"no signature", `{}`, "/signature"},
		{"not base64", `{"signature":"MIAG*not base64*"}`, "/signature"},
		{"unknown field", `{"signature":"MIAG","certificate":"x"}`, "/certificate"},
	} {
		res, b := s.do(t, as("POST", submit, tt.body))
		if res.StatusCode != http.StatusBadRequest || b["type"] != httpapi.ProblemBase+"validation-failed" || !strings.Contains(res.Body, `"pointer":"`+tt.pointer+`"`) {
			t.Errorf("%s = %d %s, want 400 validation-failed at %s", tt.name, res.StatusCode, res.Body, tt.pointer)
		}
	}
	if after := s.items(t); after != before {
		t.Errorf("bad requests wrote %d items", after-before)
	}

	// Another person's certificate: refused, named by no name, and the
	// challenge is spent.
	stranger := devca.Person{Surname: "Смирнова", GivenName: "Ольга Петровна", SNILS: "12345678964"}
	res, b := s.do(t, as("POST", submit, `{"signature":"`+s.sign(t, s.issuing, stranger, challenge)+`"}`))
	if res.StatusCode != http.StatusForbidden || b["type"] != httpapi.ProblemBase+"certificate-subject-mismatch" {
		t.Fatalf("another person's signature = %d %s, want 403 certificate-subject-mismatch", res.StatusCode, res.Body)
	}
	res, b = s.do(t, as("POST", submit, `{"signature":"`+s.sign(t, s.issuing, ivanova, challenge)+`"}`))
	if res.StatusCode != http.StatusConflict || b["type"] != httpapi.ProblemBase+"challenge-used" {
		t.Errorf("a spent challenge = %d %s, want 409 challenge-used", res.StatusCode, res.Body)
	}
	if res, b := s.do(t, as("POST", "/v1/me/signature-challenges/"+strings.Repeat("a", 26), `{"signature":"MIAG"}`)); res.StatusCode != http.StatusNotFound || b["type"] != httpapi.ProblemBase+"challenge-not-found" {
		t.Errorf("unknown challenge = %d %s, want 404", res.StatusCode, res.Body)
	}

	// An untrusted CA, then the person's own certificate.
	_, body = s.do(t, as("POST", "/v1/me/signature-challenges", ""))
	res, b = s.do(t, as("POST", "/v1/me/signature-challenges/"+body["challengeId"].(string), `{"signature":"`+s.sign(t, s.stranger, ivanova, body["challenge"].(string))+`"}`))
	if res.StatusCode != http.StatusForbidden || b["type"] != httpapi.ProblemBase+"certificate-untrusted" {
		t.Errorf("untrusted CA = %d %s, want 403 certificate-untrusted", res.StatusCode, res.Body)
	}
	_, body = s.do(t, as("POST", "/v1/me/signature-challenges", ""))
	res, b = s.do(t, as("POST", "/v1/me/signature-challenges/"+body["challengeId"].(string), `{"signature":"`+s.sign(t, s.issuing, ivanova, body["challenge"].(string))+`"}`))
	if res.StatusCode != http.StatusOK || b["level"] != "confirmed" || b["confirmationMethod"] != "signature" {
		t.Fatalf("the person's signature = %d %s, want 200 confirmed by signature", res.StatusCode, res.Body)
	}
	if _, me := s.do(t, as("GET", "/v1/me", "")); me["level"] != "confirmed" || me["confirmationMethod"] != "signature" {
		t.Errorf("GET /v1/me = %v, want confirmed by signature", me)
	}
	if sms := s.smsTo(t, phone); len(sms) == 0 || !strings.Contains(sms[len(sms)-1], "электронной подписью") {
		t.Errorf("SMS = %q, want the confirmation notice last", sms)
	}
	if res, b := s.do(t, as("POST", "/v1/me/signature-challenges", "")); res.StatusCode != http.StatusConflict || b["type"] != httpapi.ProblemBase+"already-confirmed" {
		t.Errorf("challenge when confirmed = %d %s, want 409 already-confirmed", res.StatusCode, res.Body)
	}
	for _, canary := range []string{"Смирнова", "Ольга", "12345678964", "11223344595", "Сергеевна"} {
		if strings.Contains(s.logs.String(), canary) {
			t.Errorf("the logs contain %q", canary)
		}
	}
}

// TestConfirmationFunction checks the wiring of the confirmation Lambda:
// it serves the signature routes behind authentication, and not the
// routes of other functions.
func TestConfirmationFunction(t *testing.T) {
	t.Parallel()
	s := newSystemWith(t, func(_ *config.Config, o *app.Options) { o.Function = "confirmation" })
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{"POST", "/v1/me/signature-challenges", http.StatusUnauthorized},
		{"POST", "/v1/me/signature-challenges/" + strings.Repeat("a", 26), http.StatusUnauthorized},
		{"GET", "/v1/me", http.StatusNotFound},
		{"POST", "/v1/registrations", http.StatusNotFound},
	} {
		// Another function's route never reaches this one through API
		// Gateway, so its 404 is no exchange of the contract: Handle is
		// called without system.do's check for those.
		req := event(t, tt.method, tt.path, "{}")
		res, err := s.api.Handle(context.Background(), req)
		if err != nil {
			t.Fatalf("Handle() error = %v", err)
		}
		if tt.status != http.StatusNotFound {
			conform(t, req, res)
		}
		if res.StatusCode != tt.status {
			t.Errorf("%s %s = %d %s, want %d", tt.method, tt.path, res.StatusCode, res.Body, tt.status)
		}
	}
}

// TestSignatureChallengeKeyAtOnce sends one Idempotency-Key ten times at
// once: one challenge is made, every answer is it or "in progress".
func TestSignatureChallengeKeyAtOnce(t *testing.T) {
	t.Parallel()
	s := newSignatureSystem(t)
	as := s.signedIn(t, "+79123450311")
	_, me := s.do(t, as("GET", "/v1/me", ""))
	id := me["accountId"].(string)
	s.makeStandard(t, as, id)
	var mu sync.Mutex
	statuses, bodies := map[int]int{}, map[string]bool{}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := as("POST", "/v1/me/signature-challenges", "")
			req.Headers["idempotency-key"] = "at-once"
			<-start
			res, _ := s.do(t, req)
			mu.Lock()
			defer mu.Unlock()
			statuses[res.StatusCode]++
			if res.StatusCode == http.StatusCreated {
				bodies[res.Body] = true
			}
		}()
	}
	close(start)
	wg.Wait()
	if statuses[http.StatusCreated]+statuses[http.StatusConflict] != 10 || len(bodies) != 1 {
		t.Errorf("statuses = %v with %d distinct challenges, want 201s (one challenge) and 409 in-progress", statuses, len(bodies))
	}
	out, err := s.db.Query(context.Background(), &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + id}, ":sk": &types.AttributeValueMemberS{Value: "SIGCHAL#"},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Count != 1 {
		t.Errorf("%d challenges stored, want 1", out.Count)
	}
}
