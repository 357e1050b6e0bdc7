package faultinject

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// The client options below add the injector to one service's client and
// give it the SDK's standard retryer with a backoff of at most
// maxBackoff (same attempts and retry quota as in production, shorter
// waits), for the app.Options of a test.

// DynamoDBOptions adds the injector to a DynamoDB client.
func (in *Injector) DynamoDBOptions(maxBackoff time.Duration) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, in.Option)
		o.Retryer = standard(maxBackoff)
	}
}

// SNSOptions adds the injector to an SNS client.
func (in *Injector) SNSOptions(maxBackoff time.Duration) func(*sns.Options) {
	return func(o *sns.Options) {
		o.APIOptions = append(o.APIOptions, in.Option)
		o.Retryer = standard(maxBackoff)
	}
}

// SFNOptions adds the injector to a Step Functions client.
func (in *Injector) SFNOptions(maxBackoff time.Duration) func(*sfn.Options) {
	return func(o *sfn.Options) {
		o.APIOptions = append(o.APIOptions, in.Option)
		o.Retryer = standard(maxBackoff)
	}
}

// KMSOptions adds the injector to a KMS client.
func (in *Injector) KMSOptions(maxBackoff time.Duration) func(*kms.Options) {
	return func(o *kms.Options) {
		o.APIOptions = append(o.APIOptions, in.Option)
		o.Retryer = standard(maxBackoff)
	}
}

func standard(maxBackoff time.Duration) *retry.Standard {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.NewExponentialJitterBackoff(maxBackoff)
	})
}
