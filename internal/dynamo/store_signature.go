package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/signature"
)

var _ signature.Store = (*Store)(nil)

// A signature challenge lives beside its account: ACCOUNT#<id>,
// SIGCHAL#<challengeId>. The challenge bytes are stored as they are (they
// are no secret: the signature over them is what counts); a submission
// spends it by setting its outcome, on the condition that it has none.
const skSignatureChallenge = "SIGCHAL#"

// signatureKeep is how long a refused or unused challenge stays after it
// expired, before TTL removes it; a confirming one stays as long as the
// events (its certificate fingerprint is the confirmation's proof).
const signatureKeep = 24 * time.Hour

type signatureChallengeItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Purpose     string `dynamodbav:"purpose,omitempty"`
	Challenge   []byte `dynamodbav:"challenge"`
	CreatedAt   int64  `dynamodbav:"createdAt"`
	ExpiresAt   int64  `dynamodbav:"expiresAt"`
	Outcome     string `dynamodbav:"outcome,omitempty"`
	SpentAt     int64  `dynamodbav:"spentAt,omitempty"`
	Fingerprint string `dynamodbav:"certFingerprint,omitempty"`
	TTL         int64  `dynamodbav:"ttl"`
}

func signatureChallengeKey(accountID, challengeID string) map[string]types.AttributeValue {
	return key("ACCOUNT#"+accountID, skSignatureChallenge+challengeID)
}

// CreateSignatureChallenge implements signature.Store with one PutItem.
func (s *Store) CreateSignatureChallenge(ctx context.Context, c signature.Challenge) error {
	av, err := attributevalue.MarshalMap(signatureChallengeItem{
		PK: "ACCOUNT#" + c.AccountID, SK: skSignatureChallenge + c.ID, Purpose: c.Purpose, Challenge: c.Bytes,
		CreatedAt: millis(c.CreatedAt), ExpiresAt: millis(c.ExpiresAt), TTL: ttl(c.ExpiresAt.Add(signatureKeep)),
	})
	if err != nil {
		return fmt.Errorf("encode signature challenge: %w", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table), Item: av, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	return translate("put signature challenge", err)
}

// SignatureState implements signature.Store with one BatchGetItem: the
// challenge, the account and the profile.
func (s *Store) SignatureState(ctx context.Context, accountID, challengeID string) (signature.State, error) {
	items, err := s.batchGet(ctx, []map[string]types.AttributeValue{
		signatureChallengeKey(accountID, challengeID), accountKey(accountID), key("ACCOUNT#"+accountID, skProfile),
	})
	if err != nil {
		return signature.State{}, fmt.Errorf("read signature state: %w", err)
	}
	var st signature.State
	var gotChallenge, gotAccount bool
	for _, av := range items {
		switch sk, _ := av[AttrSK].(*types.AttributeValueMemberS); {
		case sk == nil:
			return signature.State{}, errors.New("read signature state: item without sk")
		case sk.Value == skAccount:
			st.Account, err = fromAccountItem(av)
			gotAccount = true
		case sk.Value == skProfile:
			st.Profile, st.ProfileVersion, err = decodeProfile(av)
		default:
			st.Challenge, err = fromSignatureChallengeItem(av, accountID, challengeID)
			gotChallenge = true
		}
		if err != nil {
			return signature.State{}, err
		}
	}
	if !gotAccount {
		return signature.State{}, ErrAccountNotFound
	}
	if !gotChallenge {
		return signature.State{}, signature.ErrChallengeNotFound
	}
	return st, nil
}

func fromSignatureChallengeItem(av map[string]types.AttributeValue, accountID, challengeID string) (signature.Challenge, error) {
	var it signatureChallengeItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return signature.Challenge{}, fmt.Errorf("decode signature challenge: %w", err)
	}
	return signature.Challenge{
		ID: challengeID, AccountID: accountID, Purpose: it.Purpose, Bytes: it.Challenge,
		CreatedAt: fromMillis(it.CreatedAt), ExpiresAt: fromMillis(it.ExpiresAt), Used: it.Outcome != "",
	}, nil
}

// SpendSignatureChallenge implements signature.Store with one UpdateItem.
func (s *Store) SpendSignatureChallenge(ctx context.Context, accountID, challengeID, outcome string, at time.Time) error {
	u := s.spendUpdate(accountID, challengeID, outcome, at)
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression,
		ConditionExpression: u.ConditionExpression, ExpressionAttributeValues: u.ExpressionAttributeValues,
	})
	err = translate("spend signature challenge", err)
	if isCondition(err) {
		return fmt.Errorf("spend signature challenge %s: %w", challengeID, signature.ErrChallengeUsed)
	}
	return err
}

// spendUpdate records a challenge's outcome if it has none yet.
func (s *Store) spendUpdate(accountID, challengeID, outcome string, at time.Time) *types.Update {
	return &types.Update{
		TableName:           aws.String(s.table),
		Key:                 signatureChallengeKey(accountID, challengeID),
		UpdateExpression:    aws.String("SET outcome = :outcome, spentAt = :at"),
		ConditionExpression: aws.String("attribute_exists(pk) AND attribute_not_exists(outcome)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":outcome": str(outcome), ":at": num(millis(at)),
		},
	}
}

// proofUpdate spends a challenge with the outcome and the proof, if it is
// unspent and unexpired at p.At, and keeps it as long as the events (its
// certificate fingerprint is the proof of what it did).
func (s *Store) proofUpdate(p signature.Proof, outcome string) *types.Update {
	u := s.spendUpdate(p.AccountID, p.ChallengeID, outcome, p.At)
	u.UpdateExpression = aws.String(*u.UpdateExpression + ", certFingerprint = :fp, #ttl = :ttl")
	u.ConditionExpression = aws.String(*u.ConditionExpression + " AND expiresAt > :at")
	u.ExpressionAttributeNames = map[string]string{"#ttl": AttrTTL}
	u.ExpressionAttributeValues[":fp"] = str(p.Fingerprint)
	u.ExpressionAttributeValues[":ttl"] = num(ttl(p.At.Add(s.eventRetention())))
	return u
}

// ConfirmSignature implements signature.Store with one TransactWriteItems:
// the challenge spent with the proof (if unspent and unexpired, and then
// kept as long as the events), and the account's raise (confirmItems).
func (s *Store) ConfirmSignature(ctx context.Context, p signature.Proof, c account.Confirmation) error {
	u := s.proofUpdate(p, signature.OutcomeConfirmed)
	raise, err := s.confirmItems(c)
	if err != nil {
		return err
	}
	items := append([]types.TransactWriteItem{{Update: u}}, raise...)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	failed, conflict, ok := cancelled(err)
	switch {
	case !ok:
		return translate("confirm by signature", err)
	case slices.Contains(failed, 0):
		return fmt.Errorf("confirm by signature %s: %w", p.ChallengeID, signature.ErrChallengeUsed)
	case conflict || len(failed) > 0:
		return fmt.Errorf("confirm by signature %s: %w", p.ChallengeID, signature.ErrChanged)
	}
	return translate("confirm by signature", err)
}
