package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/limit"
)

var _ session.Store = (*Store)(nil)

const (
	skLock    = "LOCK"
	skSession = "SESSION"
)

type lockItem struct {
	PK          string  `dynamodbav:"pk"`
	SK          string  `dynamodbav:"sk"`
	Version     int64   `dynamodbav:"ver"`
	Failures    []int64 `dynamodbav:"failures"`
	LockedUntil int64   `dynamodbav:"lockedUntil"`
	Lockouts    int     `dynamodbav:"lockouts"`
	TTL         int64   `dynamodbav:"ttl"`
}

type sessionItem struct {
	PK        string   `dynamodbav:"pk"`
	SK        string   `dynamodbav:"sk"`
	Version   int64    `dynamodbav:"ver"`
	AccountID string   `dynamodbav:"accountId"`
	Hash      []byte   `dynamodbav:"hash"`
	Previous  [][]byte `dynamodbav:"previous,omitempty"`
	CreatedAt int64    `dynamodbav:"createdAt"`
	ExpiresAt int64    `dynamodbav:"expiresAt"`
	Revoked   bool     `dynamodbav:"revoked"`
	TTL       int64    `dynamodbav:"ttl"`
}

// LoginState implements session.Store with one BatchGetItem: the contact
// items of the candidates, the identifier's lock and the address log.
func (s *Store) LoginState(ctx context.Context, keys []session.Key, lockKey, ipKey string) (session.LoginState, error) {
	req := []map[string]types.AttributeValue{key("LOCK#"+lockKey, skLock), rateKey(ipKey)}
	for _, k := range keys {
		req = append(req, key(contactPK(contact.Kind(k.Kind), k.Index), skContact))
	}
	items, err := s.batchGet(ctx, req)
	if err != nil {
		return session.LoginState{}, err
	}
	st := session.LoginState{AccountIDs: make([]string, len(keys)), Lock: session.Lock{Key: lockKey}}
	for _, av := range items {
		pk := av[AttrPK].(*types.AttributeValueMemberS).Value
		switch sk := av[AttrSK].(*types.AttributeValueMemberS).Value; sk {
		case skLock:
			var it lockItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return session.LoginState{}, fmt.Errorf("decode lock: %w", err)
			}
			st.Lock = session.Lock{Key: lockKey, LockedUntil: fromMillis(it.LockedUntil), Lockouts: it.Lockouts, Version: it.Version}
			for _, ms := range it.Failures {
				st.Lock.Failures = append(st.Lock.Failures, fromMillis(ms))
			}
		case skRate:
			if st.IPLog, err = decodeLog(av); err != nil {
				return session.LoginState{}, err
			}
		case skContact:
			for i, k := range keys {
				if pk == contactPK(contact.Kind(k.Kind), k.Index) {
					if v, ok := av["accountId"].(*types.AttributeValueMemberS); ok {
						st.AccountIDs[i] = v.Value
					}
				}
			}
		}
	}
	if st.IPLog.Key == "" {
		st.IPLog.Key = ipKey
	}
	return st, nil
}

func (s *Store) putLock(l session.Lock, expires time.Time) (types.TransactWriteItem, error) {
	it := lockItem{PK: "LOCK#" + l.Key, SK: skLock, Version: l.Version, LockedUntil: millis(l.LockedUntil), Lockouts: l.Lockouts, TTL: ttl(expires)}
	for _, t := range l.Failures {
		it.Failures = append(it.Failures, millis(t))
	}
	return s.putVersioned(it, l.Version)
}

// lockExpires keeps a lock item a day past its last relevance, for the
// doubling of repeated lockouts.
func lockExpires(l session.Lock) time.Time {
	last := l.LockedUntil
	for _, t := range l.Failures {
		if t.After(last) {
			last = t
		}
	}
	return last.Add(25 * time.Hour)
}

// RecordFailure implements session.Store with one TransactWriteItems.
func (s *Store) RecordFailure(ctx context.Context, l session.Lock, ipLog limit.Log, ipExpires time.Time, ev *event.Append) error {
	lock, err := s.putLock(l, lockExpires(l))
	if err != nil {
		return err
	}
	ip, err := s.putLog(ipLog, ipExpires)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{lock, ip}
	if ev != nil {
		evs, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, "", nil)
		if err != nil {
			return err
		}
		items = append(items, evs...)
	}
	return s.transact(ctx, "record login failure", items, session.ErrChanged)
}

// OpenSession implements session.Store with one TransactWriteItems.
func (s *Store) OpenSession(ctx context.Context, sess session.Session, ev event.Append, l session.Lock, rehash string) error {
	av, err := attributevalue.MarshalMap(toSessionItem(sess))
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	items := []types.TransactWriteItem{{Put: &types.Put{
		TableName: aws.String(s.table), Item: av, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}}
	// A lock that was never stored needs no reset.
	if l.Version > 1 {
		lock, err := s.putLock(l, lockExpires(l))
		if err != nil {
			return err
		}
		items = append(items, lock)
	}
	set, vals := "", map[string]types.AttributeValue(nil)
	if rehash != "" {
		set, vals = "passwordHash = :ph", map[string]types.AttributeValue{":ph": str(rehash)}
	}
	evs, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, set, vals)
	if err != nil {
		return err
	}
	return s.transact(ctx, "open session", append(items, evs...), session.ErrChanged)
}

func toSessionItem(sess session.Session) sessionItem {
	return sessionItem{
		PK: "SESSION#" + sess.ID, SK: skSession, Version: sess.Version, AccountID: sess.AccountID,
		Hash: sess.Hash, Previous: sess.Previous, CreatedAt: millis(sess.CreatedAt),
		ExpiresAt: millis(sess.ExpiresAt), Revoked: sess.Revoked, TTL: ttl(sess.ExpiresAt),
	}
}

// SessionAndAccount implements session.Store with one BatchGetItem.
func (s *Store) SessionAndAccount(ctx context.Context, sessionID, accountID string) (session.Session, account.Account, error) {
	items, err := s.batchGet(ctx, []map[string]types.AttributeValue{key("SESSION#"+sessionID, skSession), accountKey(accountID)})
	if err != nil {
		return session.Session{}, account.Account{}, err
	}
	var sess session.Session
	var acct account.Account
	found := 0
	for _, av := range items {
		switch av[AttrSK].(*types.AttributeValueMemberS).Value {
		case skSession:
			var it sessionItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return session.Session{}, account.Account{}, fmt.Errorf("decode session: %w", err)
			}
			sess = session.Session{
				ID: sessionID, AccountID: it.AccountID, Hash: it.Hash, Previous: it.Previous,
				CreatedAt: fromMillis(it.CreatedAt), ExpiresAt: fromMillis(it.ExpiresAt), Revoked: it.Revoked, Version: it.Version,
			}
			found++
		case skAccount:
			if acct, err = fromAccountItem(av); err != nil {
				return session.Session{}, account.Account{}, err
			}
			found++
		}
	}
	if found != 2 {
		return session.Session{}, account.Account{}, session.ErrSessionInvalid
	}
	return sess, acct, nil
}

// Rotate implements session.Store with one conditional UpdateItem.
func (s *Store) Rotate(ctx context.Context, sess session.Session, next []byte, expires time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      key("SESSION#"+sess.ID, skSession),
		UpdateExpression:         aws.String("SET #hash = :next, previous = :prev, expiresAt = :exp, #ttl = :ttl, ver = ver + :one"),
		ConditionExpression:      aws.String("#hash = :old AND revoked = :false"),
		ExpressionAttributeNames: map[string]string{"#hash": "hash", "#ttl": AttrTTL},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":next": &types.AttributeValueMemberB{Value: next}, ":old": &types.AttributeValueMemberB{Value: sess.Hash},
			":prev": bytesList(sess.Previous), ":exp": num(millis(expires)), ":ttl": num(ttl(expires)),
			":one": num(1), ":false": &types.AttributeValueMemberBOOL{Value: false},
		},
	})
	return s.changed(translate("rotate session", err))
}

func bytesList(bs [][]byte) types.AttributeValue {
	l := &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
	for _, b := range bs {
		l.Value = append(l.Value, &types.AttributeValueMemberB{Value: b})
	}
	return l
}

// Revoke implements session.Store with one TransactWriteItems.
func (s *Store) Revoke(ctx context.Context, sessionID string, ev event.Append) error {
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName:                 aws.String(s.table),
		Key:                       key("SESSION#"+sessionID, skSession),
		UpdateExpression:          aws.String("SET revoked = :true, ver = ver + :one"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":true": &types.AttributeValueMemberBOOL{Value: true}, ":one": num(1)},
	}}}
	evs, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, "", nil)
	if err != nil {
		return err
	}
	return s.transact(ctx, "revoke session", append(items, evs...), session.ErrChanged)
}

// RevokeAll implements session.Store: one UpdateItem of the account (its
// sessionsNotBefore) with the events, in one transaction.
func (s *Store) RevokeAll(ctx context.Context, notBefore time.Time, ev event.Append) error {
	evs, err := s.appendEvents(ev.AccountID, ev.Head, ev.Events, "sessionsNotBefore = :nb",
		map[string]types.AttributeValue{":nb": num(millis(notBefore))})
	if err != nil {
		return err
	}
	return s.transact(ctx, "revoke all sessions", evs, session.ErrChanged)
}

func (s *Store) changed(err error) error {
	if err != nil && isCondition(err) {
		return fmt.Errorf("%w: %w", session.ErrChanged, err)
	}
	return err
}
