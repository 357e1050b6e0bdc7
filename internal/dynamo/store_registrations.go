package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/registration"
	"github.com/portalid/portalid/internal/limit"
)

var _ registration.Store = (*Store)(nil)

const (
	skRegistration = "REG"
	skRate         = "RATE"
	skContact      = "CONTACT"
	skAccount      = "ACCOUNT"
)

func regKey(id string) map[string]types.AttributeValue     { return key("REG#"+id, skRegistration) }
func rateKey(k string) map[string]types.AttributeValue     { return key("RATE#"+k, skRate) }
func accountKey(id string) map[string]types.AttributeValue { return key("ACCOUNT#"+id, skAccount) }

// contactPK is the uniqueness item of a login contact: PHONE#<index> or
// EMAIL#<index>, holding the id of the account it belongs to.
func contactPK(kind contact.Kind, index string) string {
	return strings.ToUpper(string(kind)) + "#" + index
}

type registrationItem struct {
	PK              string                 `dynamodbav:"pk"`
	SK              string                 `dynamodbav:"sk"`
	Version         int64                  `dynamodbav:"ver"`
	Surname         string                 `dynamodbav:"surname"`
	GivenName       string                 `dynamodbav:"givenName"`
	Locale          string                 `dynamodbav:"locale,omitempty"`
	TermsVersion    string                 `dynamodbav:"termsVersion"`
	TermsAcceptedAt int64                  `dynamodbav:"termsAcceptedAt"`
	CreatedAt       int64                  `dynamodbav:"createdAt"`
	ExpiresAt       int64                  `dynamodbav:"expiresAt"`
	Channels        map[string]channelItem `dynamodbav:"ch"`
	AccountID       string                 `dynamodbav:"accountId,omitempty"`
	TTL             int64                  `dynamodbav:"ttl"`
}

type channelItem struct {
	Address     string `dynamodbav:"address"`
	Index       string `dynamodbav:"index"`
	Taken       bool   `dynamodbav:"taken"`
	CodeHash    []byte `dynamodbav:"codeHash"`
	SentAt      int64  `dynamodbav:"sentAt"`
	ExpiresAt   int64  `dynamodbav:"expiresAt"`
	Attempts    int    `dynamodbav:"attempts"`
	ConfirmedAt int64  `dynamodbav:"confirmedAt,omitempty"`
}

type rateItem struct {
	PK      string  `dynamodbav:"pk"`
	SK      string  `dynamodbav:"sk"`
	Version int64   `dynamodbav:"ver"`
	Times   []int64 `dynamodbav:"times"`
	TTL     int64   `dynamodbav:"ttl"`
}

func toRegistrationItem(r registration.Registration) registrationItem {
	it := registrationItem{
		PK: "REG#" + r.ID, SK: skRegistration, Version: r.Version,
		Surname: r.Surname, GivenName: r.GivenName, Locale: r.Locale,
		TermsVersion: r.TermsVersion, TermsAcceptedAt: millis(r.TermsAcceptedAt),
		CreatedAt: millis(r.CreatedAt), ExpiresAt: millis(r.ExpiresAt),
		Channels: map[string]channelItem{}, AccountID: r.AccountID,
		// Kept a day past expiry so a late request still gets a clear answer.
		TTL: ttl(r.ExpiresAt.Add(24 * time.Hour)),
	}
	for k, c := range r.Channels {
		it.Channels[string(k)] = channelItem{
			Address: c.Address, Index: c.Index, Taken: c.Taken, CodeHash: c.CodeHash,
			SentAt: millis(c.SentAt), ExpiresAt: millis(c.ExpiresAt), Attempts: c.Attempts,
			ConfirmedAt: millis(c.ConfirmedAt),
		}
	}
	return it
}

func fromRegistrationItem(av map[string]types.AttributeValue) (registration.Registration, error) {
	var it registrationItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return registration.Registration{}, fmt.Errorf("decode registration: %w", err)
	}
	r := registration.Registration{
		ID: it.PK[len("REG#"):], Version: it.Version,
		Surname: it.Surname, GivenName: it.GivenName, Locale: it.Locale,
		TermsVersion: it.TermsVersion, TermsAcceptedAt: fromMillis(it.TermsAcceptedAt),
		CreatedAt: fromMillis(it.CreatedAt), ExpiresAt: fromMillis(it.ExpiresAt),
		Channels: map[contact.Kind]registration.Channel{}, AccountID: it.AccountID,
	}
	for k, c := range it.Channels {
		r.Channels[contact.Kind(k)] = registration.Channel{
			Address: c.Address, Index: c.Index, Taken: c.Taken, CodeHash: c.CodeHash,
			SentAt: fromMillis(c.SentAt), ExpiresAt: fromMillis(c.ExpiresAt), Attempts: c.Attempts,
			ConfirmedAt: fromMillis(c.ConfirmedAt),
		}
	}
	return r, nil
}

// Lookup implements registration.Store with one BatchGetItem.
func (s *Store) Lookup(ctx context.Context, contacts []registration.ContactKey, logKeys []string) (map[registration.ContactKey]bool, map[string]limit.Log, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(contacts)+len(logKeys))
	byPK := map[string]registration.ContactKey{}
	for _, c := range contacts {
		pk := contactPK(c.Kind, c.Index)
		byPK[pk] = c
		keys = append(keys, key(pk, skContact))
	}
	seen := map[string]bool{}
	for _, k := range logKeys {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, rateKey(k))
		}
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	taken := map[registration.ContactKey]bool{}
	logs := map[string]limit.Log{}
	for _, av := range items {
		pk := av[AttrPK].(*types.AttributeValueMemberS).Value
		if c, ok := byPK[pk]; ok {
			taken[c] = true
			continue
		}
		l, err := decodeLog(av)
		if err != nil {
			return nil, nil, err
		}
		logs[l.Key] = l
	}
	return taken, logs, nil
}

// Logs implements registration.Store.
func (s *Store) Logs(ctx context.Context, keys []string) (map[string]limit.Log, error) {
	_, logs, err := s.Lookup(ctx, nil, keys)
	return logs, err
}

func decodeLog(av map[string]types.AttributeValue) (limit.Log, error) {
	var it rateItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return limit.Log{}, fmt.Errorf("decode rate log: %w", err)
	}
	l := limit.Log{Key: it.PK[len("RATE#"):], Version: it.Version}
	for _, ms := range it.Times {
		l.Times = append(l.Times, fromMillis(ms))
	}
	return l, nil
}

// Get implements registration.Store.
func (s *Store) Get(ctx context.Context, id string) (registration.Registration, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: regKey(id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return registration.Registration{}, translate("get registration", err)
	}
	if res.Item == nil {
		return registration.Registration{}, registration.ErrNotFound
	}
	return fromRegistrationItem(res.Item)
}

// versioned is the condition of an optimistic write: the item must not
// exist when it is new, else still be at the version it was read at.
func versioned(next int64) (string, map[string]types.AttributeValue) {
	if next <= 1 {
		return "attribute_not_exists(pk)", nil
	}
	return "ver = :prev", map[string]types.AttributeValue{":prev": num(next - 1)}
}

func (s *Store) putVersioned(item any, version int64) (types.TransactWriteItem, error) {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode item: %w", err)
	}
	cond, vals := versioned(version)
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: av,
		ConditionExpression: aws.String(cond), ExpressionAttributeValues: vals,
	}}, nil
}

// Save implements registration.Store with one TransactWriteItems.
func (s *Store) Save(ctx context.Context, r registration.Registration, logs []registration.LogWrite) error {
	put, err := s.putVersioned(toRegistrationItem(r), r.Version)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{put}
	for _, w := range logs {
		it := rateItem{PK: "RATE#" + w.Log.Key, SK: skRate, Version: w.Log.Version, TTL: ttl(w.Expires)}
		for _, t := range w.Log.Times {
			it.Times = append(it.Times, millis(t))
		}
		put, err := s.putVersioned(it, w.Log.Version)
		if err != nil {
			return err
		}
		items = append(items, put)
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if _, _, ok := cancelled(err); ok {
		// Whichever item moved on, the caller re-reads and tries again.
		return fmt.Errorf("save registration %s: %w", r.ID, registration.ErrChanged)
	}
	return translate("save registration", err)
}

// CountAttempt implements registration.Store with one UpdateItem.
func (s *Store) CountAttempt(ctx context.Context, id string, kind contact.Kind, max int) (registration.Registration, bool, error) {
	res, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(s.table),
		Key:              regKey(id),
		UpdateExpression: aws.String("SET ch.#k.attempts = ch.#k.attempts + :one, ver = ver + :one"),
		ConditionExpression: aws.String("attribute_exists(pk) AND attribute_exists(ch.#k) AND " +
			"attribute_not_exists(ch.#k.confirmedAt) AND ch.#k.attempts < :max"),
		ExpressionAttributeNames:            map[string]string{"#k": string(kind)},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":one": num(1), ":max": num(int64(max))},
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if ccf.Item == nil {
			return registration.Registration{}, false, registration.ErrNotFound
		}
		r, err := fromRegistrationItem(ccf.Item)
		return r, false, err
	}
	if err != nil {
		return registration.Registration{}, false, translate("count attempt", err)
	}
	r, err := fromRegistrationItem(res.Attributes)
	return r, true, err
}

// MarkConfirmed implements registration.Store with one UpdateItem.
func (s *Store) MarkConfirmed(ctx context.Context, id string, kind contact.Kind, codeHash []byte, at time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      regKey(id),
		UpdateExpression:         aws.String("SET ch.#k.confirmedAt = :at, ver = ver + :one"),
		ConditionExpression:      aws.String("ch.#k.codeHash = :hash AND attribute_not_exists(ch.#k.confirmedAt)"),
		ExpressionAttributeNames: map[string]string{"#k": string(kind)},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":at": num(millis(at)), ":one": num(1), ":hash": &types.AttributeValueMemberB{Value: codeHash},
		},
	})
	err = translate("mark confirmed", err)
	if errors.Is(err, errConditionFailed) {
		return fmt.Errorf("confirm registration %s: %w", id, registration.ErrChanged)
	}
	return err
}

// CreateAccount implements registration.Store with one TransactWriteItems:
// the account, one uniqueness item per contact, and the registration.
func (s *Store) CreateAccount(ctx context.Context, a account.Account, r registration.Registration, created event.Event) error {
	put, err := s.putVersioned(toAccountItem(a), 1)
	if err != nil {
		return err
	}
	ev, err := s.putEvent(created)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{put}
	for _, c := range a.Contacts {
		items = append(items, types.TransactWriteItem{Put: &types.Put{
			TableName: aws.String(s.table),
			Item: map[string]types.AttributeValue{
				AttrPK: str(contactPK(contact.Kind(c.Kind), c.Index)), AttrSK: str(skContact),
				"accountId": str(a.ID),
			},
			ConditionExpression: aws.String("attribute_not_exists(pk)"),
		}})
	}
	items = append(items, ev, types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.table),
		Key:                       regKey(r.ID),
		UpdateExpression:          aws.String("SET accountId = :id, ver = ver + :one"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND attribute_not_exists(accountId)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": str(a.ID), ":one": num(1)},
	}})
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	failed, _, ok := cancelled(err)
	if !ok {
		return translate("create account", err)
	}
	for _, i := range failed {
		if i > 0 && i <= len(a.Contacts) {
			return fmt.Errorf("create account: %w", registration.ErrContactTaken)
		}
	}
	// The registration was completed meanwhile, or the transaction lost a
	// race: the caller re-reads and decides.
	return fmt.Errorf("create account: %w", registration.ErrChanged)
}
