package dynamo_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/testenv"
)

// TestMeterCapacity runs each kind of operation on DynamoDB Local through
// a metered client and checks the units it adds, and that CountCalls
// counts one per operation beside it.
func TestMeterCapacity(t *testing.T) {
	t.Parallel()
	raw, table := testenv.DynamoDB(t)
	var c dynamo.Capacity
	var calls atomic.Int64
	db := dynamodb.New(raw.Options(), dynamo.MeterCapacity(&c), dynamo.CountCalls(&calls))
	item := func(pk string, size int) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: "X"},
			"pad": &types.AttributeValueMemberS{Value: strings.Repeat("x", size)},
		}
	}
	keyOf := func(pk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: "X"}}
	}
	tests := []struct {
		name        string
		op          func() error
		read, write float64
	}{
		{"put 100 B", func() error {
			_, err := db.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("a", 100)})
			return err
		}, 0, 1},
		{"put 1.5 KB", func() error {
			_, err := db.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("b", 1500)})
			return err
		}, 0, 2},
		{"consistent get", func() error {
			_, err := db.GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: keyOf("a"), ConsistentRead: aws.Bool(true)})
			return err
		}, 1, 0},
		{"eventually consistent get", func() error {
			_, err := db.GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: keyOf("a")})
			return err
		}, 0.5, 0},
		{"consistent batch get of two", func() error {
			_, err := db.BatchGetItem(t.Context(), &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				table: {Keys: []map[string]types.AttributeValue{keyOf("a"), keyOf("b")}, ConsistentRead: aws.Bool(true)},
			}})
			return err
		}, 2, 0},
		{"transaction of two small puts", func() error {
			_, err := db.TransactWriteItems(t.Context(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Put: &types.Put{TableName: aws.String(table), Item: item("c", 10)}},
				{Put: &types.Put{TableName: aws.String(table), Item: item("d", 10)}},
			}})
			return err
		}, 0, 4},
		{"update 100 B", func() error {
			_, err := db.UpdateItem(t.Context(), &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: keyOf("a"),
				UpdateExpression: aws.String("SET n = :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}}})
			return err
		}, 0, 1},
		{"consistent query of one item", func() error {
			_, err := db.Query(t.Context(), &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("pk = :pk"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "a"}}, ConsistentRead: aws.Bool(true)})
			return err
		}, 1, 0},
		{"delete", func() error {
			_, err := db.DeleteItem(t.Context(), &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: keyOf("c")})
			return err
		}, 0, 1},
	}
	for _, tt := range tests {
		r0, w0 := c.Units()
		n0 := calls.Load()
		if err := tt.op(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		r1, w1 := c.Units()
		if r1-r0 != tt.read || w1-w0 != tt.write || calls.Load()-n0 != 1 {
			t.Errorf("%s: read %v, write %v, calls %d; want %v, %v, 1", tt.name, r1-r0, w1-w0, calls.Load()-n0, tt.read, tt.write)
		}
	}
}
