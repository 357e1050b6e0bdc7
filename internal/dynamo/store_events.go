package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/settings"
)

// DefaultEventRetention is how long security events are kept unless the
// store is told otherwise (SPEC §2.2: one year); TTL removes them after.
const DefaultEventRetention = 365 * 24 * time.Hour

type eventItem struct {
	PK        string            `dynamodbav:"pk"`
	SK        string            `dynamodbav:"sk"`
	Seq       int64             `dynamodbav:"seq"`
	Kind      string            `dynamodbav:"kind"`
	At        int64             `dynamodbav:"at"`
	IP        string            `dynamodbav:"ip,omitempty"`
	UserAgent string            `dynamodbav:"userAgent,omitempty"`
	Details   map[string]string `dynamodbav:"details,omitempty"`
	PrevHash  []byte            `dynamodbav:"prevHash"`
	Hash      []byte            `dynamodbav:"hash"`
	TTL       int64             `dynamodbav:"ttl"`
}

// eventSK orders an account's events by sequence number.
func eventSK(seq int64) string { return fmt.Sprintf("EVENT#%012d", seq) }

func (s *Store) putEvent(e event.Event) (types.TransactWriteItem, error) {
	return s.putEventAt("ACCOUNT#"+e.AccountID, e)
}

// putEventAt puts an event of the chain kept in partition pk (an
// account's, or an organisation's).
func (s *Store) putEventAt(pk string, e event.Event) (types.TransactWriteItem, error) {
	av, err := attributevalue.MarshalMap(eventItem{
		PK: pk, SK: eventSK(e.Seq), Seq: e.Seq, Kind: string(e.Kind),
		At: millis(e.At), IP: e.IP, UserAgent: e.UserAgent, Details: e.Details,
		PrevHash: e.PrevHash, Hash: e.Hash, TTL: ttl(e.At.Add(s.eventRetention())),
	})
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode event: %w", err)
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: av, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}, nil
}

func fromEventItem(av map[string]types.AttributeValue, accountID string) (event.Event, error) {
	var it eventItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return event.Event{}, fmt.Errorf("decode event: %w", err)
	}
	return event.Event{
		AccountID: accountID, Seq: it.Seq, Kind: event.Kind(it.Kind), At: fromMillis(it.At),
		IP: it.IP, UserAgent: it.UserAgent, Details: it.Details, PrevHash: it.PrevHash, Hash: it.Hash,
	}, nil
}

// appendEvents adds to a transaction the events and the move of the
// account's chain head, on the condition that the head is still where
// the events were sealed after. set and vals add further changes to the
// account item in the same update (one item, one operation).
func (s *Store) appendEvents(accountID string, head event.Head, events []event.Event, set string, vals map[string]types.AttributeValue) ([]types.TransactWriteItem, error) {
	return s.appendEventsAt("ACCOUNT#"+accountID, accountKey(accountID), head, events, set, vals)
}

// appendEventsAt is appendEvents for the chain kept in partition pk, its
// head on the item at k (an account, or an organisation).
func (s *Store) appendEventsAt(pk string, k map[string]types.AttributeValue, head event.Head, events []event.Event, set string, vals map[string]types.AttributeValue) ([]types.TransactWriteItem, error) {
	if len(events) == 0 {
		return nil, fmt.Errorf("append events: none given")
	}
	last := events[len(events)-1]
	values := map[string]types.AttributeValue{
		":seq": num(last.Seq), ":hash": &types.AttributeValueMemberB{Value: last.Hash}, ":prev": num(head.Seq),
	}
	for k, v := range vals {
		values[k] = v
	}
	update := "SET evSeq = :seq, evHash = :hash"
	if set != "" {
		update += ", " + set
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName:                 aws.String(s.table),
		Key:                       k,
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(pk) AND evSeq = :prev"),
		ExpressionAttributeValues: values,
	}}}
	for _, e := range events {
		put, err := s.putEventAt(pk, e)
		if err != nil {
			return nil, err
		}
		items = append(items, put)
	}
	return items, nil
}

// Events implements settings.Store with one Query, newest first.
func (s *Store) Events(ctx context.Context, accountID string, before int64, limit int) ([]event.Event, error) {
	return s.eventsAt(ctx, "ACCOUNT#"+accountID, accountID, before, limit)
}

// eventsAt lists the events of the chain of owner kept in partition pk,
// newest first, those before seq before (0: from the newest), at most
// limit, in one Query.
func (s *Store) eventsAt(ctx context.Context, pk, owner string, before int64, limit int) ([]event.Event, error) {
	cond := "pk = :pk AND begins_with(sk, :ev)"
	vals := map[string]types.AttributeValue{":pk": str(pk), ":ev": str("EVENT#")}
	if before > 0 {
		cond = "pk = :pk AND sk BETWEEN :ev AND :before"
		vals[":before"] = str(eventSK(before - 1))
	}
	res, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(s.table), KeyConditionExpression: aws.String(cond),
		ExpressionAttributeValues: vals, ScanIndexForward: aws.Bool(false), Limit: aws.Int32(int32(limit)),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, translate("list events", err)
	}
	out := make([]event.Event, 0, len(res.Items))
	for _, av := range res.Items {
		e, err := fromEventItem(av, owner)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// AllEvents implements settings.Store: every retained event, oldest
// first, page by page.
func (s *Store) AllEvents(ctx context.Context, accountID string) ([]event.Event, error) {
	var out []event.Event
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName: aws.String(s.table), KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :ev)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str("ACCOUNT#" + accountID), ":ev": str("EVENT#")},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, translate("read events", err)
		}
		for _, av := range page.Items {
			e, err := fromEventItem(av, accountID)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// RequireReset implements settings.Store: one update of the account with
// the events, in one transaction.
func (s *Store) RequireReset(ctx context.Context, notBefore time.Time, ev event.Append) error {
	items, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, "sessionsNotBefore = :nb, resetRequired = :true",
		map[string]types.AttributeValue{":nb": num(millis(notBefore)), ":true": &types.AttributeValueMemberBOOL{Value: true}})
	if err != nil {
		return err
	}
	return s.transact(ctx, "require password reset", items, settings.ErrChanged)
}

func (s *Store) eventRetention() time.Duration {
	if s.EventRetention > 0 {
		return s.EventRetention
	}
	return DefaultEventRetention
}
