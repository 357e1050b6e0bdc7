package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/identity"
)

var _ identity.Store = (*Store)(nil)

// The identity-check items: ACCOUNT#id/CHECK#checkId per check, and
// ACCOUNT#id/IDCHECK naming the latest one (so that only one runs at a
// time). SNILS#<index> and PASSPORT#<index> (sk CONTACT, like the login
// contacts: a SNILS is also a login) hold the account that claimed them.
// IDCHECK also records the indexes of the last passed check's documents
// (heldSnilsIndex, heldPassportIndex), whose claims a re-check keeps
// until its outcome.
const (
	skCheckPrefix  = "CHECK#"
	skCurrentCheck = "IDCHECK"
	// attrConfirmationMethod is the account attribute naming how a
	// confirmed account was confirmed (SPEC §2.4); a re-check that does
	// not pass removes it.
	attrConfirmationMethod = "confirmationMethod"
)

type checkItem struct {
	PK            string `dynamodbav:"pk"`
	SK            string `dynamodbav:"sk"`
	State         string `dynamodbav:"checkState"`
	CreatedAt     int64  `dynamodbav:"createdAt"`
	UpdatedAt     int64  `dynamodbav:"updatedAt"`
	SNILSStatus   string `dynamodbav:"snilsStatus"`
	SNILSReason   string `dynamodbav:"snilsReason,omitempty"`
	SNILSSent     int64  `dynamodbav:"snilsSubmittedAt,omitempty"`
	SNILSAt       int64  `dynamodbav:"snilsDecidedAt,omitempty"`
	PassStatus    string `dynamodbav:"passportStatus"`
	PassReason    string `dynamodbav:"passportReason,omitempty"`
	PassSent      int64  `dynamodbav:"passportSubmittedAt,omitempty"`
	PassAt        int64  `dynamodbav:"passportDecidedAt,omitempty"`
	SNILSIndex    string `dynamodbav:"snilsIndex"`
	PassportIndex string `dynamodbav:"passportIndex"`
	Sealed        []byte `dynamodbav:"sealed"`
	Notified      bool   `dynamodbav:"notified,omitempty"`
	PrevSNILS     string `dynamodbav:"prevSnilsIndex,omitempty"`
	PrevPassport  string `dynamodbav:"prevPassportIndex,omitempty"`
}

func checkKey(accountID, checkID string) map[string]types.AttributeValue {
	return key("ACCOUNT#"+accountID, skCheckPrefix+checkID)
}

func fromCheckItem(av map[string]types.AttributeValue) (identity.Check, error) {
	var it checkItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return identity.Check{}, fmt.Errorf("decode check: %w", err)
	}
	return identity.Check{
		ID: it.SK[len(skCheckPrefix):], AccountID: it.PK[len("ACCOUNT#"):], State: it.State,
		CreatedAt: fromMillis(it.CreatedAt), UpdatedAt: fromMillis(it.UpdatedAt),
		SNILS:      identity.Item{Status: it.SNILSStatus, Reason: it.SNILSReason, SubmittedAt: fromMillis(it.SNILSSent), DecidedAt: fromMillis(it.SNILSAt)},
		Passport:   identity.Item{Status: it.PassStatus, Reason: it.PassReason, SubmittedAt: fromMillis(it.PassSent), DecidedAt: fromMillis(it.PassAt)},
		SNILSIndex: it.SNILSIndex, PassportIndex: it.PassportIndex, Sealed: it.Sealed, Notified: it.Notified,
		PrevSNILSIndex: it.PrevSNILS, PrevPassportIndex: it.PrevPassport,
	}, nil
}

// SubmitState implements identity.Store: the profile and the current
// check in one BatchGetItem.
func (s *Store) SubmitState(ctx context.Context, accountID string) ([]byte, int64, identity.Current, error) {
	items, err := s.batchGet(ctx, []map[string]types.AttributeValue{
		key("ACCOUNT#"+accountID, skProfile), key("ACCOUNT#"+accountID, skCurrentCheck),
	})
	if err != nil {
		return nil, 0, identity.Current{}, fmt.Errorf("read submit state: %w", err)
	}
	var (
		sealed  []byte
		version int64
		cur     identity.Current
	)
	for _, av := range items {
		switch av[AttrSK].(*types.AttributeValueMemberS).Value {
		case skProfile:
			var it struct {
				Sealed []byte `dynamodbav:"sealed"`
				Ver    int64  `dynamodbav:"ver"`
			}
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return nil, 0, identity.Current{}, fmt.Errorf("decode profile: %w", err)
			}
			sealed, version = it.Sealed, it.Ver
		case skCurrentCheck:
			var it struct {
				CheckID      string `dynamodbav:"checkId"`
				State        string `dynamodbav:"checkState"`
				HeldSNILS    string `dynamodbav:"heldSnilsIndex"`
				HeldPassport string `dynamodbav:"heldPassportIndex"`
			}
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return nil, 0, identity.Current{}, fmt.Errorf("decode current check: %w", err)
			}
			cur = identity.Current{CheckID: it.CheckID, State: it.State, HeldSNILSIndex: it.HeldSNILS, HeldPassportIndex: it.HeldPassport}
		}
	}
	return sealed, version, cur, nil
}

// CreateCheck implements identity.Store with one transaction: the
// current-check pointer (unless a check runs), the check, and the claims
// on SNILS and passport (free, or already this account's).
func (s *Store) CreateCheck(ctx context.Context, c identity.Check) error {
	av, err := attributevalue.MarshalMap(checkItem{
		PK: "ACCOUNT#" + c.AccountID, SK: skCheckPrefix + c.ID, State: c.State,
		CreatedAt: millis(c.CreatedAt), UpdatedAt: millis(c.UpdatedAt),
		SNILSStatus: c.SNILS.Status, PassStatus: c.Passport.Status,
		SNILSIndex: c.SNILSIndex, PassportIndex: c.PassportIndex, Sealed: c.Sealed,
		PrevSNILS: c.PrevSNILSIndex, PrevPassport: c.PrevPassportIndex,
	})
	if err != nil {
		return fmt.Errorf("encode check: %w", err)
	}
	me := map[string]types.AttributeValue{":me": str(c.AccountID)}
	claim := func(pk string) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{
			TableName:                 aws.String(s.table),
			Item:                      map[string]types.AttributeValue{AttrPK: str(pk), AttrSK: str(skContact), "accountId": str(c.AccountID)},
			ConditionExpression:       aws.String("attribute_not_exists(pk) OR accountId = :me"),
			ExpressionAttributeValues: me,
		}}
	}
	pointer := map[string]types.AttributeValue{
		AttrPK: str("ACCOUNT#" + c.AccountID), AttrSK: str(skCurrentCheck),
		"checkId": str(c.ID), "checkState": str(c.State),
	}
	// The held documents stay recorded while the re-check runs.
	if c.PrevSNILSIndex != "" {
		pointer["heldSnilsIndex"] = str(c.PrevSNILSIndex)
	}
	if c.PrevPassportIndex != "" {
		pointer["heldPassportIndex"] = str(c.PrevPassportIndex)
	}
	items := []types.TransactWriteItem{
		{Put: &types.Put{
			TableName:                 aws.String(s.table),
			Item:                      pointer,
			ConditionExpression:       aws.String("attribute_not_exists(pk) OR checkState <> :running"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":running": str(identity.Running)},
		}},
		{Put: &types.Put{TableName: aws.String(s.table), Item: av, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		claim("SNILS#" + c.SNILSIndex),
		claim("PASSPORT#" + c.PassportIndex),
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	failed, conflict, ok := cancelled(err)
	switch {
	case !ok:
		return translate("create check", err)
	case slices.Contains(failed, 0):
		return fmt.Errorf("create check %s: %w", c.ID, identity.ErrInProgress)
	case slices.Contains(failed, 2):
		return fmt.Errorf("create check %s: %w", c.ID, identity.ErrSNILSTaken)
	case slices.Contains(failed, 3):
		return fmt.Errorf("create check %s: %w", c.ID, identity.ErrPassportTaken)
	case conflict || len(failed) > 0:
		return fmt.Errorf("create check %s: %w", c.ID, identity.ErrChanged)
	}
	return translate("create check", err)
}

// Check implements identity.Store with one GetItem.
func (s *Store) Check(ctx context.Context, accountID, checkID string) (identity.Check, error) {
	return getItem(ctx, s, "get check", checkKey(accountID, checkID), fromCheckItem, identity.ErrCheckNotFound)
}

// MarkSubmitted implements identity.Store with one UpdateItem; the first
// submission time stays.
func (s *Store) MarkSubmitted(ctx context.Context, accountID, checkID, item string, at time.Time) error {
	attr := "snilsSubmittedAt"
	if item == "passport" {
		attr = "passportSubmittedAt"
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: checkKey(accountID, checkID),
		UpdateExpression:          aws.String("SET " + attr + " = if_not_exists(" + attr + ", :at)"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": num(millis(at))},
	})
	err = translate("mark check submitted", err)
	if isCondition(err) {
		return fmt.Errorf("mark check %s submitted: %w", checkID, identity.ErrCheckNotFound)
	}
	return err
}

// DecideItem implements identity.Store with one UpdateItem, conditioned
// on the check running and the item pending.
func (s *Store) DecideItem(ctx context.Context, accountID, checkID, item string, it identity.Item) error {
	prefix := "snils"
	if item == "passport" {
		prefix = "passport"
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: checkKey(accountID, checkID),
		UpdateExpression:    aws.String("SET " + prefix + "Status = :st, " + prefix + "Reason = :re, " + prefix + "DecidedAt = :at"),
		ConditionExpression: aws.String("attribute_exists(pk) AND checkState = :running AND " + prefix + "Status = :pending"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":st": str(it.Status), ":re": str(it.Reason), ":at": num(millis(it.DecidedAt)),
			":running": str(identity.Running), ":pending": str(identity.Pending),
		},
	})
	err = translate("record check item", err)
	if isCondition(err) {
		return fmt.Errorf("record check %s %s: %w", checkID, item, identity.ErrChanged)
	}
	return err
}

// OutcomeState implements identity.Store with one BatchGetItem.
func (s *Store) OutcomeState(ctx context.Context, accountID, checkID string) (account.Account, identity.Check, error) {
	return accountAnd(ctx, s, "read outcome state", accountID, checkKey(accountID, checkID), fromCheckItem, identity.ErrCheckNotFound)
}

// RecordOutcome implements identity.Store with one transaction: the
// check (if it still runs), the current-check pointer (with the held
// documents when it passed), the account's level, SNILS index and events,
// and the release of the claims given up.
func (s *Store) RecordOutcome(ctx context.Context, o identity.Outcome) error {
	c := o.Check
	acc := "ACCOUNT#" + c.AccountID
	items := []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: aws.String(s.table), Key: checkKey(c.AccountID, c.ID),
			UpdateExpression: aws.String("SET checkState = :st, updatedAt = :at, notified = :true, " +
				"snilsStatus = :ss, snilsReason = :sr, snilsDecidedAt = :sd, " +
				"passportStatus = :ps, passportReason = :pr, passportDecidedAt = :pd"),
			ConditionExpression: aws.String("checkState = :running"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":st": str(c.State), ":at": num(millis(c.UpdatedAt)), ":true": &types.AttributeValueMemberBOOL{Value: true},
				":ss": str(c.SNILS.Status), ":sr": str(c.SNILS.Reason), ":sd": num(millis(c.SNILS.DecidedAt)),
				":ps": str(c.Passport.Status), ":pr": str(c.Passport.Reason), ":pd": num(millis(c.Passport.DecidedAt)),
				":running": str(identity.Running),
			},
		}},
		pointerUpdate(s.table, acc, c),
	}
	switch {
	case o.Events != nil:
		set, vals := "#lvl = :lvl", map[string]types.AttributeValue{":lvl": str(string(o.Level))}
		if o.SNILSIndex != "" {
			set += ", snilsIndex = :si"
			vals[":si"] = str(o.SNILSIndex)
		}
		if o.ClearConfirmation {
			set += " REMOVE " + attrConfirmationMethod
		}
		ev, err := s.appendEvents(c.AccountID, o.Events.Head, o.Events.Events, set, vals)
		if err != nil {
			return err
		}
		ev[0].Update.ExpressionAttributeNames = map[string]string{"#lvl": "level"}
		items = append(items, ev...)
	case o.SNILSIndex != "":
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: aws.String(s.table), Key: accountKey(c.AccountID),
			UpdateExpression:          aws.String("SET snilsIndex = :si"),
			ConditionExpression:       aws.String("attribute_exists(pk)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":si": str(o.SNILSIndex)},
		}})
	}
	for _, pk := range []string{"SNILS#" + o.ReleaseSNILS, "PASSPORT#" + o.ReleasePassport} {
		if !strings.HasSuffix(pk, "#") {
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{
				TableName: aws.String(s.table), Key: key(pk, skContact),
				ConditionExpression:       aws.String("attribute_not_exists(pk) OR accountId = :me"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":me": str(c.AccountID)},
			}})
		}
	}
	err := s.transact(ctx, "record check outcome", items, identity.ErrChanged)
	if errors.Is(err, identity.ErrChanged) {
		return fmt.Errorf("record check %s: %w", c.ID, identity.ErrChanged)
	}
	return err
}

// pointerUpdate sets the current-check pointer's state, and, when the
// check passed, records its documents as the held ones.
func pointerUpdate(table, acc string, c identity.Check) types.TransactWriteItem {
	update := "SET checkState = :st"
	vals := map[string]types.AttributeValue{":st": str(c.State), ":id": str(c.ID)}
	if c.State == identity.Passed {
		update += ", heldSnilsIndex = :hs, heldPassportIndex = :hp"
		vals[":hs"], vals[":hp"] = str(c.SNILSIndex), str(c.PassportIndex)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(table), Key: key(acc, skCurrentCheck),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("checkId = :id"),
		ExpressionAttributeValues: vals,
	}}
}
