// Package app wires configuration, AWS clients and adapters into the flows
// and the HTTP API. Every Lambda main and the local system use it, so the
// wiring exists once.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/registration"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/idempotency"
	"github.com/portalid/portalid/internal/notify"
	"github.com/portalid/portalid/internal/secret"
)

// Options adjust the AWS clients; the local system uses them to talk to
// the emulators.
type Options struct {
	DynamoDB []func(*dynamodb.Options)
	SNS      []func(*sns.Options)
	Logger   *slog.Logger
}

// New builds the HTTP API over the AWS clients made from awsCfg. It fails
// on broken configuration, naming what is wrong but no secret.
func New(ctx context.Context, cfg config.Config, awsCfg aws.Config, opts Options) (*httpapi.API, error) {
	if cfg.TableName == "" {
		return nil, errors.New("TABLE_NAME is not set")
	}
	keys, err := cipher.LoadKeys(ctx, keySource(cfg, awsCfg))
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(awsCfg, opts.DynamoDB...)
	var mail notify.Mailer = notify.NewSES(sesv2.NewFromConfig(awsCfg), cfg.MailFrom)
	if cfg.MailOutbox != "" {
		mail = notify.NewOutbox(cfg.MailOutbox)
	}
	store := dynamo.New(db, cfg.TableName)
	flow := registration.New(registration.Deps{
		Store:  store,
		Sender: notify.NewCourier(notify.NewSMS(sns.NewFromConfig(awsCfg, opts.SNS...), cfg.SMSSenderID), mail),
		Index:  secret.NewHasher(keys.Index),
		Codes:  secret.NewHasher(keys.Code),
		Argon2: secret.Argon2{
			Time: cfg.Password.Argon2Time, MemoryKiB: cfg.Password.Argon2MemKiB, Threads: cfg.Password.Argon2Threads,
		},
		Policy:   secret.Policy{MinLength: cfg.Password.MinLength, MaxLength: cfg.Password.MaxLength},
		Limits:   cfg.Registration,
		LinkBase: cfg.PublicURL,
		Now:      time.Now,
		Rand:     rand.Reader,
	})
	return httpapi.New(httpapi.Services{
		Registration: flow,
		Idempotency:  &idempotency.Keeper{Store: store, TTL: idempotency.DefaultTTL, Now: time.Now},
		Logger:       opts.Logger,
	}), nil
}

// keySource reads the master key from Secrets Manager in AWS, or from the
// file make run generates.
func keySource(cfg config.Config, awsCfg aws.Config) cipher.KeySource {
	if cfg.LocalKeysFile != "" {
		return cipher.FileSource{Path: cfg.LocalKeysFile}
	}
	return cipher.SecretsManagerSource{Client: secretsmanager.NewFromConfig(awsCfg), SecretID: cfg.KeysSecretARN}
}
