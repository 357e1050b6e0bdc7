package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/letter"
)

var _ letter.Store = (*Store)(nil)

// The letter items: ACCOUNT#id/LETTER#letterId per registered letter, and
// ACCOUNT#id/LETTER naming the latest one with the earliest time the
// next may be ordered (reorderAt). Ordering writes both in one
// transaction on the condition that reorderAt has passed, so two orders
// at once make one letter.
const (
	skLetterPrefix = "LETTER#"
	skLatestLetter = "LETTER"
)

type letterItem struct {
	PK               string `dynamodbav:"pk"`
	SK               string `dynamodbav:"sk"`
	Status           string `dynamodbav:"letterStatus"`
	VoidReason       string `dynamodbav:"voidReason,omitempty"`
	OrderedAt        int64  `dynamodbav:"orderedAt"`
	DispatchedAt     int64  `dynamodbav:"dispatchedAt,omitempty"`
	ExpiresAt        int64  `dynamodbav:"expiresAt,omitempty"`
	RemindAt         int64  `dynamodbav:"remindAt,omitempty"`
	RemindedAt       int64  `dynamodbav:"remindedAt,omitempty"`
	TrackedAt        int64  `dynamodbav:"trackedAt,omitempty"`
	DeliveredAt      int64  `dynamodbav:"deliveredAt,omitempty"`
	ClosedAt         int64  `dynamodbav:"closedAt,omitempty"`
	TrackingNumber   string `dynamodbav:"trackingNumber,omitempty"`
	Attempts         int64  `dynamodbav:"attempts"`
	CodeHash         []byte `dynamodbav:"codeHash,omitempty"`
	SealedCode       []byte `dynamodbav:"sealedCode,omitempty"`
	Sealed           []byte `dynamodbav:"sealed,omitempty"`
	Locale           string `dynamodbav:"locale,omitempty"`
	PrevLetterID     string `dynamodbav:"prevLetterId,omitempty"`
	Token            string `dynamodbav:"token,omitempty"`
	TokenStep        string `dynamodbav:"tokenStep,omitempty"`
	SentNoticeAt     int64  `dynamodbav:"sentNoticeAt,omitempty"`
	TrackingNoticeAt int64  `dynamodbav:"trackingNoticeAt,omitempty"`
	EndNoticeAt      int64  `dynamodbav:"endNoticeAt,omitempty"`
}

// noticeAttrs are the attributes that claim each notice of a letter.
var noticeAttrs = map[string]string{
	letter.NoticeSent: "sentNoticeAt", letter.NoticeTracking: "trackingNoticeAt",
	letter.NoticeReminder: "remindedAt", letter.NoticeEnd: "endNoticeAt",
}

func letterKey(accountID, letterID string) map[string]types.AttributeValue {
	return key("ACCOUNT#"+accountID, skLetterPrefix+letterID)
}

func toLetterItem(l letter.Letter) letterItem {
	return letterItem{
		PK: "ACCOUNT#" + l.AccountID, SK: skLetterPrefix + l.ID, Status: l.Status, VoidReason: l.VoidReason,
		OrderedAt: millis(l.OrderedAt), DispatchedAt: millis(l.DispatchedAt), ExpiresAt: millis(l.ExpiresAt),
		RemindAt: millis(l.RemindAt), RemindedAt: millis(l.RemindedAt), TrackedAt: millis(l.TrackedAt),
		DeliveredAt: millis(l.DeliveredAt), ClosedAt: millis(l.ClosedAt), TrackingNumber: l.TrackingNumber,
		Attempts: int64(l.Attempts), CodeHash: l.CodeHash, SealedCode: l.SealedCode, Sealed: l.Sealed,
		Locale: l.Locale, PrevLetterID: l.PrevLetterID, Token: l.Token, TokenStep: l.TokenStep,
		SentNoticeAt: millis(l.SentNoticeAt), TrackingNoticeAt: millis(l.TrackingNoticeAt), EndNoticeAt: millis(l.EndNoticeAt),
	}
}

func fromLetterItem(av map[string]types.AttributeValue) (letter.Letter, error) {
	var it letterItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return letter.Letter{}, fmt.Errorf("decode letter: %w", err)
	}
	return letter.Letter{
		ID: strings.TrimPrefix(it.SK, skLetterPrefix), AccountID: strings.TrimPrefix(it.PK, "ACCOUNT#"),
		Status: it.Status, VoidReason: it.VoidReason,
		OrderedAt: fromMillis(it.OrderedAt), DispatchedAt: fromMillis(it.DispatchedAt), ExpiresAt: fromMillis(it.ExpiresAt),
		RemindAt: fromMillis(it.RemindAt), RemindedAt: fromMillis(it.RemindedAt), TrackedAt: fromMillis(it.TrackedAt),
		DeliveredAt: fromMillis(it.DeliveredAt), ClosedAt: fromMillis(it.ClosedAt), TrackingNumber: it.TrackingNumber,
		Attempts: int(it.Attempts), CodeHash: it.CodeHash, SealedCode: it.SealedCode, Sealed: it.Sealed,
		Locale: it.Locale, PrevLetterID: it.PrevLetterID, Token: it.Token, TokenStep: it.TokenStep,
		SentNoticeAt: fromMillis(it.SentNoticeAt), TrackingNoticeAt: fromMillis(it.TrackingNoticeAt), EndNoticeAt: fromMillis(it.EndNoticeAt),
	}, nil
}

// LetterOrderState implements letter.Store with one BatchGetItem: the latest
// letter pointer and the profile.
func (s *Store) LetterOrderState(ctx context.Context, accountID string) (letter.Latest, []byte, int64, error) {
	items, err := s.batchGet(ctx, []map[string]types.AttributeValue{
		key("ACCOUNT#"+accountID, skLatestLetter), key("ACCOUNT#"+accountID, skProfile),
	})
	if err != nil {
		return letter.Latest{}, nil, 0, fmt.Errorf("read order state: %w", err)
	}
	var (
		latest  letter.Latest
		sealed  []byte
		version int64
	)
	for _, av := range items {
		var it struct {
			SK        string `dynamodbav:"sk"`
			LetterID  string `dynamodbav:"letterId"`
			ReorderAt int64  `dynamodbav:"reorderAt"`
			Sealed    []byte `dynamodbav:"sealed"`
			Ver       int64  `dynamodbav:"ver"`
		}
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return letter.Latest{}, nil, 0, fmt.Errorf("decode order state: %w", err)
		}
		if it.SK == skLatestLetter {
			latest = letter.Latest{LetterID: it.LetterID, ReorderAt: fromMillis(it.ReorderAt)}
		} else {
			sealed, version = it.Sealed, it.Ver
		}
	}
	return latest, sealed, version, nil
}

// CreateLetter implements letter.Store with one transaction: the letter,
// the pointer (if a new letter may be ordered at now), and the account's
// events (if it is still standard and its chain has not moved).
func (s *Store) CreateLetter(ctx context.Context, l letter.Letter, reorderAt, now time.Time, ev event.Append) error {
	av, err := attributevalue.MarshalMap(toLetterItem(l))
	if err != nil {
		return fmt.Errorf("encode letter: %w", err)
	}
	events, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, "", nil)
	if err != nil {
		return err
	}
	acc := events[0].Update
	acc.ConditionExpression = aws.String(*acc.ConditionExpression + " AND #lvl = :standard")
	acc.ExpressionAttributeNames = map[string]string{"#lvl": "level"}
	acc.ExpressionAttributeValues[":standard"] = str(string(account.Standard))
	items := append([]types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(s.table), Item: av, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		{Put: &types.Put{
			TableName: aws.String(s.table),
			Item: map[string]types.AttributeValue{
				AttrPK: str("ACCOUNT#" + l.AccountID), AttrSK: str(skLatestLetter),
				"letterId": str(l.ID), "orderedAt": num(millis(l.OrderedAt)), "reorderAt": num(millis(reorderAt)),
			},
			ConditionExpression:       aws.String("attribute_not_exists(pk) OR reorderAt <= :now"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":now": num(millis(now))},
		}},
	}, events...)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	failed, _, ok := cancelled(err)
	switch {
	case !ok:
		return translate("create letter", err)
	case slices.Contains(failed, 1):
		return fmt.Errorf("create letter %s: %w", l.ID, letter.ErrReorderTooSoon)
	}
	return fmt.Errorf("create letter %s: %w", l.ID, letter.ErrChanged)
}

// Letter implements letter.Store with one GetItem.
func (s *Store) Letter(ctx context.Context, accountID, letterID string) (letter.Letter, error) {
	return getItem(ctx, s, "get letter", letterKey(accountID, letterID), fromLetterItem, letter.ErrNotFound)
}

// LetterState implements letter.Store with one BatchGetItem.
func (s *Store) LetterState(ctx context.Context, accountID, letterID string) (account.Account, letter.Letter, error) {
	return accountAnd(ctx, s, "read letter state", accountID, letterKey(accountID, letterID), fromLetterItem, letter.ErrNotFound)
}

// updateLetter runs one conditional UpdateItem on a letter and returns
// it after the write (ok) or as it stood (not ok); letter.ErrNotFound
// when there is no such letter.
func (s *Store) updateLetter(ctx context.Context, op, accountID, letterID, update, cond string, vals map[string]types.AttributeValue, names map[string]string) (letter.Letter, bool, error) {
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: letterKey(accountID, letterID),
		UpdateExpression:                    aws.String(update),
		ConditionExpression:                 aws.String("attribute_exists(pk) AND (" + cond + ")"),
		ExpressionAttributeValues:           vals,
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
	if len(names) > 0 {
		in.ExpressionAttributeNames = names
	}
	res, err := s.db.UpdateItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf) && ccf.Item == nil:
		return letter.Letter{}, false, fmt.Errorf("%s %s: %w", op, letterID, letter.ErrNotFound)
	case errors.As(err, &ccf):
		l, err := fromLetterItem(ccf.Item)
		return l, false, err
	case err != nil:
		return letter.Letter{}, false, translate(op, err)
	}
	l, err := fromLetterItem(res.Attributes)
	return l, true, err
}

// in returns "attr IN (:p0, :p1, …)" over the values, with the values
// added to vals.
func in(attr, prefix string, values []string, vals map[string]types.AttributeValue) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = ":" + prefix + strconv.Itoa(i)
		vals[names[i]] = str(v)
	}
	return attr + " IN (" + strings.Join(names, ", ") + ")"
}

// IssueLetterCode implements letter.Store with one UpdateItem: the first code
// of an Ordered letter stays.
func (s *Store) IssueLetterCode(ctx context.Context, accountID, letterID string, hash, sealedCode []byte) (letter.Letter, error) {
	l, _, err := s.updateLetter(ctx, "issue letter code", accountID, letterID,
		"SET codeHash = :h, sealedCode = :c", "attribute_not_exists(codeHash) AND letterStatus = :ordered",
		map[string]types.AttributeValue{
			":h": &types.AttributeValueMemberB{Value: hash}, ":c": &types.AttributeValueMemberB{Value: sealedCode},
			":ordered": str(letter.Ordered),
		}, nil)
	return l, err
}

// SetLetterToken implements letter.Store with one UpdateItem.
func (s *Store) SetLetterToken(ctx context.Context, accountID, letterID, step, token string, when []string) (letter.Letter, bool, error) {
	vals := map[string]types.AttributeValue{":t": str(token), ":s": str(step)}
	return s.updateLetter(ctx, "record letter task token", accountID, letterID,
		"SET #tok = :t, tokenStep = :s", in("letterStatus", "w", when, vals), vals, map[string]string{"#tok": "token"})
}

// DispatchLetter implements letter.Store with one UpdateItem; the code and the
// address are needed no more once the provider has the letter.
func (s *Store) DispatchLetter(ctx context.Context, l letter.Letter) error {
	_, ok, err := s.updateLetter(ctx, "record letter hand-over", l.AccountID, l.ID,
		"SET letterStatus = :sent, dispatchedAt = :d, expiresAt = :e, remindAt = :r, sentNoticeAt = :n REMOVE sealedCode, sealed",
		"letterStatus = :ordered",
		map[string]types.AttributeValue{
			":sent": str(letter.Sent), ":ordered": str(letter.Ordered), ":d": num(millis(l.DispatchedAt)),
			":e": num(millis(l.ExpiresAt)), ":r": num(millis(l.RemindAt)), ":n": num(millis(l.SentNoticeAt)),
		}, nil)
	if err == nil && !ok {
		return fmt.Errorf("record hand-over of letter %s: %w", l.ID, letter.ErrChanged)
	}
	return err
}

// CloseLetter implements letter.Store with one UpdateItem; an ended letter
// keeps neither its sealed code nor its address.
func (s *Store) CloseLetter(ctx context.Context, accountID, letterID string, from []string, to, reason string, at time.Time) (letter.Letter, bool, error) {
	vals := map[string]types.AttributeValue{":to": str(to), ":at": num(millis(at))}
	update := "SET letterStatus = :to, closedAt = :at"
	if reason != "" {
		update += ", voidReason = :why"
		vals[":why"] = str(reason)
	}
	return s.updateLetter(ctx, "close letter", accountID, letterID, update+" REMOVE sealedCode, sealed",
		in("letterStatus", "f", from, vals), vals, nil)
}

// LowerLetterReorderAt implements letter.Store with one UpdateItem on the
// pointer; a failed condition (a newer letter, or an earlier time
// already) is no error.
func (s *Store) LowerLetterReorderAt(ctx context.Context, accountID, letterID string, at time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key("ACCOUNT#"+accountID, skLatestLetter),
		UpdateExpression:          aws.String("SET reorderAt = :at"),
		ConditionExpression:       aws.String("letterId = :id AND reorderAt > :at"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": num(millis(at)), ":id": str(letterID)},
	})
	if err = translate("lower letter reorder time", err); isCondition(err) {
		return nil
	}
	return err
}

// RecordLetterTracking implements letter.Store with one UpdateItem.
func (s *Store) RecordLetterTracking(ctx context.Context, accountID, letterID, number string, at time.Time) (letter.Letter, error) {
	l, _, err := s.updateLetter(ctx, "record letter tracking", accountID, letterID,
		"SET trackingNumber = if_not_exists(trackingNumber, :n), trackedAt = if_not_exists(trackedAt, :at)", "attribute_exists(sk)",
		map[string]types.AttributeValue{":n": str(number), ":at": num(millis(at))}, nil)
	return l, err
}

// RecordLetterDelivered implements letter.Store with one UpdateItem.
func (s *Store) RecordLetterDelivered(ctx context.Context, accountID, letterID string, at time.Time) error {
	_, _, err := s.updateLetter(ctx, "record letter delivery", accountID, letterID,
		"SET letterStatus = :delivered, deliveredAt = :at", "letterStatus = :sent",
		map[string]types.AttributeValue{":delivered": str(letter.Delivered), ":sent": str(letter.Sent), ":at": num(millis(at))}, nil)
	return err
}

// ClaimLetterNotice implements letter.Store with one UpdateItem.
func (s *Store) ClaimLetterNotice(ctx context.Context, accountID, letterID, field string, at time.Time) (bool, error) {
	attr, ok := noticeAttrs[field]
	if !ok {
		return false, fmt.Errorf("claim notice %q of letter %s: unknown notice", field, letterID)
	}
	vals := map[string]types.AttributeValue{":at": num(millis(at))}
	cond := "attribute_not_exists(" + attr + ")"
	if field != letter.NoticeEnd {
		cond += " AND " + in("letterStatus", "a", []string{letter.Sent, letter.Delivered}, vals)
	}
	_, claimed, err := s.updateLetter(ctx, "claim letter notice", accountID, letterID, "SET "+attr+" = :at", cond, vals, nil)
	return claimed, err
}

// CountLetterAttempt implements letter.Store with one UpdateItem, counted
// before any comparison, so concurrent guesses can never exceed max.
func (s *Store) CountLetterAttempt(ctx context.Context, accountID, letterID string, max int, now time.Time) (letter.Letter, bool, error) {
	vals := map[string]types.AttributeValue{":one": num(1), ":max": num(int64(max)), ":now": num(millis(now))}
	cond := in("letterStatus", "a", []string{letter.Sent, letter.Delivered}, vals) + " AND attempts < :max AND expiresAt > :now"
	return s.updateLetter(ctx, "count letter attempt", accountID, letterID, "SET attempts = attempts + :one", cond, vals, nil)
}

// UseLetterCode implements letter.Store with one transaction: the letter (its
// code still valid, the waiting step's token unchanged) and the raise to
// confirmed (confirmItems).
func (s *Store) UseLetterCode(ctx context.Context, l letter.Letter, c account.Confirmation, at time.Time) error {
	vals := map[string]types.AttributeValue{":used": str(letter.Used), ":at": num(millis(at))}
	cond := in("letterStatus", "a", []string{letter.Sent, letter.Delivered}, vals) + " AND expiresAt > :at"
	if l.Token == "" {
		cond += " AND attribute_not_exists(#tok)"
	} else {
		cond += " AND #tok = :tok"
		vals[":tok"] = str(l.Token)
	}
	confirm, err := s.confirmItems(c)
	if err != nil {
		return err
	}
	items := append([]types.TransactWriteItem{{Update: &types.Update{
		TableName: aws.String(s.table), Key: letterKey(l.AccountID, l.ID),
		UpdateExpression:          aws.String("SET letterStatus = :used, closedAt = :at REMOVE sealed"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeNames:  map[string]string{"#tok": "token"},
		ExpressionAttributeValues: vals,
	}}}, confirm...)
	return s.transact(ctx, "use letter code "+l.ID, items, letter.ErrChanged)
}
