package app

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/logging"
)

// Main is the whole main of a Lambda function: logger, configuration,
// AWS clients, the flows of that function, lambda.Start. It exits on
// broken configuration after logging which part is broken (never a value).
func Main(function string) {
	log := logging.Lambda()
	slog.SetDefault(log)
	ctx := context.Background()
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		log.Error("bad configuration", "error", err.Error())
		os.Exit(1)
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		log.Error("aws configuration", "error", err.Error())
		os.Exit(1)
	}
	api, err := New(ctx, cfg, awsCfg, Options{Function: function, Logger: log})
	if err != nil {
		log.Error("wiring", "function", function, "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(api.Handle)
}
