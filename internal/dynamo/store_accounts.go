package dynamo

import (
	"context"

	"fmt"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
)

// ErrAccountNotFound is returned when an account or contact is unknown.
var ErrAccountNotFound = fault.New(fault.NotFound, "account-not-found")

// Account reads an account by id.
func (s *Store) Account(ctx context.Context, id string) (account.Account, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: accountKey(id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return account.Account{}, translate("get account", err)
	}
	if res.Item == nil {
		return account.Account{}, ErrAccountNotFound
	}
	var it accountItem
	if err := attributevalue.UnmarshalMap(res.Item, &it); err != nil {
		return account.Account{}, fmt.Errorf("decode account: %w", err)
	}
	a := account.Account{
		ID: id, Version: it.Version, Level: account.Level(it.Level),
		Surname: it.Surname, GivenName: it.GivenName, Locale: it.Locale,
		PasswordHash: it.PasswordHash, TermsVersion: it.TermsVersion,
		TermsAcceptedAt: fromMillis(it.TermsAcceptedAt), CreatedAt: fromMillis(it.CreatedAt),
	}
	for _, c := range it.Contacts {
		a.Contacts = append(a.Contacts, account.Contact{Kind: c.Kind, Address: c.Address, Index: c.Index, ConfirmedAt: fromMillis(c.ConfirmedAt)})
	}
	return a, nil
}
