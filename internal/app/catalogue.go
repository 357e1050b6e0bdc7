package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/portalid/portalid/internal/catalogue"
	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/access"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/token"
)

// catalogueServices are the embedded catalogue and the access check,
// which reads the sealed profile through the profile flow.
func catalogueServices(store *dynamo.Store, envelope *cipher.Envelope) (*catalogue.Catalogue, *access.Flow, error) {
	cat, err := catalogue.Embedded()
	if err != nil {
		return nil, nil, fmt.Errorf("catalogue data: %w", err)
	}
	return cat, &access.Flow{Catalogue: cat, Profiles: &profile.Flow{Store: store, Sealer: envelope, Now: time.Now}}, nil
}

// newCatalogue wires the catalogue function alone. The directory and the
// catalogue are served from memory; the access check authenticates (the
// session and the account from the table, the token's public key) and
// may open the sealed profile (the table, a data key). Nothing here
// hashes an identifier or a code, so unlike the other functions it loads
// no master key in AWS, and its role may neither read the secret nor
// write the table.
func newCatalogue(ctx context.Context, cfg config.Config, awsCfg aws.Config, opts Options) (*httpapi.API, error) {
	keys, err := dataKeys(ctx, cfg, awsCfg)
	if err != nil {
		return nil, err
	}
	sig, err := signer(ctx, cfg, awsCfg)
	if err != nil {
		return nil, err
	}
	store := dynamo.New(dynamodb.NewFromConfig(awsCfg, opts.DynamoDB...), cfg.TableName)
	cat, acc, err := catalogueServices(store, &cipher.Envelope{Keys: keys})
	if err != nil {
		return nil, err
	}
	// API Gateway sends this function no sign-in route: its session flow
	// only authenticates, so it has no token issuer and no hashers.
	sess := &session.Flow{Deps: session.Deps{
		Store: store, Verifier: token.NewVerifier(cfg.PublicURL, Audience, time.Now, sig.Public()), Now: time.Now,
	}}
	return httpapi.New(httpapi.Services{Catalogue: cat, Access: acc, Session: sess, Logger: opts.Logger}), nil
}

// dataKeys are the data keys of personal data: KMS in AWS, or derived
// from the local master key file in make run and tests.
func dataKeys(ctx context.Context, cfg config.Config, awsCfg aws.Config) (cipher.DataKeys, error) {
	if cfg.LocalKeysFile == "" {
		if cfg.DataKeyID == "" {
			return nil, errors.New("DATA_KEY_ID is not set")
		}
		return cipher.KMSDataKeys{Client: kms.NewFromConfig(awsCfg), KeyID: cfg.DataKeyID}, nil
	}
	master, err := keySource(cfg, awsCfg).Master(ctx)
	if err != nil {
		return nil, fmt.Errorf("load master key: %w", err)
	}
	defer clear(master)
	return cipher.NewLocalDataKeys(master)
}
