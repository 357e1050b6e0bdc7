package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/recovery"
	"github.com/portalid/portalid/internal/limit"
)

var _ recovery.Store = (*Store)(nil)

const skRecovery = "RECOVERY"

func recoveryKey(id string) map[string]types.AttributeValue { return key("RECOVERY#"+id, skRecovery) }

type recoveryItem struct {
	PK          string    `dynamodbav:"pk"`
	SK          string    `dynamodbav:"sk"`
	Version     int64     `dynamodbav:"ver"`
	AccountID   string    `dynamodbav:"accountId,omitempty"`
	Kind        string    `dynamodbav:"kind"`
	Address     string    `dynamodbav:"address,omitempty"`
	Index       string    `dynamodbav:"index"`
	Locale      string    `dynamodbav:"locale,omitempty"`
	Code        codeAttrs `dynamodbav:"code"`
	CreatedAt   int64     `dynamodbav:"createdAt"`
	ExpiresAt   int64     `dynamodbav:"expiresAt"`
	ConfirmedAt int64     `dynamodbav:"confirmedAt,omitempty"`
	CompletedAt int64     `dynamodbav:"completedAt,omitempty"`
	AttestedBy  string    `dynamodbav:"attestedBy,omitempty"`
	TTL         int64     `dynamodbav:"ttl"`
}

func toRecoveryItem(r recovery.Recovery) recoveryItem {
	return recoveryItem{
		PK: "RECOVERY#" + r.ID, SK: skRecovery, Version: r.Version, AccountID: r.AccountID,
		Kind: string(r.Kind), Address: r.Address, Index: r.Index, Locale: r.Locale, Code: toCodeAttrs(r.Code),
		CreatedAt: millis(r.CreatedAt), ExpiresAt: millis(r.ExpiresAt),
		ConfirmedAt: millis(r.ConfirmedAt), CompletedAt: millis(r.CompletedAt), AttestedBy: r.AttestedBy,
		// Kept a day past expiry so a late request still gets a clear answer.
		TTL: ttl(r.ExpiresAt.Add(24 * time.Hour)),
	}
}

func fromRecoveryItem(av map[string]types.AttributeValue) (recovery.Recovery, error) {
	var it recoveryItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return recovery.Recovery{}, fmt.Errorf("decode recovery: %w", err)
	}
	return recovery.Recovery{
		ID: it.PK[len("RECOVERY#"):], Version: it.Version, AccountID: it.AccountID,
		Kind: contact.Kind(it.Kind), Address: it.Address, Index: it.Index, Locale: it.Locale, Code: it.Code.code(),
		CreatedAt: fromMillis(it.CreatedAt), ExpiresAt: fromMillis(it.ExpiresAt),
		ConfirmedAt: fromMillis(it.ConfirmedAt), CompletedAt: fromMillis(it.CompletedAt), AttestedBy: it.AttestedBy,
	}, nil
}

// Owners implements recovery.Store with one BatchGetItem.
func (s *Store) Owners(ctx context.Context, contacts []challenge.ContactKey, logKeys []string) (map[challenge.ContactKey]string, map[string]limit.Log, error) {
	owners, logs, _, err := s.lookup(ctx, contacts, logKeys)
	return owners, logs, err
}

// Recovery implements recovery.Store with one GetItem.
func (s *Store) Recovery(ctx context.Context, id string) (recovery.Recovery, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: recoveryKey(id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return recovery.Recovery{}, translate("get recovery", err)
	}
	if res.Item == nil {
		return recovery.Recovery{}, recovery.ErrNotFound
	}
	return fromRecoveryItem(res.Item)
}

// SaveRecovery implements recovery.Store with one TransactWriteItems.
func (s *Store) SaveRecovery(ctx context.Context, r recovery.Recovery, logs []challenge.LogWrite) error {
	put, err := s.putVersioned(toRecoveryItem(r), r.Version)
	if err != nil {
		return err
	}
	items, err := s.putLogs([]types.TransactWriteItem{put}, logs)
	if err != nil {
		return err
	}
	return s.transact(ctx, "save recovery "+r.ID, items, recovery.ErrChanged)
}

// CountRecoveryAttempt implements recovery.Store with one UpdateItem.
func (s *Store) CountRecoveryAttempt(ctx context.Context, id string, max int) (recovery.Recovery, bool, error) {
	av, counted, err := s.countAttempt(ctx, attempt{key: recoveryKey(id), code: "code", done: "confirmedAt", max: max})
	if err != nil {
		return recovery.Recovery{}, false, err
	}
	if av == nil {
		return recovery.Recovery{}, false, recovery.ErrNotFound
	}
	r, err := fromRecoveryItem(av)
	return r, counted, err
}

// ConfirmRecovery implements recovery.Store with one UpdateItem.
func (s *Store) ConfirmRecovery(ctx context.Context, id string, codeHash []byte, at time.Time) error {
	err := s.confirmCode(ctx, attempt{key: recoveryKey(id), code: "code", done: "confirmedAt"}, codeHash, at)
	if errors.Is(err, errConditionFailed) {
		return fmt.Errorf("confirm recovery %s: %w", id, recovery.ErrChanged)
	}
	return err
}

// ResetPassword implements recovery.Store with one TransactWriteItems: the
// account (password, reset lifted, sessions revoked, chain head), the
// events, and the recovery's completion.
func (s *Store) ResetPassword(ctx context.Context, r recovery.Recovery, passwordHash string, at time.Time, ev event.Append) error {
	items, err := s.setPassword(ev, passwordHash, at, "resetRequired = :false",
		map[string]types.AttributeValue{":false": &types.AttributeValueMemberBOOL{Value: false}})
	if err != nil {
		return err
	}
	items = append(items, types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.table),
		Key:                       recoveryKey(r.ID),
		UpdateExpression:          aws.String("SET completedAt = :at, ver = ver + :one"),
		ConditionExpression:       aws.String("attribute_exists(confirmedAt) AND attribute_not_exists(completedAt)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": num(millis(at)), ":one": num(1)},
	}})
	return s.transact(ctx, "reset password", items, recovery.ErrChanged)
}
