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
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/limit"
)

// What the flows that send codes (registration, recovery, contact change)
// store alike: the code state, the counter logs of the send limits, the
// uniqueness items of contacts, and the counting of attempts.

// codeAttrs are the stored attributes of a challenge.Code.
type codeAttrs struct {
	Hash      []byte `dynamodbav:"codeHash"`
	SentAt    int64  `dynamodbav:"sentAt"`
	ExpiresAt int64  `dynamodbav:"expiresAt"`
	Attempts  int    `dynamodbav:"attempts"`
}

func toCodeAttrs(c challenge.Code) codeAttrs {
	return codeAttrs{Hash: c.Hash, SentAt: millis(c.SentAt), ExpiresAt: millis(c.ExpiresAt), Attempts: c.Attempts}
}

func (a codeAttrs) code() challenge.Code {
	return challenge.Code{Hash: a.Hash, SentAt: fromMillis(a.SentAt), ExpiresAt: fromMillis(a.ExpiresAt), Attempts: a.Attempts}
}

// lookup reads in one BatchGetItem the uniqueness items of contacts (to
// the account each belongs to), counter logs, and further items by key.
// Missing items are absent from the results.
func (s *Store) lookup(ctx context.Context, contacts []challenge.ContactKey, logKeys []string, extra ...map[string]types.AttributeValue) (map[challenge.ContactKey]string, map[string]limit.Log, []map[string]types.AttributeValue, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(contacts)+len(logKeys)+len(extra))
	byPK := map[string]challenge.ContactKey{}
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
	keys = append(keys, extra...)
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, nil, nil, err
	}
	owners := map[challenge.ContactKey]string{}
	logs := map[string]limit.Log{}
	var rest []map[string]types.AttributeValue
	for _, av := range items {
		pk := av[AttrPK].(*types.AttributeValueMemberS).Value
		switch sk := av[AttrSK].(*types.AttributeValueMemberS).Value; {
		case sk == skContact && byPK[pk] != challenge.ContactKey{}:
			id, _ := av["accountId"].(*types.AttributeValueMemberS)
			if id != nil {
				owners[byPK[pk]] = id.Value
			}
		case sk == skRate:
			l, err := decodeLog(av)
			if err != nil {
				return nil, nil, nil, err
			}
			logs[l.Key] = l
		default:
			rest = append(rest, av)
		}
	}
	return owners, logs, rest, nil
}

// Logs reads counter logs; a missing log comes back empty, version 0.
func (s *Store) Logs(ctx context.Context, keys []string) (map[string]limit.Log, error) {
	_, logs, _, err := s.lookup(ctx, nil, keys)
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

func (s *Store) putLog(l limit.Log, expires time.Time) (types.TransactWriteItem, error) {
	it := rateItem{PK: "RATE#" + l.Key, SK: skRate, Version: l.Version, TTL: ttl(expires)}
	for _, t := range l.Times {
		it.Times = append(it.Times, millis(t))
	}
	return s.putVersioned(it, l.Version)
}

// writeLog writes one counter log alone (one conditional PutItem): changed
// when another request moved it since it was read.
func (s *Store) writeLog(ctx context.Context, what string, w challenge.LogWrite, changed error) error {
	put, err := s.putLog(w.Log, w.Expires)
	if err != nil {
		return err
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: put.Put.TableName, Item: put.Put.Item,
		ConditionExpression: put.Put.ConditionExpression, ExpressionAttributeValues: put.Put.ExpressionAttributeValues,
	})
	err = translate(what, err)
	if isCondition(err) {
		return fmt.Errorf("%s: %w", what, changed)
	}
	return err
}

// putLogs adds the counter logs to a transaction.
func (s *Store) putLogs(items []types.TransactWriteItem, logs []challenge.LogWrite) ([]types.TransactWriteItem, error) {
	for _, w := range logs {
		put, err := s.putLog(w.Log, w.Expires)
		if err != nil {
			return nil, err
		}
		items = append(items, put)
	}
	return items, nil
}

// claimContact is the transaction item that makes a contact the login of
// an account: its uniqueness item, which must not exist yet.
func (s *Store) claimContact(kind contact.Kind, index, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table),
		Item: map[string]types.AttributeValue{
			AttrPK: str(contactPK(kind, index)), AttrSK: str(skContact), "accountId": str(accountID),
		},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}
}

// releaseContact is the transaction item that frees a contact of an
// account; it never removes a claim of another account.
func (s *Store) releaseContact(kind contact.Kind, index, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(s.table),
		Key:                       key(contactPK(kind, index), skContact),
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR accountId = :owner"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":owner": str(accountID)},
	}}
}

// attempt names where an item keeps the code an attempt counts against.
type attempt struct {
	key   map[string]types.AttributeValue
	code  string            // path of the code's map attribute: "code", "ch.#k"
	done  string            // attribute whose presence ends the counting ("" for none)
	names map[string]string // expression names the paths use
	max   int
}

// countAttempt adds one to the attempts of a code in one conditional
// UpdateItem, unless the item is missing, done, or at max attempts. It
// returns the item after the write (counted) or as it stood (not
// counted), nil when there is no such item. The count happens before any
// comparison, so concurrent guesses can never exceed max.
func (s *Store) countAttempt(ctx context.Context, a attempt) (map[string]types.AttributeValue, bool, error) {
	cond := "attribute_exists(pk) AND " + a.code + ".attempts < :max"
	if a.done != "" {
		cond += " AND attribute_not_exists(" + a.done + ")"
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                           aws.String(s.table),
		Key:                                 a.key,
		UpdateExpression:                    aws.String("SET " + a.code + ".attempts = " + a.code + ".attempts + :one, ver = ver + :one"),
		ConditionExpression:                 aws.String(cond),
		ExpressionAttributeValues:           map[string]types.AttributeValue{":one": num(1), ":max": num(int64(a.max))},
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
	if len(a.names) > 0 {
		in.ExpressionAttributeNames = a.names
	}
	res, err := s.db.UpdateItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return ccf.Item, false, nil
	}
	if err != nil {
		return nil, false, translate("count attempt", err)
	}
	return res.Attributes, true, nil
}

// confirmCode marks a code's item done in one UpdateItem, on the condition
// that the code is still the one checked (so a code works once, and only
// while it is the latest) and the item is not done yet. A failed condition
// is errConditionFailed, for the flow's own fault.
func (s *Store) confirmCode(ctx context.Context, a attempt, codeHash []byte, at time.Time) error {
	in := &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.table),
		Key:                 a.key,
		UpdateExpression:    aws.String("SET " + a.done + " = :at, ver = ver + :one"),
		ConditionExpression: aws.String(a.code + ".codeHash = :hash AND attribute_not_exists(" + a.done + ")"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":at": num(millis(at)), ":one": num(1), ":hash": &types.AttributeValueMemberB{Value: codeHash},
		},
	}
	if len(a.names) > 0 {
		in.ExpressionAttributeNames = a.names
	}
	_, err := s.db.UpdateItem(ctx, in)
	return translate("confirm code", err)
}
