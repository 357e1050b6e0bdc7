// Package testenv gives tests the local backends: a fresh DynamoDB table on
// the DynamoDB Local that make test starts, and an in-process fake SNS.
// Integration tests are gated by environment variables, not build tags: they
// skip when the emulator's variable is unset, and fail instead when CI=true.
// Only tests import this package.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/local"
)

// EnvDynamoDB is the SDK-standard variable naming the DynamoDB endpoint;
// make test (go run ./infra/local exec) sets it.
const EnvDynamoDB = "AWS_ENDPOINT_URL_DYNAMODB"

// Require returns the value of the environment variable name. When it is
// unset the test is skipped, or fails if CI=true: in CI every integration
// test must run.
func Require(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	msg := name + " is unset: run the tests through `go run ./infra/local exec -- go test ./...` (make test)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// DynamoDB returns a client of the DynamoDB Local at AWS_ENDPOINT_URL_DYNAMODB
// and the name of a fresh accounts table (random suffix, so tests run in
// parallel), deleted when the test ends.
func DynamoDB(t testing.TB) (*dynamodb.Client, string) {
	t.Helper()
	Require(t, EnvDynamoDB)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := local.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := local.NewDynamoDBClient(cfg)
	name := "test-" + randomHex(8)
	if err := dynamo.CreateTable(ctx, db, name); err != nil {
		t.Fatalf("create test table: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
		var notFound *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &notFound) {
			t.Errorf("delete test table %s: %v", name, err)
		}
	})
	return db, name
}

// SNS returns an SNS client talking to an in-process fake SNS on
// 127.0.0.1, and the outbox file (in t.TempDir()) where each SMS it
// publishes appears; read it with local.ReadOutbox.
func SNS(t testing.TB) (*sns.Client, string) {
	t.Helper()
	outbox := filepath.Join(t.TempDir(), "sms-outbox.jsonl")
	srv := httptest.NewServer(local.NewSNS(outbox)) // listens on 127.0.0.1
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := local.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := sns.NewFromConfig(cfg, func(o *sns.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
	})
	return client, outbox
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
