package recovery_test

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
	"github.com/portalid/portalid/internal/flow/recovery"
	"github.com/portalid/portalid/internal/flow/registration"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/testenv"
	"github.com/portalid/portalid/internal/token"
)

var ctx = context.Background()

const (
	password    = "Lantern-Orbit-47"
	newPassword = "Harbour-Comet-93"
	ip          = "203.0.113.7"
)

// sent is one message a flow asked to deliver.
type sent struct {
	Kind, Address, Template string
	Params                  map[string]string
}

// recorder is a Sender that keeps what it was asked to send.
type recorder struct {
	mu   sync.Mutex
	msgs []sent
}

func (r *recorder) Send(_ context.Context, kind, address, template, _ string, params map[string]string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, sent{kind, address, template, params})
	return nil
}

// to returns the messages sent to address, oldest first.
func (r *recorder) to(address string) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sent
	for _, m := range r.msgs {
		if m.Address == address {
			out = append(out, m)
		}
	}
	return out
}

// since returns the messages sent after the first n.
func (r *recorder) since(n int) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.msgs[n:]...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// lastCode returns the latest code sent to address.
func (r *recorder) lastCode(t testing.TB, address string) string {
	t.Helper()
	msgs := r.to(address)
	for i := len(msgs) - 1; i >= 0; i-- {
		if c, ok := msgs[i].Params["code"]; ok {
			return c
		}
	}
	t.Fatalf("no code was sent to the contact")
	return ""
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type env struct {
	flow     *recovery.Flow
	reg      *registration.Flow
	sessions *session.Flow
	sent     *recorder
	clock    *clock
	store    *dynamo.Store
	db       *dynamodb.Client
	table    string
	index    secret.Hasher
	argon    secret.Argon2
	calls    atomic.Int64 // DynamoDB operations made through store
}

// newEnv builds recovery, registration and sessions over a fresh table on
// DynamoDB Local with the SPEC defaults and cheap argon2 parameters.
func newEnv(t testing.TB) *env {
	t.Helper()
	db, table := testenv.DynamoDB(t)
	e := &env{
		sent: &recorder{}, clock: &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, db: db, table: table,
		index: secret.NewHasher([]byte("index-key-for-tests-only-0123456789abcdef")),
		argon: secret.Argon2{Time: 1, MemoryKiB: 64, Threads: 1},
	}
	e.store = dynamo.New(dynamodb.New(db.Options(), dynamo.CountCalls(&e.calls)), table)
	codes := secret.NewHasher([]byte("code-key-for-tests-only-0123456789abcdefgh"))
	cfg := config.Defaults()
	policy := secret.Policy{MinLength: 8, MaxLength: 128}
	e.reg = registration.New(registration.Deps{
		Store: e.store, Sender: e.sent, Index: e.index, Codes: codes, Argon2: e.argon, Policy: policy,
		Limits: cfg.Registration, LinkBase: "https://web.example", Now: e.clock.Now, Rand: rand.Reader,
	})
	var err error
	e.flow, err = recovery.New(recovery.Deps{
		Store: e.store, Sender: e.sent, Index: e.index, Codes: codes, Argon2: e.argon, Policy: policy,
		Limits: cfg.Registration, TTL: cfg.Recovery.TTL, Now: e.clock.Now, Rand: rand.Reader,
	})
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := token.NewKeySigner(priv)
	e.sessions, err = session.New(session.Deps{
		Store:    e.store,
		Issuer:   &token.Issuer{Signer: signer, Issuer: "https://portalid.test", Audience: "api", TTL: 15 * time.Minute, Now: e.clock.Now},
		Verifier: token.NewVerifier("https://portalid.test", "api", e.clock.Now, signer.Public()),
		Index:    e.index, Codes: codes, Argon2: e.argon, Limits: cfg.Session, Now: e.clock.Now, Rand: rand.Reader,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var seq atomic.Int64

// register makes a simplified account with a phone, and an e-mail too
// when withEmail, and returns the phone, the e-mail and the account id.
func (e *env) register(t testing.TB, withEmail bool) (phone, email, accountID string) {
	t.Helper()
	n := seq.Add(1)
	phone = fmt.Sprintf("+7916%07d", n)
	if withEmail {
		email = fmt.Sprintf("person%d@example.org", n)
	}
	addr := fmt.Sprintf("10.9.%d.%d", n>>8&255, n&255)
	st, err := e.reg.Start(ctx, registration.StartInput{Surname: "Петрова", GivenName: "Анна", Phone: phone, Email: email, TermsVersion: "1", Locale: "ru", ClientIP: addr})
	if err != nil {
		t.Fatalf("registration Start() error = %v", err)
	}
	if _, err := e.reg.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Code: e.sent.lastCode(t, phone)}); err != nil {
		t.Fatalf("registration Confirm() error = %v", err)
	}
	if withEmail {
		msgs := e.sent.to(email)
		link := msgs[len(msgs)-1].Params["link"]
		tok := link[len(link)-43:]
		if _, err := e.reg.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Token: tok}); err != nil {
			t.Fatalf("registration Confirm(e-mail) error = %v", err)
		}
	}
	c, err := e.reg.SetPassword(ctx, registration.PasswordInput{ID: st.ID, Password: password, ClientIP: addr})
	if err != nil {
		t.Fatalf("registration SetPassword() error = %v", err)
	}
	return phone, email, c.AccountID
}

// setAccount changes attributes of an account item directly, for what no
// flow sets yet (a standard level and its SNILS index) or to set a
// security answer without the settings flow.
func (e *env) setAccount(t testing.TB, accountID string, attrs map[string]any) {
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
	_, err := e.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(e.table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}, "sk": &types.AttributeValueMemberS{Value: "ACCOUNT"},
		},
		UpdateExpression: aws.String(update), ExpressionAttributeNames: names, ExpressionAttributeValues: vals,
	})
	if err != nil {
		t.Fatalf("UpdateItem(account) error = %v", err)
	}
}

// items counts the items in the table: a request that fails validation
// must leave it unchanged.
func (e *env) items(t testing.TB) int32 {
	t.Helper()
	res, err := e.db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(e.table), Select: types.SelectCount, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("Scan() error = %v", err)
	}
	return res.Count
}

func (e *env) login(t testing.TB, login, pw string) (session.Tokens, error) {
	t.Helper()
	return e.sessions.Login(ctx, session.LoginInput{Login: login, Password: pw, Client: session.Client{IP: ip, UserAgent: "tests"}})
}

// wrong returns a code that is not right.
func wrong(right string) string {
	if right == "000000" {
		return "111111"
	}
	return "000000"
}

// gate starts n goroutines at once and waits for all of them.
func gate(n int, fn func(i int)) {
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
