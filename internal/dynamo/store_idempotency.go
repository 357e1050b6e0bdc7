package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/idempotency"
)

var _ idempotency.Store = (*Store)(nil)

const skIdempotency = "IDEMP"

type idempotencyItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Fingerprint []byte `dynamodbav:"fingerprint"`
	Done        bool   `dynamodbav:"done"`
	Status      int    `dynamodbav:"status,omitempty"`
	ContentType string `dynamodbav:"contentType,omitempty"`
	Location    string `dynamodbav:"location,omitempty"`
	Body        string `dynamodbav:"body,omitempty"`
	TTL         int64  `dynamodbav:"ttl"`
}

// Claim implements idempotency.Store with one conditional PutItem that
// returns the existing record when the key is taken.
func (s *Store) Claim(ctx context.Context, id string, fingerprint []byte, now, expires time.Time) (idempotency.Record, bool, error) {
	av, err := attributevalue.MarshalMap(idempotencyItem{PK: "IDEMP#" + id, SK: skIdempotency, Fingerprint: fingerprint, TTL: ttl(expires)})
	if err != nil {
		return idempotency.Record{}, false, err
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table), Item: av,
		// An expired record that TTL has not deleted yet counts as absent.
		ConditionExpression:                 aws.String("attribute_not_exists(pk) OR #ttl < :now"),
		ExpressionAttributeNames:            map[string]string{"#ttl": AttrTTL},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": num(now.Unix())},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		var it idempotencyItem
		if err := attributevalue.UnmarshalMap(ccf.Item, &it); err != nil {
			return idempotency.Record{}, false, err
		}
		return idempotency.Record{Fingerprint: it.Fingerprint, Done: it.Done, Response: idempotency.Response{
			Status: it.Status, ContentType: it.ContentType, Body: it.Body, Location: it.Location,
		}}, false, nil
	}
	if err != nil {
		return idempotency.Record{}, false, translate("claim idempotency key", err)
	}
	return idempotency.Record{}, true, nil
}

// Finish implements idempotency.Store.
func (s *Store) Finish(ctx context.Context, id string, res idempotency.Response, expires time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      key("IDEMP#"+id, skIdempotency),
		UpdateExpression:         aws.String("SET done = :t, #status = :s, contentType = :ct, body = :b, #loc = :loc, #ttl = :ttl"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#loc": "location", "#ttl": AttrTTL},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":t": &types.AttributeValueMemberBOOL{Value: true}, ":s": num(int64(res.Status)),
			":ct": str(res.ContentType), ":b": str(res.Body), ":loc": str(res.Location), ":ttl": num(ttl(expires)),
		},
	})
	return translate("finish idempotency key", err)
}

// Release implements idempotency.Store.
func (s *Store) Release(ctx context.Context, id string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: key("IDEMP#"+id, skIdempotency)})
	return translate("release idempotency key", err)
}
