// Package flowtest wires the flows over a fresh table on DynamoDB Local
// for their tests: registration, sessions, recovery and settings with the
// SPEC defaults, cheap argon2 parameters, a recording sender and a
// settable clock. Only tests import it.
package flowtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/recovery"
	"github.com/portalid/portalid/internal/flow/registration"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/testenv"
	"github.com/portalid/portalid/internal/token"
)

// Password is the password Register gives accounts; NewPassword is one to
// change it to.
const (
	Password    = "Lantern-Orbit-47"
	NewPassword = "Harbour-Comet-93"
)

// Env is the flows over one table.
type Env struct {
	Registration *registration.Flow
	Sessions     *session.Flow
	Recovery     *recovery.Flow
	Settings     *settings.Flow
	Sent         *Recorder
	Clock        *Clock
	Store        *dynamo.Store
	DB           *dynamodb.Client
	Table        string
	Index        secret.Hasher
	Argon2       secret.Argon2
	Calls        atomic.Int64 // DynamoDB operations made through Store
}

// New builds the flows over a fresh table; the clock starts at
// 2026-03-01 09:00 UTC.
func New(t testing.TB) *Env {
	t.Helper()
	db, table := testenv.DynamoDB(t)
	e := &Env{
		Sent: &Recorder{}, Clock: NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), DB: db, Table: table,
		Index:  secret.NewHasher([]byte("index-key-for-tests-only-0123456789abcdef")),
		Argon2: secret.Argon2{Time: 1, MemoryKiB: 64, Threads: 1},
	}
	e.Store = dynamo.New(dynamodb.New(db.Options(), dynamo.CountCalls(&e.Calls)), table)
	codes := secret.NewHasher([]byte("code-key-for-tests-only-0123456789abcdefgh"))
	cfg := config.Defaults()
	policy := secret.Policy{MinLength: cfg.Password.MinLength, MaxLength: cfg.Password.MaxLength}
	e.Registration = registration.New(registration.Deps{
		Store: e.Store, Sender: e.Sent, Index: e.Index, Codes: codes, Argon2: e.Argon2, Policy: policy,
		Limits: cfg.Registration, LinkBase: "https://web.example", Now: e.Clock.Now, Rand: rand.Reader,
	})
	var err error
	e.Recovery, err = recovery.New(recovery.Deps{
		Store: e.Store, Sender: e.Sent, Index: e.Index, Codes: codes, Argon2: e.Argon2, Policy: policy,
		Limits: cfg.Registration, TTL: cfg.Recovery.TTL, Now: e.Clock.Now, Rand: rand.Reader,
	})
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := token.NewKeySigner(priv)
	e.Sessions, err = session.New(session.Deps{
		Store:    e.Store,
		Issuer:   &token.Issuer{Signer: signer, Issuer: "https://portalid.test", Audience: "api", TTL: cfg.Session.AccessTokenTTL, Now: e.Clock.Now},
		Verifier: token.NewVerifier("https://portalid.test", "api", e.Clock.Now, signer.Public()),
		Index:    e.Index, Codes: codes, Argon2: e.Argon2, Limits: cfg.Session, Now: e.Clock.Now, Rand: rand.Reader,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Settings = &settings.Flow{
		Store: e.Store, Now: e.Clock.Now, Sessions: e.Sessions, Sender: e.Sent, Index: e.Index,
		Codes:  challenge.New(codes, e.Index, rand.Reader, cfg.Registration),
		Argon2: e.Argon2, Policy: policy, Rand: rand.Reader,
	}
	return e
}

var seq atomic.Int64

// Register makes a simplified account with a fresh phone, and an e-mail
// too when withEmail, and returns them with the account id. Its sends come
// from their own client address.
func (e *Env) Register(t testing.TB, withEmail bool) (phone, email, accountID string) {
	t.Helper()
	n := seq.Add(1)
	phone = fmt.Sprintf("+7916%07d", n)
	if withEmail {
		email = fmt.Sprintf("person%d@example.org", n)
	}
	addr := fmt.Sprintf("10.9.%d.%d", n>>8&255, n&255)
	ctx := context.Background()
	st, err := e.Registration.Start(ctx, registration.StartInput{
		Surname: "Петрова", GivenName: "Анна", Phone: phone, Email: email, TermsVersion: "1", Locale: "ru", ClientIP: addr,
	})
	if err != nil {
		t.Fatalf("registration Start() error = %v", err)
	}
	if _, err := e.Registration.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Code: e.Sent.LastCode(t, phone)}); err != nil {
		t.Fatalf("registration Confirm() error = %v", err)
	}
	if withEmail {
		if _, err := e.Registration.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Token: e.Sent.LastCode(t, email)}); err != nil {
			t.Fatalf("registration Confirm(e-mail) error = %v", err)
		}
	}
	c, err := e.Registration.SetPassword(ctx, registration.PasswordInput{ID: st.ID, Password: Password, ClientIP: addr})
	if err != nil {
		t.Fatalf("registration SetPassword() error = %v", err)
	}
	return phone, email, c.AccountID
}

// Login signs in from address ip.
func (e *Env) Login(login, password, ip string) (session.Tokens, error) {
	return e.Sessions.Login(context.Background(), session.LoginInput{Login: login, Password: password, Client: session.Client{IP: ip, UserAgent: "tests"}})
}

// Principal signs in and returns the signed-in person, as the API's auth
// check would.
func (e *Env) Principal(t testing.TB, login, ip string) (session.Principal, session.Tokens) {
	t.Helper()
	tk, err := e.Login(login, Password, ip)
	if err != nil {
		t.Fatalf("Login() error = %v", err)
	}
	c := session.Client{IP: ip, UserAgent: "tests"}
	p, err := e.Sessions.Authenticate(context.Background(), "Bearer "+tk.AccessToken, c)
	if err != nil {
		t.Fatalf("Authenticate() error = %v", err)
	}
	return p, tk
}

// SetAccount changes attributes of an account item directly (strings or
// booleans), for what no flow sets yet, such as a level and SNILS index.
func (e *Env) SetAccount(t testing.TB, accountID string, attrs map[string]any) {
	t.Helper()
	update, vals, names := "SET ", map[string]types.AttributeValue{}, map[string]string{}
	i := 0
	for k, v := range attrs {
		if i > 0 {
			update += ", "
		}
		update += fmt.Sprintf("#a%d = :v%d", i, i)
		names[fmt.Sprintf("#a%d", i)] = k
		switch v := v.(type) {
		case bool:
			vals[fmt.Sprintf(":v%d", i)] = &types.AttributeValueMemberBOOL{Value: v}
		default:
			vals[fmt.Sprintf(":v%d", i)] = &types.AttributeValueMemberS{Value: fmt.Sprint(v)}
		}
		i++
	}
	_, err := e.DB.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(e.Table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}, "sk": &types.AttributeValueMemberS{Value: "ACCOUNT"},
		},
		UpdateExpression: aws.String(update), ExpressionAttributeNames: names, ExpressionAttributeValues: vals,
	})
	if err != nil {
		t.Fatalf("UpdateItem(account) error = %v", err)
	}
}

// Items counts the items in the table: a request that fails validation
// must leave it unchanged.
func (e *Env) Items(t testing.TB) int32 {
	t.Helper()
	res, err := e.DB.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(e.Table), Select: types.SelectCount, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("Scan() error = %v", err)
	}
	return res.Count
}

// Owner returns the account a contact's uniqueness item names, "" when
// there is none.
func (e *Env) Owner(t testing.TB, kind, address string) string {
	t.Helper()
	pk := map[string]string{"phone": "PHONE#", "email": "EMAIL#"}[kind] + e.Index.Index(kind, address)
	res, err := e.DB.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(e.Table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: "CONTACT"},
		},
	})
	if err != nil {
		t.Fatalf("GetItem(contact) error = %v", err)
	}
	if v, ok := res.Item["accountId"].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// Wrong returns a 6-digit code that is not right.
func Wrong(right string) string {
	if right == "000000" {
		return "111111"
	}
	return "000000"
}

// Gate starts n goroutines at once and waits for all of them.
func Gate(n int, fn func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}
