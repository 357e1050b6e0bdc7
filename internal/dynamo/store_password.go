package dynamo

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/event"
)

// setPassword is the transaction items of a new password: the account's
// password hash and sessionsNotBefore (every session opened before at is
// revoked), with the events, on the condition that the account's chain is
// still at the head they were sealed after. set and vals add further
// changes to the account item.
func (s *Store) setPassword(ev event.Append, passwordHash string, at time.Time, set string, vals map[string]types.AttributeValue) ([]types.TransactWriteItem, error) {
	expr := "passwordHash = :ph, sessionsNotBefore = :nb"
	if set != "" {
		expr += ", " + set
	}
	values := map[string]types.AttributeValue{":ph": str(passwordHash), ":nb": num(millis(at))}
	for k, v := range vals {
		values[k] = v
	}
	return s.appendEvents(ev.AccountID, ev.Head, ev.Events, expr, values)
}
