package session_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/registration"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/testenv"
	"github.com/portalid/portalid/internal/token"
)

var ctx = context.Background()

const password = "Lantern-Orbit-47"

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

// codes is a registration Sender that keeps the last code per address.
type codes struct {
	mu   sync.Mutex
	last map[string]string
}

func (c *codes) Send(_ context.Context, _, address, _, _ string, params map[string]string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := params["code"]; ok {
		c.last[address] = v
	}
	if l, ok := params["link"]; ok {
		_, tok, _ := strings.Cut(l, "token=")
		c.last[address] = tok
	}
	return nil
}

type env struct {
	flow     *session.Flow
	settings *settings.Flow
	reg      *registration.Flow
	sent     *codes
	clock    *clock
	store    *dynamo.Store
	db       *dynamodb.Client
	table    string
	calls    atomic.Int64
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db, table := testenv.DynamoDB(t)
	e := &env{sent: &codes{last: map[string]string{}}, clock: &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, db: db, table: table}
	e.store = dynamo.New(dynamodb.New(db.Options(), dynamo.CountCalls(&e.calls)), table)
	index := secret.NewHasher([]byte("index-key-for-tests-only-0123456789abcdef"))
	codesKey := secret.NewHasher([]byte("code-key-for-tests-only-0123456789abcdefgh"))
	argon := secret.Argon2{Time: 1, MemoryKiB: 64, Threads: 1}
	e.reg = registration.New(registration.Deps{
		Store: e.store, Sender: e.sent, Index: index, Codes: codesKey, Argon2: argon,
		Policy: secret.Policy{MinLength: 8, MaxLength: 128}, Limits: config.Defaults().Registration,
		LinkBase: "https://web.example", Now: e.clock.Now, Rand: rand.Reader,
	})
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := token.NewKeySigner(priv)
	e.flow, err = session.New(session.Deps{
		Store:    e.store,
		Issuer:   &token.Issuer{Signer: signer, Issuer: "https://portalid.test", Audience: "api", TTL: 15 * time.Minute, Now: e.clock.Now},
		Verifier: token.NewVerifier("https://portalid.test", "api", e.clock.Now, signer.Public()),
		Index:    index, Codes: codesKey, Argon2: argon,
		Limits: config.Defaults().Session, Now: e.clock.Now, Rand: rand.Reader,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.settings = &settings.Flow{Store: e.store, Now: e.clock.Now}
	return e
}

var seq atomic.Int64

// register makes a simplified account through the registration flow and
// returns its phone.
func (e *env) register(t testing.TB) string {
	t.Helper()
	n := seq.Add(1)
	phone := fmt.Sprintf("+7916%07d", n)
	ip := fmt.Sprintf("10.1.%d.%d", n>>8&255, n&255)
	st, err := e.reg.Start(ctx, registration.StartInput{Surname: "Петров", GivenName: "Пётр", Phone: phone, TermsVersion: "1", ClientIP: ip})
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	e.sent.mu.Lock()
	code := e.sent.last[phone]
	e.sent.mu.Unlock()
	if _, err := e.reg.Confirm(ctx, registration.ConfirmInput{ID: st.ID, Code: code}); err != nil {
		t.Fatalf("Confirm() error = %v", err)
	}
	if _, err := e.reg.SetPassword(ctx, registration.PasswordInput{ID: st.ID, Password: password, ClientIP: ip}); err != nil {
		t.Fatalf("SetPassword() error = %v", err)
	}
	return phone
}

func (e *env) login(t testing.TB, login, pw, ip string) (session.Tokens, error) {
	t.Helper()
	return e.flow.Login(ctx, session.LoginInput{Login: login, Password: pw, Client: session.Client{IP: ip, UserAgent: "tests"}})
}

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

func isLoginFailed(err error) bool { return errors.Is(err, session.ErrLoginFailed) }
