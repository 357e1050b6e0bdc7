package dynamo

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
)

// DecodeAccount decodes an account item (ACCOUNT#id, ACCOUNT) as the
// store reads it, for readers of the whole table (internal/invariant).
func DecodeAccount(av map[string]types.AttributeValue) (account.Account, error) {
	return fromAccountItem(av)
}

// DecodeEvent decodes a security event item (ACCOUNT#id, EVENT#seq) as
// the store reads it, so that a reader of the whole table verifies the
// hash chain with event.Verify exactly as GET /v1/me/events/verification
// does.
func DecodeEvent(av map[string]types.AttributeValue) (event.Event, error) {
	pk, ok := av[AttrPK].(*types.AttributeValueMemberS)
	if !ok || !strings.HasPrefix(pk.Value, "ACCOUNT#") {
		return event.Event{}, fmt.Errorf("decode event: not an account's item")
	}
	return fromEventItem(av, strings.TrimPrefix(pk.Value, "ACCOUNT#"))
}
