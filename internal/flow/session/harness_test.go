package session_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
)

var ctx = context.Background()

const password = flowtest.Password

// env is flowtest's flows over one table, under the names these tests use.
type env struct {
	*flowtest.Env
	flow     *session.Flow
	settings *settings.Flow
	store    *dynamo.Store
	db       *dynamodb.Client
	table    string
	clock    *flowtest.Clock
}

func newEnv(t testing.TB) *env {
	t.Helper()
	f := flowtest.New(t)
	return &env{Env: f, flow: f.Sessions, settings: f.Settings, store: f.Store, db: f.DB, table: f.Table, clock: f.Clock}
}

// register makes a simplified account through the registration flow and
// returns its phone.
func (e *env) register(t testing.TB) string {
	t.Helper()
	phone, _, _ := e.Register(t, false)
	return phone
}

func (e *env) login(t testing.TB, login, pw, ip string) (session.Tokens, error) {
	t.Helper()
	return e.Login(login, pw, ip)
}

var gate = flowtest.Gate

func isLoginFailed(err error) bool { return errors.Is(err, session.ErrLoginFailed) }
