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
	"github.com/portalid/portalid/internal/flow/operator"
	"github.com/portalid/portalid/internal/limit"
)

var _ operator.Store = (*Store)(nil)

// The operator items: OPERATOR#<IAM principal ARN>/OPERATOR is the
// registry entry of one operator credential (operatorId, centreId), put
// by an administrator (or make run); ACCOUNT#id/OPCHECK#<principal index>
// is that credential's latest passport check on the account. The account
// item records an in-person confirmation under attrConfirmedInPerson.
const (
	skOperator            = "OPERATOR"
	skPassportCheckPrefix = "OPCHECK#"
	attrConfirmedInPerson = "confirmedInPerson"
)

func operatorKey(principal string) map[string]types.AttributeValue {
	return key("OPERATOR#"+principal, skOperator)
}

func passportCheckKey(accountID, checkKey string) map[string]types.AttributeValue {
	return key("ACCOUNT#"+accountID, skPassportCheckPrefix+checkKey)
}

type operatorItem struct {
	PK         string `dynamodbav:"pk"`
	SK         string `dynamodbav:"sk"`
	OperatorID string `dynamodbav:"operatorId"`
	CentreID   string `dynamodbav:"centreId"`
}

type passportCheckItem struct {
	PK         string `dynamodbav:"pk"`
	SK         string `dynamodbav:"sk"`
	OperatorID string `dynamodbav:"operatorId"`
	CentreID   string `dynamodbav:"centreId"`
	Matched    bool   `dynamodbav:"matched"`
	CheckedAt  int64  `dynamodbav:"checkedAt"`
	ExpiresAt  int64  `dynamodbav:"expiresAt"`
	TTL        int64  `dynamodbav:"ttl"`
}

// PutOperator registers the operator behind an IAM principal, replacing
// any earlier entry; make run and the tests seed the registry with it.
func (s *Store) PutOperator(ctx context.Context, principal string, op operator.Operator) error {
	if !operator.ValidPrincipal(principal) || !operator.ValidRef(op.ID) || !operator.ValidRef(op.Centre) {
		return errors.New("put operator: malformed principal, operator id or centre id")
	}
	av, err := attributevalue.MarshalMap(operatorItem{PK: "OPERATOR#" + principal, SK: skOperator, OperatorID: op.ID, CentreID: op.Centre})
	if err != nil {
		return fmt.Errorf("encode operator: %w", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: av})
	return translate("put operator", err)
}

func decodeOperator(av map[string]types.AttributeValue) (operator.Registered, error) {
	var it operatorItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return operator.Registered{}, fmt.Errorf("decode operator: %w", err)
	}
	if !operator.ValidRef(it.OperatorID) || !operator.ValidRef(it.CentreID) {
		return operator.Registered{}, errors.New("decode operator: the registry entry's operatorId or centreId is malformed")
	}
	return operator.Registered{Operator: operator.Operator{ID: it.OperatorID, Centre: it.CentreID}, Known: true}, nil
}

// SearchState implements operator.Store with one BatchGetItem: the
// registry entry, the SNILS claim and the search log.
func (s *Store) SearchState(ctx context.Context, principal, snilsIndex, logKey string) (operator.Registered, string, limit.Log, error) {
	_, logs, rest, err := s.lookup(ctx, nil, []string{logKey}, operatorKey(principal), key("SNILS#"+snilsIndex, skContact))
	if err != nil {
		return operator.Registered{}, "", limit.Log{}, err
	}
	var (
		reg       operator.Registered
		accountID string
	)
	for _, av := range rest {
		if pkOf(av) == "OPERATOR#"+principal {
			if reg, err = decodeOperator(av); err != nil {
				return operator.Registered{}, "", limit.Log{}, err
			}
			continue
		}
		if v, ok := av["accountId"].(*types.AttributeValueMemberS); ok {
			accountID = v.Value
		}
	}
	return reg, accountID, logs[logKey], nil
}

// RecordSearch implements operator.Store: one PutItem of the log for a
// search that found nothing, else one TransactWriteItems with the events.
func (s *Store) RecordSearch(ctx context.Context, log challenge.LogWrite, ev *event.Append) error {
	if ev == nil {
		return s.writeLog(ctx, "record operator search", log, operator.ErrChanged)
	}
	put, err := s.putLog(log.Log, log.Expires)
	if err != nil {
		return err
	}
	items, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, "", nil)
	if err != nil {
		return err
	}
	return s.transact(ctx, "record operator search", append(items, put), operator.ErrChanged)
}

// Scene implements operator.Store with one BatchGetItem: the registry
// entry, the account, and what w asks for among the profile, the
// current-check pointer (for the held passport), the caller's passport
// check, contact claims and counter logs.
func (s *Store) Scene(ctx context.Context, principal, accountID string, w operator.Want) (operator.Scene, error) {
	pk := "ACCOUNT#" + accountID
	extra := []map[string]types.AttributeValue{operatorKey(principal), accountKey(accountID)}
	if w.Profile {
		extra = append(extra, key(pk, skProfile), key(pk, skCurrentCheck))
	}
	if w.Check != "" {
		extra = append(extra, passportCheckKey(accountID, w.Check))
	}
	owners, logs, rest, err := s.lookup(ctx, w.Contacts, w.Logs, extra...)
	if err != nil {
		return operator.Scene{}, err
	}
	sc := operator.Scene{Owners: owners, Logs: logs}
	for _, av := range rest {
		if pkOf(av) != pk {
			if sc.Registered, err = decodeOperator(av); err != nil {
				return operator.Scene{}, err
			}
			continue
		}
		switch sk := av[AttrSK].(*types.AttributeValueMemberS).Value; {
		case sk == skAccount:
			if sc.Account, err = fromAccountItem(av); err != nil {
				return operator.Scene{}, err
			}
			sc.HasAccount = true
		case sk == skProfile:
			if b, ok := av["sealed"].(*types.AttributeValueMemberB); ok {
				sc.Sealed = b.Value
			}
		case sk == skCurrentCheck:
			if v, ok := av["heldPassportIndex"].(*types.AttributeValueMemberS); ok {
				sc.HeldPassport = v.Value
			}
		case strings.HasPrefix(sk, skPassportCheckPrefix):
			var it passportCheckItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return operator.Scene{}, fmt.Errorf("decode passport check: %w", err)
			}
			sc.Check = operator.PassportCheck{
				OperatorID: it.OperatorID, Centre: it.CentreID, Matched: it.Matched,
				CheckedAt: fromMillis(it.CheckedAt), ExpiresAt: fromMillis(it.ExpiresAt),
			}
		}
	}
	return sc, nil
}

func pkOf(av map[string]types.AttributeValue) string {
	return av[AttrPK].(*types.AttributeValueMemberS).Value
}

// RecordPassportCheck implements operator.Store with one
// TransactWriteItems: the events and the check, replacing the caller's
// previous check on the account.
func (s *Store) RecordPassportCheck(ctx context.Context, checkKey string, c operator.PassportCheck, ev event.Append) error {
	items, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, "", nil)
	if err != nil {
		return err
	}
	k := passportCheckKey(ev.AccountID, checkKey)
	av, err := attributevalue.MarshalMap(passportCheckItem{
		PK: pkOf(k), SK: k[AttrSK].(*types.AttributeValueMemberS).Value,
		OperatorID: c.OperatorID, CentreID: c.Centre, Matched: c.Matched,
		CheckedAt: millis(c.CheckedAt), ExpiresAt: millis(c.ExpiresAt), TTL: ttl(c.ExpiresAt.Add(24 * time.Hour)),
	})
	if err != nil {
		return fmt.Errorf("encode passport check: %w", err)
	}
	items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: av}})
	return s.transact(ctx, "record passport check", items, operator.ErrChanged)
}

// usePassportCheck is the transaction item that lets an action stand on
// a passport check: the check must still be the one read (checkedAt), by
// the operator, matched and unexpired at now; it records the use.
func (s *Store) usePassportCheck(accountID, checkKey string, op operator.Operator, c operator.PassportCheck, now time.Time) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:           aws.String(s.table),
		Key:                 passportCheckKey(accountID, checkKey),
		UpdateExpression:    aws.String("SET usedAt = :now"),
		ConditionExpression: aws.String("operatorId = :op AND matched = :true AND checkedAt = :at AND expiresAt > :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":op": str(op.ID), ":true": &types.AttributeValueMemberBOOL{Value: true},
			":at": num(millis(c.CheckedAt)), ":now": num(millis(now)),
		},
	}}
}

// ConfirmInPerson implements operator.Store with one TransactWriteItems:
// confirmItems (level, method, events; the account still standard at the
// head read), the operator and centre on the account, and the use of the
// passport check.
func (s *Store) ConfirmInPerson(ctx context.Context, c account.Confirmation, op operator.Operator, checkKey string, check operator.PassportCheck, now time.Time) error {
	items, err := s.confirmItems(c)
	if err != nil {
		return err
	}
	u := items[0].Update
	u.UpdateExpression = aws.String(*u.UpdateExpression + ", " + attrConfirmedInPerson + " = :inPerson")
	u.ExpressionAttributeValues[":inPerson"] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"operatorId": str(op.ID), "centreId": str(op.Centre), "at": num(millis(now)),
	}}
	use := len(items)
	items = append(items, s.usePassportCheck(c.Events.AccountID, checkKey, op, check, now))
	return s.transactOperator(ctx, "confirm in person", items, use, -1, -1)
}

// Restore implements operator.Store with one TransactWriteItems: the
// account (contacts, sessions revoked, reset required, chain head), the
// events, the new contacts' claims and the old ones' release, the use of
// the passport check, the attested recovery and its send log.
func (s *Store) Restore(ctx context.Context, r operator.Restoration) error {
	list, err := attributevalue.Marshal(toContactItems(r.Contacts))
	if err != nil {
		return fmt.Errorf("encode contacts: %w", err)
	}
	id := r.Events.AccountID
	items, err := s.appendEvents(id, r.Events.Head, r.Events.Events,
		"contacts = :contacts, sessionsNotBefore = :nb, resetRequired = :reset",
		map[string]types.AttributeValue{":contacts": list, ":nb": num(millis(r.NotBefore)), ":reset": &types.AttributeValueMemberBOOL{Value: true}})
	if err != nil {
		return err
	}
	claims := len(items)
	for _, c := range r.Claims {
		items = append(items, s.claimContact(c.Kind, c.Index, id))
	}
	for _, c := range r.Releases {
		items = append(items, s.releaseContact(contact.Kind(c.Kind), c.Index, id))
	}
	use := len(items)
	items = append(items, s.usePassportCheck(id, r.CheckKey, r.Operator, r.Check, r.NotBefore))
	rec, err := s.putVersioned(toRecoveryItem(r.Recovery), r.Recovery.Version)
	if err != nil {
		return err
	}
	if items, err = s.putLogs(append(items, rec), r.Logs); err != nil {
		return err
	}
	return s.transactOperator(ctx, "restore access", items, use, claims, claims+len(r.Claims))
}

// transactOperator writes an operator's transaction and names what
// cancelled it: the passport check at index use, a contact claim in
// [claimFrom, claimTo), or else a race (ErrChanged).
func (s *Store) transactOperator(ctx context.Context, op string, items []types.TransactWriteItem, use, claimFrom, claimTo int) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	failed, _, ok := cancelled(err)
	if !ok {
		return translate(op, err)
	}
	for _, i := range failed {
		switch {
		case i >= claimFrom && i < claimTo:
			return fmt.Errorf("%s: %w", op, operator.ErrContactTaken)
		case i == use:
			return fmt.Errorf("%s: %w", op, operator.ErrPassportCheckRequired)
		}
	}
	return fmt.Errorf("%s: %w", op, operator.ErrChanged)
}
