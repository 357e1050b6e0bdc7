package local

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Region is the AWS region every local client uses.
const Region = "us-east-1"

// Dummy credentials: the emulators accept any, and static values keep a
// developer's real profile out of local runs and tests.
const (
	AccessKeyID     = "local"
	SecretAccessKey = "local"
)

// AWSConfig loads the SDK configuration for local runs and tests: region
// Region and the dummy static credentials. Endpoints come from the
// SDK-standard variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS,
// …), which config.LoadDefaultConfig reads itself.
func AWSConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx,
		awsconfig.WithRegion(Region),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, "")),
	)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load local aws config: %w", err)
	}
	return cfg, nil
}

// DynamoDBOptions adjusts a DynamoDB client for DynamoDB Local: the
// response checksum (X-Amz-Crc32) is not validated.
func DynamoDBOptions(o *dynamodb.Options) {
	o.DisableValidateResponseChecksum = true
}

// NewDynamoDBClient returns a DynamoDB client for DynamoDB Local
// (DynamoDBOptions, then optFns).
func NewDynamoDBClient(cfg aws.Config, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, append([]func(*dynamodb.Options){DynamoDBOptions}, optFns...)...)
}

// Env returns the variables a process needs to reach local endpoints with
// the dummy credentials, as KEY=VALUE pairs. Empty endpoints are left out.
func Env(dynamoDBEndpoint, snsEndpoint string) []string {
	env := []string{
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + Region,
	}
	if dynamoDBEndpoint != "" {
		env = append(env, "AWS_ENDPOINT_URL_DYNAMODB="+dynamoDBEndpoint)
	}
	if snsEndpoint != "" {
		env = append(env, "AWS_ENDPOINT_URL_SNS="+snsEndpoint)
	}
	return env
}
