package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/settings"
	"github.com/portalid/portalid/internal/limit"
)

var _ settings.Store = (*Store)(nil)

// ChangePassword implements settings.Store with one TransactWriteItems.
func (s *Store) ChangePassword(ctx context.Context, passwordHash string, at time.Time, ev event.Append) error {
	items, err := s.setPassword(ev, passwordHash, at, "", nil)
	if err != nil {
		return err
	}
	return s.transact(ctx, "change password", items, settings.ErrChanged)
}

// SetSecurityQuestion implements settings.Store with one TransactWriteItems.
func (s *Store) SetSecurityQuestion(ctx context.Context, question, answerHash string, ev event.Append) error {
	items, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, "securityQuestion = :q, securityAnswerHash = :ah",
		map[string]types.AttributeValue{":q": str(question), ":ah": str(answerHash)})
	if err != nil {
		return err
	}
	return s.transact(ctx, "set security question", items, settings.ErrChanged)
}

// SetNotificationChannels implements settings.Store with one UpdateItem.
func (s *Store) SetNotificationChannels(ctx context.Context, accountID string, channels []string) error {
	list := &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
	for _, c := range channels {
		list.Value = append(list.Value, str(c))
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       accountKey(accountID),
		UpdateExpression:          aws.String("SET notificationChannels = :c"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":c": list},
	})
	err = translate("set notification channels", err)
	if isCondition(err) {
		return ErrAccountNotFound
	}
	return err
}

// A pending contact change lives beside its account: ACCOUNT#<id>,
// CHANGE#<kind>.
func changeKey(accountID string, kind contact.Kind) map[string]types.AttributeValue {
	return key("ACCOUNT#"+accountID, "CHANGE#"+string(kind))
}

type contactChangeItem struct {
	PK      string    `dynamodbav:"pk"`
	SK      string    `dynamodbav:"sk"`
	Version int64     `dynamodbav:"ver"`
	Address string    `dynamodbav:"address"`
	Index   string    `dynamodbav:"index"`
	Taken   bool      `dynamodbav:"taken"`
	Locale  string    `dynamodbav:"locale,omitempty"`
	Code    codeAttrs `dynamodbav:"code"`
	TTL     int64     `dynamodbav:"ttl"`
}

func fromContactChangeItem(av map[string]types.AttributeValue, accountID string, kind contact.Kind) (settings.ContactChange, error) {
	var it contactChangeItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return settings.ContactChange{}, fmt.Errorf("decode contact change: %w", err)
	}
	return settings.ContactChange{
		AccountID: accountID, Kind: kind, Version: it.Version, Address: it.Address, Index: it.Index,
		Taken: it.Taken, Locale: it.Locale, Code: it.Code.code(),
	}, nil
}

// ContactChange implements settings.Store with one BatchGetItem: the
// pending change, the new contact's uniqueness item and the logs.
func (s *Store) ContactChange(ctx context.Context, accountID string, kind contact.Kind, to challenge.ContactKey, logKeys []string) (settings.ContactChange, string, map[string]limit.Log, error) {
	owners, logs, rest, err := s.lookup(ctx, []challenge.ContactKey{to}, logKeys, changeKey(accountID, kind))
	if err != nil {
		return settings.ContactChange{}, "", nil, err
	}
	c := settings.ContactChange{AccountID: accountID, Kind: kind}
	if len(rest) > 0 {
		if c, err = fromContactChangeItem(rest[0], accountID, kind); err != nil {
			return settings.ContactChange{}, "", nil, err
		}
	}
	return c, owners[to], logs, nil
}

// SaveContactChange implements settings.Store with one TransactWriteItems.
func (s *Store) SaveContactChange(ctx context.Context, c settings.ContactChange, logs []challenge.LogWrite) error {
	k := changeKey(c.AccountID, c.Kind)
	put, err := s.putVersioned(contactChangeItem{
		PK: k[AttrPK].(*types.AttributeValueMemberS).Value, SK: k[AttrSK].(*types.AttributeValueMemberS).Value,
		Version: c.Version, Address: c.Address, Index: c.Index, Taken: c.Taken, Locale: c.Locale,
		Code: toCodeAttrs(c.Code), TTL: ttl(c.Code.ExpiresAt.Add(24 * time.Hour)),
	}, c.Version)
	if err != nil {
		return err
	}
	items, err := s.putLogs([]types.TransactWriteItem{put}, logs)
	if err != nil {
		return err
	}
	return s.transact(ctx, "save contact change", items, settings.ErrChanged)
}

// CountContactChangeAttempt implements settings.Store with one UpdateItem.
func (s *Store) CountContactChangeAttempt(ctx context.Context, accountID string, kind contact.Kind, max int) (settings.ContactChange, bool, error) {
	av, counted, err := s.countAttempt(ctx, attempt{key: changeKey(accountID, kind), code: "code", max: max})
	if err != nil {
		return settings.ContactChange{}, false, err
	}
	if av == nil {
		return settings.ContactChange{}, false, settings.ErrNoContactChange
	}
	c, err := fromContactChangeItem(av, accountID, kind)
	return c, counted, err
}

// CommitContactChange implements settings.Store with one
// TransactWriteItems: the account's contacts and chain head, the events,
// the new contact's claim, the old one's release, and the change consumed.
func (s *Store) CommitContactChange(ctx context.Context, c settings.ContactChange, old *account.Contact, contacts []account.Contact, ev event.Append) error {
	list, err := attributevalue.Marshal(toContactItems(contacts))
	if err != nil {
		return fmt.Errorf("encode contacts: %w", err)
	}
	items, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, "contacts = :contacts", map[string]types.AttributeValue{":contacts": list})
	if err != nil {
		return err
	}
	claim := len(items)
	items = append(items, s.claimContact(c.Kind, c.Index, c.AccountID))
	if old != nil {
		items = append(items, s.releaseContact(contact.Kind(old.Kind), old.Index, c.AccountID))
	}
	consume := len(items)
	items = append(items, types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(s.table),
		Key:                       changeKey(c.AccountID, c.Kind),
		ConditionExpression:       aws.String("code.codeHash = :hash"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":hash": &types.AttributeValueMemberB{Value: c.Code.Hash}},
	}})
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	failed, _, ok := cancelled(err)
	if !ok {
		return translate("commit contact change", err)
	}
	for _, i := range failed {
		switch i {
		case claim:
			return fmt.Errorf("commit contact change: %w", settings.ErrContactTaken)
		case consume:
			return fmt.Errorf("commit contact change: %w", challenge.ErrCodeSuperseded)
		}
	}
	return fmt.Errorf("commit contact change: %w", settings.ErrChanged)
}
