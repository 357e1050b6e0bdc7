package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
)

// ErrAccountNotFound is returned when an account is unknown.
var ErrAccountNotFound = fault.New(fault.NotFound, "account-not-found")

type accountItem struct {
	PK              string        `dynamodbav:"pk"`
	SK              string        `dynamodbav:"sk"`
	Version         int64         `dynamodbav:"ver"`
	Level           string        `dynamodbav:"level"`
	Surname         string        `dynamodbav:"surname"`
	GivenName       string        `dynamodbav:"givenName"`
	Locale          string        `dynamodbav:"locale,omitempty"`
	Contacts        []contactItem `dynamodbav:"contacts"`
	PasswordHash    string        `dynamodbav:"passwordHash"`
	TermsVersion    string        `dynamodbav:"termsVersion"`
	TermsAcceptedAt int64         `dynamodbav:"termsAcceptedAt"`
	CreatedAt       int64         `dynamodbav:"createdAt"`
	EventSeq        int64         `dynamodbav:"evSeq"`
	EventHash       []byte        `dynamodbav:"evHash"`
	NotBefore       int64         `dynamodbav:"sessionsNotBefore,omitempty"`
	ResetRequired   bool          `dynamodbav:"resetRequired,omitempty"`
	SNILSIndex      string        `dynamodbav:"snilsIndex,omitempty"`
	Question        string        `dynamodbav:"securityQuestion,omitempty"`
	AnswerHash      string        `dynamodbav:"securityAnswerHash,omitempty"`
	Channels        []string      `dynamodbav:"notificationChannels,omitempty"`
	Method          string        `dynamodbav:"confirmationMethod,omitempty"`
	ForeignIndex    string        `dynamodbav:"foreignDocumentIndex,omitempty"`
}

type contactItem struct {
	Kind        string `dynamodbav:"kind"`
	Address     string `dynamodbav:"address"`
	Index       string `dynamodbav:"index"`
	ConfirmedAt int64  `dynamodbav:"confirmedAt"`
}

func toAccountItem(a account.Account) accountItem {
	it := accountItem{
		PK: "ACCOUNT#" + a.ID, SK: skAccount, Version: a.Version, Level: string(a.Level),
		Surname: a.Surname, GivenName: a.GivenName, Locale: a.Locale,
		PasswordHash: a.PasswordHash, TermsVersion: a.TermsVersion,
		TermsAcceptedAt: millis(a.TermsAcceptedAt), CreatedAt: millis(a.CreatedAt),
		EventSeq: a.Events.Seq, EventHash: a.Events.Hash,
		NotBefore: millis(a.SessionsNotBefore), ResetRequired: a.ResetRequired,
		SNILSIndex: a.SNILSIndex, Question: a.SecurityQuestion, AnswerHash: a.SecurityAnswerHash,
		Channels: a.NotificationChannels, Contacts: toContactItems(a.Contacts),
		Method: string(a.ConfirmationMethod),
	}
	it.ForeignIndex = a.ForeignDocumentIndex
	return it
}

func toContactItems(cs []account.Contact) []contactItem {
	out := make([]contactItem, 0, len(cs))
	for _, c := range cs {
		out = append(out, contactItem{Kind: c.Kind, Address: c.Address, Index: c.Index, ConfirmedAt: millis(c.ConfirmedAt)})
	}
	return out
}

func fromAccountItem(av map[string]types.AttributeValue) (account.Account, error) {
	var it accountItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return account.Account{}, fmt.Errorf("decode account: %w", err)
	}
	a := account.Account{
		ID: it.PK[len("ACCOUNT#"):], Version: it.Version, Level: account.Level(it.Level),
		Surname: it.Surname, GivenName: it.GivenName, Locale: it.Locale,
		PasswordHash: it.PasswordHash, TermsVersion: it.TermsVersion,
		TermsAcceptedAt: fromMillis(it.TermsAcceptedAt), CreatedAt: fromMillis(it.CreatedAt),
		Events:            event.Head{Seq: it.EventSeq, Hash: it.EventHash},
		SessionsNotBefore: fromMillis(it.NotBefore), ResetRequired: it.ResetRequired,
		SNILSIndex: it.SNILSIndex, SecurityQuestion: it.Question, SecurityAnswerHash: it.AnswerHash,
		NotificationChannels: it.Channels, ConfirmationMethod: account.Method(it.Method),
	}
	a.ForeignDocumentIndex = it.ForeignIndex
	for _, c := range it.Contacts {
		a.Contacts = append(a.Contacts, account.Contact{Kind: c.Kind, Address: c.Address, Index: c.Index, ConfirmedAt: fromMillis(c.ConfirmedAt)})
	}
	return a, nil
}

// Account reads an account by id.
func (s *Store) Account(ctx context.Context, id string) (account.Account, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: accountKey(id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return account.Account{}, translate("get account", err)
	}
	if res.Item == nil {
		return account.Account{}, ErrAccountNotFound
	}
	return fromAccountItem(res.Item)
}
