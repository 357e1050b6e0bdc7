package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/flow/profile"
)

var _ profile.Store = (*Store)(nil)

const skProfile = "PROFILE"

// Profile implements profile.Store: the sealed draft and its version.
func (s *Store) Profile(ctx context.Context, accountID string) ([]byte, int64, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: key("ACCOUNT#"+accountID, skProfile), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, 0, translate("get profile", err)
	}
	if res.Item == nil {
		return nil, 0, nil
	}
	return decodeProfile(res.Item)
}

// decodeProfile reads a profile item: the sealed draft and its version.
func decodeProfile(item map[string]types.AttributeValue) ([]byte, int64, error) {
	b, ok1 := item["sealed"].(*types.AttributeValueMemberB)
	v, ok2 := item["ver"].(*types.AttributeValueMemberN)
	if !ok1 || !ok2 {
		return nil, 0, errors.New("decode profile: malformed item")
	}
	var ver int64
	if _, err := fmt.Sscan(v.Value, &ver); err != nil {
		return nil, 0, fmt.Errorf("decode profile: %w", err)
	}
	return b.Value, ver, nil
}

// SaveProfile implements profile.Store with one conditional PutItem.
func (s *Store) SaveProfile(ctx context.Context, accountID string, sealed []byte, version int64) error {
	cond, vals := versioned(version)
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table),
		Item: map[string]types.AttributeValue{
			AttrPK: str("ACCOUNT#" + accountID), AttrSK: str(skProfile),
			"sealed": &types.AttributeValueMemberB{Value: sealed}, "ver": num(version),
		},
		ConditionExpression: aws.String(cond), ExpressionAttributeValues: vals,
	})
	err = translate("save profile", err)
	if isCondition(err) {
		return fmt.Errorf("save profile: %w", profile.ErrChanged)
	}
	return err
}
