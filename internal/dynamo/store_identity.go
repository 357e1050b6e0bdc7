package dynamo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/registry"
)

var _ identity.Store = (*Store)(nil)

// The identity-check items: ACCOUNT#id/CHECK#checkId per check, and
// ACCOUNT#id/IDCHECK naming the latest one (so that only one runs at a
// time). SNILS#<index>, PASSPORT#<index> and FOREIGNDOC#<index> (sk
// CONTACT, like the login contacts: a SNILS is also a login) hold the
// account that claimed them. IDCHECK also records the indexes of the last
// passed check's documents (heldSnilsIndex, heldPassportIndex,
// heldForeignDocumentIndex), whose claims a re-check keeps until its
// outcome. A check stores each item it holds under the item's attribute
// prefix (itemAttr): <prefix>Status, Reason, SubmittedAt, DecidedAt.
const (
	skCheckPrefix  = "CHECK#"
	skCurrentCheck = "IDCHECK"
	// The claim prefixes of the documents.
	pkSNILS    = "SNILS#"
	pkPassport = "PASSPORT#"
	pkForeign  = "FOREIGNDOC#"
	// attrForeignIndex is the account attribute holding the blind index
	// of a foreign citizen's checked document.
	attrForeignIndex = "foreignDocumentIndex"
	// attrConfirmationMethod is the account attribute naming how a
	// confirmed account was confirmed (SPEC §2.4); a re-check that does
	// not pass removes it.
	attrConfirmationMethod = "confirmationMethod"
)

// itemAttr is the attribute prefix of each check item.
var itemAttr = map[string]string{
	registry.SNILS: "snils", registry.Passport: "passport", registry.ForeignDocument: "foreignDocument",
}

type checkItem struct {
	PK            string `dynamodbav:"pk"`
	SK            string `dynamodbav:"sk"`
	State         string `dynamodbav:"checkState"`
	CreatedAt     int64  `dynamodbav:"createdAt"`
	UpdatedAt     int64  `dynamodbav:"updatedAt"`
	SNILSStatus   string `dynamodbav:"snilsStatus,omitempty"`
	SNILSReason   string `dynamodbav:"snilsReason,omitempty"`
	SNILSSent     int64  `dynamodbav:"snilsSubmittedAt,omitempty"`
	SNILSAt       int64  `dynamodbav:"snilsDecidedAt,omitempty"`
	PassStatus    string `dynamodbav:"passportStatus,omitempty"`
	PassReason    string `dynamodbav:"passportReason,omitempty"`
	PassSent      int64  `dynamodbav:"passportSubmittedAt,omitempty"`
	PassAt        int64  `dynamodbav:"passportDecidedAt,omitempty"`
	ForStatus     string `dynamodbav:"foreignDocumentStatus,omitempty"`
	ForReason     string `dynamodbav:"foreignDocumentReason,omitempty"`
	ForSent       int64  `dynamodbav:"foreignDocumentSubmittedAt,omitempty"`
	ForAt         int64  `dynamodbav:"foreignDocumentDecidedAt,omitempty"`
	SNILSIndex    string `dynamodbav:"snilsIndex,omitempty"`
	PassportIndex string `dynamodbav:"passportIndex,omitempty"`
	ForeignIndex  string `dynamodbav:"foreignDocumentIndex,omitempty"`
	Sealed        []byte `dynamodbav:"sealed"`
	Notified      bool   `dynamodbav:"notified,omitempty"`
	PrevSNILS     string `dynamodbav:"prevSnilsIndex,omitempty"`
	PrevPassport  string `dynamodbav:"prevPassportIndex,omitempty"`
	PrevForeign   string `dynamodbav:"prevForeignDocumentIndex,omitempty"`
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
		SNILS:           identity.Item{Status: it.SNILSStatus, Reason: it.SNILSReason, SubmittedAt: fromMillis(it.SNILSSent), DecidedAt: fromMillis(it.SNILSAt)},
		Passport:        identity.Item{Status: it.PassStatus, Reason: it.PassReason, SubmittedAt: fromMillis(it.PassSent), DecidedAt: fromMillis(it.PassAt)},
		ForeignDocument: identity.Item{Status: it.ForStatus, Reason: it.ForReason, SubmittedAt: fromMillis(it.ForSent), DecidedAt: fromMillis(it.ForAt)},
		SNILSIndex:      it.SNILSIndex, PassportIndex: it.PassportIndex, ForeignIndex: it.ForeignIndex, Sealed: it.Sealed, Notified: it.Notified,
		PrevSNILSIndex: it.PrevSNILS, PrevPassportIndex: it.PrevPassport, PrevForeignIndex: it.PrevForeign,
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
				HeldForeign  string `dynamodbav:"heldForeignDocumentIndex"`
			}
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return nil, 0, identity.Current{}, fmt.Errorf("decode current check: %w", err)
			}
			cur = identity.Current{
				CheckID: it.CheckID, State: it.State,
				HeldSNILSIndex: it.HeldSNILS, HeldPassportIndex: it.HeldPassport, HeldForeignIndex: it.HeldForeign,
			}
		}
	}
	return sealed, version, cur, nil
}

// CreateCheck implements identity.Store with one transaction: the
// current-check pointer (unless a check runs), the check, and the claims
// on its documents (free, or already this account's).
func (s *Store) CreateCheck(ctx context.Context, c identity.Check) error {
	av, err := attributevalue.MarshalMap(checkItem{
		PK: "ACCOUNT#" + c.AccountID, SK: skCheckPrefix + c.ID, State: c.State,
		CreatedAt: millis(c.CreatedAt), UpdatedAt: millis(c.UpdatedAt),
		SNILSStatus: c.SNILS.Status, PassStatus: c.Passport.Status, ForStatus: c.ForeignDocument.Status,
		SNILSIndex: c.SNILSIndex, PassportIndex: c.PassportIndex, ForeignIndex: c.ForeignIndex, Sealed: c.Sealed,
		PrevSNILS: c.PrevSNILSIndex, PrevPassport: c.PrevPassportIndex, PrevForeign: c.PrevForeignIndex,
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
	for attr, index := range map[string]string{
		"heldSnilsIndex": c.PrevSNILSIndex, "heldPassportIndex": c.PrevPassportIndex, "heldForeignDocumentIndex": c.PrevForeignIndex,
	} {
		if index != "" {
			pointer[attr] = str(index)
		}
	}
	items := []types.TransactWriteItem{
		{Put: &types.Put{
			TableName:                 aws.String(s.table),
			Item:                      pointer,
			ConditionExpression:       aws.String("attribute_not_exists(pk) OR checkState <> :running"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":running": str(identity.Running)},
		}},
		{Put: &types.Put{TableName: aws.String(s.table), Item: av, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
	}
	claims := checkClaims(c)
	for _, cl := range claims {
		items = append(items, claim(cl.pk))
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	failed, conflict, ok := cancelled(err)
	switch {
	case !ok:
		return translate("create check", err)
	case slices.Contains(failed, 0):
		return fmt.Errorf("create check %s: %w", c.ID, identity.ErrInProgress)
	}
	for i, cl := range claims {
		if slices.Contains(failed, 2+i) {
			return fmt.Errorf("create check %s: %w", c.ID, cl.taken)
		}
	}
	if conflict || len(failed) > 0 {
		return fmt.Errorf("create check %s: %w", c.ID, identity.ErrChanged)
	}
	return translate("create check", err)
}

// docClaim is one document a check claims: its item's key, and the fault
// when another account holds it.
type docClaim struct {
	pk    string
	taken error
}

// checkClaims are the claims of the documents the check holds.
func checkClaims(c identity.Check) []docClaim {
	var out []docClaim
	for _, d := range []struct {
		prefix, index string
		taken         error
	}{
		{pkSNILS, c.SNILSIndex, identity.ErrSNILSTaken},
		{pkPassport, c.PassportIndex, identity.ErrPassportTaken},
		{pkForeign, c.ForeignIndex, identity.ErrForeignDocumentTaken},
	} {
		if d.index != "" {
			out = append(out, docClaim{pk: d.prefix + d.index, taken: d.taken})
		}
	}
	return out
}

// Check implements identity.Store with one GetItem.
func (s *Store) Check(ctx context.Context, accountID, checkID string) (identity.Check, error) {
	return getItem(ctx, s, "get check", checkKey(accountID, checkID), fromCheckItem, identity.ErrCheckNotFound)
}

// MarkSubmitted implements identity.Store with one UpdateItem; the first
// submission time stays.
func (s *Store) MarkSubmitted(ctx context.Context, accountID, checkID, item string, at time.Time) error {
	prefix, ok := itemAttr[item]
	if !ok {
		return fmt.Errorf("mark check %s submitted: %w", checkID, identity.ErrUnknownItem)
	}
	attr := prefix + "SubmittedAt"
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
	prefix, ok := itemAttr[item]
	if !ok {
		return fmt.Errorf("record check %s: %w", checkID, identity.ErrUnknownItem)
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
// documents when it passed), the account's level, document indexes and
// events, and the release of the claims given up.
func (s *Store) RecordOutcome(ctx context.Context, o identity.Outcome) error {
	c := o.Check
	acc := "ACCOUNT#" + c.AccountID
	set := "SET checkState = :st, updatedAt = :at, notified = :true"
	vals := map[string]types.AttributeValue{
		":st": str(c.State), ":at": num(millis(c.UpdatedAt)), ":true": &types.AttributeValueMemberBOOL{Value: true},
		":running": str(identity.Running),
	}
	for i, name := range c.Items() {
		p, it, n := itemAttr[name], c.Item(name), fmt.Sprint(i)
		set += fmt.Sprintf(", %[1]sStatus = :s%[2]s, %[1]sReason = :r%[2]s, %[1]sDecidedAt = :d%[2]s", p, n)
		vals[":s"+n], vals[":r"+n], vals[":d"+n] = str(it.Status), str(it.Reason), num(millis(it.DecidedAt))
	}
	items := []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: aws.String(s.table), Key: checkKey(c.AccountID, c.ID),
			UpdateExpression:          aws.String(set),
			ConditionExpression:       aws.String("checkState = :running"),
			ExpressionAttributeValues: vals,
		}},
		pointerUpdate(s.table, acc, c),
	}
	indexSet, indexRemove, indexVals := accountIndexes(o)
	switch {
	case o.Events != nil:
		set, vals := "#lvl = :lvl", map[string]types.AttributeValue{":lvl": str(string(o.Level))}
		for _, x := range indexSet {
			set += ", " + x
		}
		maps.Copy(vals, indexVals)
		remove := indexRemove
		if o.ClearConfirmation {
			remove = append(remove, attrConfirmationMethod)
		}
		if len(remove) > 0 {
			set += " REMOVE " + strings.Join(remove, ", ")
		}
		ev, err := s.appendEvents(c.AccountID, o.Events.Head, o.Events.Events, set, vals)
		if err != nil {
			return err
		}
		ev[0].Update.ExpressionAttributeNames = map[string]string{"#lvl": "level"}
		items = append(items, ev...)
	case c.State == identity.Passed:
		update := ""
		if len(indexSet) > 0 {
			update = "SET " + strings.Join(indexSet, ", ")
		}
		if len(indexRemove) > 0 {
			update += " REMOVE " + strings.Join(indexRemove, ", ")
		}
		u := &types.Update{
			TableName: aws.String(s.table), Key: accountKey(c.AccountID),
			UpdateExpression:    aws.String(strings.TrimSpace(update)),
			ConditionExpression: aws.String("attribute_exists(pk)"),
		}
		if len(indexVals) > 0 {
			u.ExpressionAttributeValues = indexVals
		}
		items = append(items, types.TransactWriteItem{Update: u})
	}
	for _, pk := range []string{pkSNILS + o.ReleaseSNILS, pkPassport + o.ReleasePassport, pkForeign + o.ReleaseForeign} {
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

// accountIndexes are the account's document indexes after a passed check
// (nothing otherwise): each set to the check's, or removed when the check
// had no document of that kind (a re-check that moved between an RF
// passport and a foreign document).
func accountIndexes(o identity.Outcome) (set, remove []string, vals map[string]types.AttributeValue) {
	if o.Check.State != identity.Passed {
		return nil, nil, nil
	}
	vals = map[string]types.AttributeValue{}
	for _, x := range []struct{ attr, value, placeholder string }{
		{"snilsIndex", o.SNILSIndex, ":si"}, {attrForeignIndex, o.ForeignIndex, ":fi"},
	} {
		if x.value == "" {
			remove = append(remove, x.attr)
			continue
		}
		set = append(set, x.attr+" = "+x.placeholder)
		vals[x.placeholder] = str(x.value)
	}
	return set, remove, vals
}

// pointerUpdate sets the current-check pointer's state, and, when the
// check passed, records its documents as the held ones.
func pointerUpdate(table, acc string, c identity.Check) types.TransactWriteItem {
	update := "SET checkState = :st"
	vals := map[string]types.AttributeValue{":st": str(c.State), ":id": str(c.ID)}
	if c.State == identity.Passed {
		update += ", heldSnilsIndex = :hs, heldPassportIndex = :hp, heldForeignDocumentIndex = :hf"
		vals[":hs"], vals[":hp"], vals[":hf"] = str(c.SNILSIndex), str(c.PassportIndex), str(c.ForeignIndex)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(table), Key: key(acc, skCurrentCheck),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("checkId = :id"),
		ExpressionAttributeValues: vals,
	}}
}
