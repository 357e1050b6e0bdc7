package testenv_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/testenv"
)

func TestDynamoDB(t *testing.T) {
	t.Parallel()
	db, table := testenv.DynamoDB(t)
	ctx := t.Context()

	_, err := db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(table),
		Item: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#1"},
			"sk": &types.AttributeValueMemberS{Value: "PROFILE"},
		},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	if err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#1"}, "sk": &types.AttributeValueMemberS{Value: "PROFILE"}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		t.Fatalf("GetItem = %v, %v; want the item", out, err)
	}
	ttl, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("DescribeTimeToLive: %v", err)
	}
	if got := ttl.TimeToLiveDescription.TimeToLiveStatus; got != types.TimeToLiveStatusEnabled {
		t.Errorf("TTL status = %s, want ENABLED", got)
	}
}

func TestDynamoDBTablesAreSeparate(t *testing.T) {
	t.Parallel()
	_, a := testenv.DynamoDB(t)
	_, b := testenv.DynamoDB(t)
	if a == b {
		t.Errorf("two calls gave the same table %q", a)
	}
}

func TestSNS(t *testing.T) {
	t.Parallel()
	client, outbox := testenv.SNS(t)
	_, err := client.Publish(t.Context(), &sns.PublishInput{PhoneNumber: aws.String("+79990000001"), Message: aws.String("hello")})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	entries, err := local.ReadOutbox(outbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].To != "+79990000001" || entries[0].Message != "hello" {
		t.Errorf("outbox = %+v, want one SMS to +79990000001", entries)
	}
}
