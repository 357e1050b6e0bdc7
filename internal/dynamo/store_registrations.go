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
	"github.com/portalid/portalid/internal/flow/challenge"
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

// channelItem keeps the channel's code attributes inline (codeHash,
// sentAt, expiresAt, attempts), as they have always been stored.
type channelItem struct {
	Address string `dynamodbav:"address"`
	Index   string `dynamodbav:"index"`
	Taken   bool   `dynamodbav:"taken"`
	codeAttrs
	ConfirmedAt int64 `dynamodbav:"confirmedAt,omitempty"`
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
			Address: c.Address, Index: c.Index, Taken: c.Taken, codeAttrs: toCodeAttrs(c.Code),
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
			Address: c.Address, Index: c.Index, Taken: c.Taken, Code: c.code(),
			ConfirmedAt: fromMillis(c.ConfirmedAt),
		}
	}
	return r, nil
}

// Lookup implements registration.Store with one BatchGetItem.
func (s *Store) Lookup(ctx context.Context, contacts []registration.ContactKey, logKeys []string) (map[registration.ContactKey]bool, map[string]limit.Log, error) {
	owners, logs, _, err := s.lookup(ctx, contacts, logKeys)
	if err != nil {
		return nil, nil, err
	}
	taken := map[registration.ContactKey]bool{}
	for c := range owners {
		taken[c] = true
	}
	return taken, logs, nil
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
func (s *Store) Save(ctx context.Context, r registration.Registration, logs []challenge.LogWrite) error {
	put, err := s.putVersioned(toRegistrationItem(r), r.Version)
	if err != nil {
		return err
	}
	items, err := s.putLogs([]types.TransactWriteItem{put}, logs)
	if err != nil {
		return err
	}
	// Whichever item moved on, the caller re-reads and tries again.
	return s.transact(ctx, "save registration "+r.ID, items, registration.ErrChanged)
}

// CountAttempt implements registration.Store with one UpdateItem.
func (s *Store) CountAttempt(ctx context.Context, id string, kind contact.Kind, max int) (registration.Registration, bool, error) {
	av, counted, err := s.countAttempt(ctx, attempt{
		key: regKey(id), code: "ch.#k", done: "ch.#k.confirmedAt", names: map[string]string{"#k": string(kind)}, max: max,
	})
	if err != nil {
		return registration.Registration{}, false, err
	}
	if av == nil {
		return registration.Registration{}, false, registration.ErrNotFound
	}
	r, err := fromRegistrationItem(av)
	return r, counted, err
}

// MarkConfirmed implements registration.Store with one UpdateItem.
func (s *Store) MarkConfirmed(ctx context.Context, id string, kind contact.Kind, codeHash []byte, at time.Time) error {
	err := s.confirmCode(ctx, attempt{
		key: regKey(id), code: "ch.#k", done: "ch.#k.confirmedAt", names: map[string]string{"#k": string(kind)},
	}, codeHash, at)
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
		items = append(items, s.claimContact(contact.Kind(c.Kind), c.Index, a.ID))
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
