package registration_test

import (
	"context"
	"crypto/rand"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/registration"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/testenv"
)

// recorder is the Sender that keeps what it was asked to send.
type recorder struct{ flowtest.Recorder }

// to returns the messages sent to address, oldest first.
func (r *recorder) to(address string) []flowtest.Message { return r.To(address) }

// lastCode returns the latest SMS code or link token sent to address.
func (r *recorder) lastCode(t testing.TB, address string) string {
	t.Helper()
	return r.LastCode(t, address)
}

// clock is a settable time source (see flowtest.Clock).
type clock = flowtest.Clock

type env struct {
	flow  *registration.Flow
	sent  *recorder
	clock *clock
	store *dynamo.Store
	db    *dynamodb.Client
	table string
	calls atomic.Int64 // DynamoDB operations made through store
}

// newEnv builds the flow over a fresh table on DynamoDB Local with the
// SPEC defaults, cheap argon2 parameters, and limits changed by tune.
func newEnv(t testing.TB, tune ...func(*config.Registration)) *env {
	t.Helper()
	db, table := testenv.DynamoDB(t)
	limits := config.Defaults().Registration
	for _, f := range tune {
		f(&limits)
	}
	e := &env{sent: &recorder{}, clock: flowtest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), db: db, table: table}
	e.store = dynamo.New(dynamodb.New(db.Options(), dynamo.CountCalls(&e.calls)), table)
	e.flow = registration.New(registration.Deps{
		Store:    e.store,
		Sender:   e.sent,
		Index:    secret.NewHasher([]byte("index-key-for-tests-only-0123456789abcdef")),
		Codes:    secret.NewHasher([]byte("code-key-for-tests-only-0123456789abcdefgh")),
		Argon2:   secret.Argon2{Time: 1, MemoryKiB: 64, Threads: 1},
		Policy:   secret.Policy{MinLength: 8, MaxLength: 128},
		Limits:   limits,
		LinkBase: "https://web.example",
		Now:      e.clock.Now,
		Rand:     rand.Reader,
	})
	return e
}

// items counts the items in the table: a request that fails validation
// must leave it unchanged.
func (e *env) items(t testing.TB) int32 {
	t.Helper()
	res, err := e.db.Scan(context.Background(), &dynamodb.ScanInput{
		TableName: aws.String(e.table), Select: types.SelectCount, ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("Scan() error = %v", err)
	}
	return res.Count
}

// countItems counts items whose pk starts with prefix and whose sk is sk.
func (e *env) countItems(t testing.TB, prefix, sk string) int {
	t.Helper()
	res, err := e.db.Scan(context.Background(), &dynamodb.ScanInput{
		TableName: aws.String(e.table), ConsistentRead: aws.Bool(true),
		FilterExpression: aws.String("begins_with(pk, :p) AND sk = :sk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": &types.AttributeValueMemberS{Value: prefix}, ":sk": &types.AttributeValueMemberS{Value: sk},
		},
	})
	if err != nil {
		t.Fatalf("Scan() error = %v", err)
	}
	return int(res.Count)
}

func startInput(phone, email, ip string) registration.StartInput {
	return registration.StartInput{
		Surname: "Иванова", GivenName: "Анна-Мария", Phone: phone, Email: email,
		TermsVersion: "2026-01", Locale: "ru", ClientIP: ip,
	}
}

// gate starts n goroutines at once and waits for all of them.
var gate = flowtest.Gate
