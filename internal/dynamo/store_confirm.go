package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
)

// confirmItems are the transaction items that raise an account to
// confirmed (SPEC §2.4): the level, the method and the level-changed
// event, on the condition that the account is still standard and its
// event chain has not moved since the confirmation was made. Each
// method's store call adds its own proof (a consumed letter code or
// challenge, an operator's record) to the same transaction.
func (s *Store) confirmItems(c account.Confirmation) ([]types.TransactWriteItem, error) {
	items, err := s.appendEvents(c.Events.AccountID, c.Events.Head, c.Events.Events,
		"#lvl = :confirmed, "+attrConfirmationMethod+" = :method",
		map[string]types.AttributeValue{
			":confirmed": str(string(account.Confirmed)),
			":method":    str(string(c.Method)),
			":standard":  str(string(account.Standard)),
		})
	if err != nil {
		return nil, err
	}
	u := items[0].Update
	u.ExpressionAttributeNames = map[string]string{"#lvl": "level"}
	u.ConditionExpression = aws.String(*u.ConditionExpression + " AND #lvl = :standard")
	return items, nil
}
