package dynamo

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/organisation"
)

// DecodeAccount decodes an account item (ACCOUNT#id, ACCOUNT) as the
// store reads it, for readers of the whole table (internal/invariant).
func DecodeAccount(av map[string]types.AttributeValue) (account.Account, error) {
	return fromAccountItem(av)
}

// DecodeEvent decodes an event item (ACCOUNT#id or ORG#id, EVENT#seq) as
// the store reads it, the chain's owner (account or organisation) taken
// from the partition, so that a reader of the whole table verifies the
// hash chain with event.Verify exactly as GET /v1/me/events/verification
// does.
func DecodeEvent(av map[string]types.AttributeValue) (event.Event, error) {
	if pk, ok := av[AttrPK].(*types.AttributeValueMemberS); ok {
		for _, prefix := range []string{"ACCOUNT#", pkOrg} {
			if owner, ok := strings.CutPrefix(pk.Value, prefix); ok {
				return fromEventItem(av, owner)
			}
		}
	}
	return event.Event{}, fmt.Errorf("decode event: not an account's or an organisation's item")
}

// DecodeOrganisation decodes an organisation item (ORG#id, ORG) as the
// store reads it, for readers of the whole table (internal/invariant).
func DecodeOrganisation(av map[string]types.AttributeValue) (organisation.Organisation, error) {
	return decodeOrg(av)
}
