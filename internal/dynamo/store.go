package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
)

// Store is the DynamoDB adapter over the accounts table. Each flow's port
// is implemented in its own file (store_<flow>.go).
type Store struct {
	db    *dynamodb.Client
	table string
	// EventRetention is how long security events are kept (TTL); zero
	// means DefaultEventRetention.
	EventRetention time.Duration
}

// New returns a store over table.
func New(db *dynamodb.Client, table string) *Store { return &Store{db: db, table: table} }

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: str(pk), AttrSK: str(sk)}
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: fmt.Sprint(n)}
}

// millis is how times are stored: Unix milliseconds, so that conditions
// can compare them.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// ttl is the TTL attribute value: Unix seconds. TTL only tidies up; no rule
// depends on it, since deletion lags up to days.
func ttl(t time.Time) int64 { return t.Unix() }

// errConditionFailed marks a conditional write that found the item not as
// expected; each flow's adapter translates it into that flow's fault.
var errConditionFailed = errors.New("condition failed")

// translate turns an SDK error into what the flows expect: a failed
// condition into errConditionFailed, throttling and server faults the
// SDK has already retried into an Unavailable fault, the rest wrapped.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return fmt.Errorf("%s: %w", op, errConditionFailed)
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
			"InternalServerError", "ServiceUnavailable", "TransactionInProgressException":
			return fmt.Errorf("%s: %w: %w", op, fault.New(fault.Unavailable, "storage-unavailable"), err)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w: %w", op, fault.New(fault.Unavailable, "storage-unavailable"), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// cancelled inspects a cancelled transaction: it returns the indexes of
// the items whose condition failed, and whether any item lost a race with
// another transaction (worth retrying as a whole).
func cancelled(err error) (failed []int, conflict bool, ok bool) {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil, false, false
	}
	for i, r := range tce.CancellationReasons {
		switch aws.ToString(r.Code) {
		case "ConditionalCheckFailed":
			failed = append(failed, i)
		case "TransactionConflict":
			conflict = true
		}
	}
	return failed, conflict, true
}

// batchGet reads keys with strongly consistent reads, retrying what
// DynamoDB leaves unprocessed. Missing items are absent from the result.
func (s *Store) batchGet(ctx context.Context, keys []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	req := map[string]types.KeysAndAttributes{s.table: {Keys: keys, ConsistentRead: aws.Bool(true)}}
	for attempt := 0; len(req) > 0 && len(req[s.table].Keys) > 0; attempt++ {
		if attempt > 0 {
			if attempt > 8 {
				return nil, fmt.Errorf("batch get: %w", fault.New(fault.Unavailable, "storage-unavailable"))
			}
			select {
			case <-ctx.Done():
				return nil, translate("batch get", ctx.Err())
			case <-time.After(time.Duration(attempt*attempt) * 10 * time.Millisecond):
			}
		}
		res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return nil, translate("batch get", err)
		}
		out = append(out, res.Responses[s.table]...)
		req = res.UnprocessedKeys
	}
	return out, nil
}

func isCondition(err error) bool { return errors.Is(err, errConditionFailed) }

// transact writes items in one transaction; a failed condition or a lost
// race becomes the caller's conflict error, for its flow to re-read and
// retry.
func (s *Store) transact(ctx context.Context, op string, items []types.TransactWriteItem, conflict error) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if _, _, ok := cancelled(err); ok {
		return fmt.Errorf("%s: %w", op, conflict)
	}
	return translate(op, err)
}

// accountAnd reads an account and one more item in one BatchGetItem and
// decodes the item: ErrAccountNotFound when the account is missing,
// missing when the item is.
func accountAnd[T any](ctx context.Context, s *Store, op, accountID string, other map[string]types.AttributeValue,
	decode func(map[string]types.AttributeValue) (T, error), missing error) (account.Account, T, error) {
	var (
		a     account.Account
		item  T
		found bool
	)
	items, err := s.batchGet(ctx, []map[string]types.AttributeValue{accountKey(accountID), other})
	if err != nil {
		return a, item, fmt.Errorf("%s: %w", op, err)
	}
	var av map[string]types.AttributeValue
	for _, it := range items {
		if it[AttrSK].(*types.AttributeValueMemberS).Value != skAccount {
			av = it
			continue
		}
		if a, err = fromAccountItem(it); err != nil {
			return a, item, err
		}
		found = true
	}
	switch {
	case !found:
		return a, item, ErrAccountNotFound
	case av == nil:
		return a, item, missing
	}
	item, err = decode(av)
	return a, item, err
}

// getItem reads one item with a strongly consistent GetItem and decodes
// it: missing when there is none.
func getItem[T any](ctx context.Context, s *Store, op string, k map[string]types.AttributeValue,
	decode func(map[string]types.AttributeValue) (T, error), missing error) (T, error) {
	var zero T
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: k, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return zero, translate(op, err)
	}
	if res.Item == nil {
		return zero, missing
	}
	return decode(res.Item)
}
