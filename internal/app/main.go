package app

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/logging"
	"github.com/portalid/portalid/internal/metric"
)

// Main is the whole main of an API Lambda function: logger, configuration,
// AWS clients, the flows of that function, lambda.Start. It exits on
// broken configuration after logging which part is broken (never a value).
func Main(function string) {
	ctx, cfg, awsCfg, log := boot(function)
	api, err := New(ctx, cfg, awsCfg, Options{Function: function, Logger: log, Metrics: metrics(cfg)})
	exitOn(log, function, err)
	lambda.Start(api.Handle)
}

// MainTasks is the whole main of the Step Functions task function.
func MainTasks() {
	ctx, cfg, awsCfg, log := boot("tasks")
	d, err := Tasks(ctx, cfg, awsCfg, Options{Function: "tasks", Logger: log, Metrics: metrics(cfg)})
	exitOn(log, "tasks", err)
	lambda.Start(d.Lambda)
}

func boot(function string) (context.Context, config.Config, aws.Config, *slog.Logger) {
	log := logging.Lambda()
	slog.SetDefault(log)
	ctx := context.Background()
	cfg, err := config.Load(os.LookupEnv)
	exitOn(log, function, err)
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	exitOn(log, function, err)
	return ctx, cfg, awsCfg, log
}

// metrics writes EMF lines to stdout, where Lambda hands them to
// CloudWatch Logs, which extracts the metrics.
func metrics(cfg config.Config) *metric.Emitter {
	return metric.New(os.Stdout, cfg.MetricNamespace, cfg.Stage, time.Now)
}

func exitOn(log *slog.Logger, function string, err error) {
	if err != nil {
		log.Error("cold start failed", "function", function, "error", err.Error())
		os.Exit(1)
	}
}
