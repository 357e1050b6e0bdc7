// Package app wires configuration, AWS clients and adapters into the flows
// and the HTTP API. Every Lambda main and the local system use it, so the
// wiring exists once.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/letter"
	"github.com/portalid/portalid/internal/flow/operator"
	"github.com/portalid/portalid/internal/flow/organisation"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/flow/recovery"
	"github.com/portalid/portalid/internal/flow/registration"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/idempotency"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/notify"
	"github.com/portalid/portalid/internal/postal"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/task"
	"github.com/portalid/portalid/internal/token"
)

// Options adjust the wiring; the local system and tests use them.
type Options struct {
	// Function limits the flows to those of one Lambda function (a
	// folder stem under functions/); "" wires every flow.
	Function string
	DynamoDB []func(*dynamodb.Options)
	SNS      []func(*sns.Options)
	SFN      []func(*sfn.Options)
	Logger   *slog.Logger
	// Metrics writes the EMF metrics of every request and task; nil (the
	// local system, tests) writes none.
	Metrics *metric.Emitter
}

// Audience is the "aud" of access tokens: this API.
const Audience = "portalid-api"

// New builds the HTTP API over the AWS clients made from awsCfg. It fails
// on broken configuration, naming what is wrong but no secret.
func New(ctx context.Context, cfg config.Config, awsCfg aws.Config, opts Options) (*httpapi.API, error) {
	if cfg.TableName == "" {
		return nil, errors.New("TABLE_NAME is not set")
	}
	if opts.Function == "catalogue" {
		return newCatalogue(ctx, cfg, awsCfg, opts)
	}
	c, err := newCore(ctx, cfg, awsCfg, opts)
	if err != nil {
		return nil, err
	}
	store, index, codes := c.store, c.index, c.codes
	argon := secret.Argon2{Time: cfg.Password.Argon2Time, MemoryKiB: cfg.Password.Argon2MemKiB, Threads: cfg.Password.Argon2Threads}
	wants := func(fn string) bool { return opts.Function == "" || opts.Function == fn }
	s := httpapi.Services{Logger: opts.Logger, Metrics: opts.Metrics}

	policy := secret.Policy{MinLength: cfg.Password.MinLength, MaxLength: cfg.Password.MaxLength}
	send := courier(cfg, awsCfg, opts)
	if wants("registration") {
		s.Registration = registration.New(registration.Deps{
			Store:    store,
			Sender:   send,
			Index:    index,
			Codes:    codes,
			Argon2:   argon,
			Policy:   policy,
			Limits:   cfg.Registration,
			LinkBase: cfg.PublicURL,
			Now:      time.Now,
			Rand:     rand.Reader,
		})
	}
	// The recovery flow: its own routes, and operators' restorations.
	newRecovery := func() (*recovery.Flow, error) {
		return recovery.New(recovery.Deps{
			Store:  store,
			Sender: send,
			Index:  index,
			Codes:  codes,
			Argon2: argon,
			Policy: policy,
			Limits: cfg.Registration,
			TTL:    cfg.Recovery.TTL,
			Now:    time.Now,
			Rand:   rand.Reader,
		})
	}
	if wants("recovery") {
		if s.Recovery, err = newRecovery(); err != nil {
			return nil, err
		}
	}
	if wants("registration") || wants("recovery") || wants("confirmation") {
		s.Idempotency = &idempotency.Keeper{Store: store, TTL: idempotency.DefaultTTL, Now: time.Now}
	}
	if wants("session") || wants("account") || wants("confirmation") {
		signer, err := signer(ctx, cfg, awsCfg)
		if err != nil {
			return nil, err
		}
		if s.JWKS, err = token.JWKS(signer.Public()); err != nil {
			return nil, err
		}
		s.Session, err = session.New(session.Deps{
			Store:    store,
			Issuer:   &token.Issuer{Signer: signer, Issuer: cfg.PublicURL, Audience: Audience, TTL: cfg.Session.AccessTokenTTL, Now: time.Now},
			Verifier: token.NewVerifier(cfg.PublicURL, Audience, time.Now, signer.Public()),
			Index:    index,
			Codes:    codes,
			Argon2:   argon,
			Limits:   cfg.Session,
			Now:      time.Now,
			Rand:     rand.Reader,
		})
		if err != nil {
			return nil, err
		}
	}
	if wants("account") {
		s.Profile = &profile.Flow{Store: store, Sealer: c.envelope, Now: time.Now}
		s.Identity = c.identity(cfg, send, nil)
		s.Settings = &settings.Flow{
			Store:    store,
			Now:      time.Now,
			Sessions: s.Session,
			Sender:   send,
			Index:    index,
			Codes:    challenge.New(codes, index, rand.Reader, cfg.Registration),
			Argon2:   argon,
			Policy:   policy,
			Rand:     rand.Reader,
		}
	}
	// Identity confirmation (SPEC §2.4): electronic signature and the
	// registered letter.
	if wants("confirmation") {
		trust, err := signature.LoadTrustList(cfg.Signature.TrustList)
		if err != nil {
			return nil, err
		}
		s.Signature = &sigflow.Flow{
			Store: store, Verifier: signature.NewVerifier(trust), Opener: c.envelope, Sender: send,
			Index: index, TTL: cfg.Signature.ChallengeTTL, Now: time.Now, Rand: rand.Reader,
		}
		s.Letters = c.letters(cfg, send, nil)
		// Legal entities (SPEC §2.5): created by a signature challenge.
		s.Organisations = &organisation.Flow{
			Store: store, Signatures: s.Signature, Index: index,
			MaxMembers: cfg.Organisation.MaxMembers, AddsPerHour: cfg.Organisation.MemberAddsPerHour,
			Now: time.Now, Rand: rand.Reader,
		}
	}
	if wants("catalogue") {
		if s.Catalogue, s.Access, err = catalogueServices(store, c.envelope); err != nil {
			return nil, err
		}
	}
	if wants("operator") {
		rec, err := newRecovery()
		if err != nil {
			return nil, err
		}
		s.Operator = &operator.Flow{
			Store:      store,
			Profiles:   &profile.Flow{Store: store, Sealer: c.envelope, Now: time.Now},
			Recoveries: rec,
			Sender:     send,
			Index:      index,
			Limits:     cfg.Operator,
			Now:        time.Now,
			Rand:       rand.Reader,
		}
	}
	return httpapi.New(s), nil
}

// core is what every function shares: the table, the keyed hashes and
// the envelope encryption of personal data.
type core struct {
	store        *dynamo.Store
	index, codes secret.Hasher
	envelope     *cipher.Envelope
	sfn          *sfn.Client // starts the workflows and answers their task tokens
}

func newCore(ctx context.Context, cfg config.Config, awsCfg aws.Config, opts Options) (core, error) {
	if cfg.TableName == "" {
		return core{}, errors.New("TABLE_NAME is not set")
	}
	src := keySource(cfg, awsCfg)
	master, err := src.Master(ctx)
	if err != nil {
		return core{}, fmt.Errorf("load master key: %w", err)
	}
	defer clear(master)
	keys, err := cipher.DeriveKeys(master)
	if err != nil {
		return core{}, err
	}
	var dataKeys cipher.DataKeys = cipher.KMSDataKeys{Client: kms.NewFromConfig(awsCfg), KeyID: cfg.DataKeyID}
	if cfg.LocalKeysFile != "" {
		if dataKeys, err = cipher.NewLocalDataKeys(master); err != nil {
			return core{}, err
		}
	} else if cfg.DataKeyID == "" {
		return core{}, errors.New("DATA_KEY_ID is not set")
	}
	store := dynamo.New(dynamodb.NewFromConfig(awsCfg, opts.DynamoDB...), cfg.TableName)
	store.EventRetention = cfg.EventRetention
	return core{
		store:    store,
		index:    secret.NewHasher(keys.Index),
		codes:    secret.NewHasher(keys.Code),
		envelope: &cipher.Envelope{Keys: dataKeys},
		sfn:      sfn.NewFromConfig(awsCfg, opts.SFN...),
	}, nil
}

// identity is the identity-check flow; the account function starts
// checks (reg nil), the tasks function runs their steps.
func (c core) identity(cfg config.Config, send *notify.Courier, reg identity.Registry) *identity.Flow {
	return &identity.Flow{
		Store:    c.store,
		Sealer:   c.envelope,
		Registry: reg,
		Workflow: &task.Starter{Client: c.sfn, StateMachine: cfg.IdentityCheckStateMachineARN},
		Sender:   send,
		Index:    c.index,
		Now:      time.Now,
		Rand:     rand.Reader,
	}
}

// letters is the registered-letter flow; the confirmation function
// orders letters and takes codes (provider nil), the tasks function runs
// the postal-letter workflow's steps.
func (c core) letters(cfg config.Config, send *notify.Courier, provider postal.Provider) *letter.Flow {
	return &letter.Flow{
		Store:    c.store,
		Sealer:   c.envelope,
		Provider: provider,
		Workflow: &task.Starter{Client: c.sfn, StateMachine: cfg.PostalLetterStateMachineARN},
		Waker:    &task.Waker{Client: c.sfn},
		Sender:   send,
		Codes:    c.codes,
		Limits:   cfg.Letter,
		Now:      time.Now,
		Rand:     rand.Reader,
	}
}

// Tasks builds the handler of the Step Functions task function. Until the
// registries' real gateways are connected, the registries are the
// simulator, answering through Step Functions (SendTaskSuccess).
func Tasks(ctx context.Context, cfg config.Config, awsCfg aws.Config, opts Options) (task.Dispatcher, error) {
	c, err := newCore(ctx, cfg, awsCfg, opts)
	if err != nil {
		return task.Dispatcher{}, err
	}
	reg := &registry.Simulator{Answerer: &identity.Recorder{Store: c.store, Next: &registry.StepFunctions{Client: c.sfn}, Now: time.Now, Log: opts.Logger}, Latency: cfg.Identity.RegistryLatency}
	send := courier(cfg, awsCfg, opts)
	tasks := task.Identity(c.identity(cfg, send, reg))
	// Until a postal provider's gateway is connected, the simulator
	// carries the letters: printed to LETTER_OUTBOX when set (make run),
	// nowhere in AWS.
	post := &postal.Simulator{TrackingDelay: cfg.Letter.TrackingDelay, DeliveryDelay: cfg.Letter.DeliveryDelay, Log: opts.Logger}
	if cfg.LetterOutbox != "" {
		post.Printer = notify.NewOutbox(cfg.LetterOutbox)
	}
	letters := c.letters(cfg, send, post)
	post.Reporter = letters
	maps.Copy(tasks, task.Letter(letters))
	return task.Dispatcher{Tasks: tasks, Log: opts.Logger, Metrics: opts.Metrics}, nil
}

// courier sends SMS through SNS and mail through SES, or to the local
// mail outbox when one is configured.
func courier(cfg config.Config, awsCfg aws.Config, opts Options) *notify.Courier {
	var mail notify.Mailer = notify.NewSES(sesv2.NewFromConfig(awsCfg), cfg.MailFrom)
	if cfg.MailOutbox != "" {
		mail = notify.NewOutbox(cfg.MailOutbox)
	}
	return notify.NewCourier(notify.NewSMS(sns.NewFromConfig(awsCfg, opts.SNS...), cfg.SMSSenderID), mail)
}

// keySource reads the master key from Secrets Manager in AWS, or from the
// file make run generates.
func keySource(cfg config.Config, awsCfg aws.Config) cipher.KeySource {
	if cfg.LocalKeysFile != "" {
		return cipher.FileSource{Path: cfg.LocalKeysFile}
	}
	return cipher.SecretsManagerSource{Client: secretsmanager.NewFromConfig(awsCfg), SecretID: cfg.KeysSecretARN}
}

// signer signs access tokens with the KMS key in AWS (the private key
// never leaves KMS), or with the key file make run generates.
func signer(ctx context.Context, cfg config.Config, awsCfg aws.Config) (token.Signer, error) {
	if cfg.LocalSigningKeyFile != "" {
		return token.LoadKeyFile(cfg.LocalSigningKeyFile)
	}
	if cfg.SigningKeyID == "" {
		return nil, errors.New("SIGNING_KEY_ID is not set")
	}
	return token.NewKMSSigner(ctx, kms.NewFromConfig(awsCfg), cfg.SigningKeyID)
}
