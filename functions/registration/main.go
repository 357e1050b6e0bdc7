// Command registration is the Lambda function behind the registration
// routes: start, resend, confirm and set password.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/logging"
)

func main() {
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
	api, err := app.New(ctx, cfg, awsCfg, app.Options{Logger: log})
	if err != nil {
		log.Error("wiring", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(api.Handle)
}
