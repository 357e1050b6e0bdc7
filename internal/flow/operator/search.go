package operator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/person"
)

// Found is what an operator learns of the account a SNILS names: what
// they need to serve the person in front of them, no more (no contacts,
// no documents).
type Found struct {
	AccountID string
	Level     account.Level
	Method    account.Method // "" below confirmed
	Surname   string
	GivenName string
}

// searches is the hourly search window of one operator credential.
func (f *Flow) searches() limit.Window {
	return limit.Window{Limit: f.Limits.SearchesPerHour, Period: time.Hour}
}

// errMiss ends a search that was counted and found nothing.
var errMiss = errors.New("no account has the SNILS")

// Search finds the account a SNILS belongs to. Every search counts
// against the operator credential's hourly limit, found or not, before
// anything is looked at, and a refused one writes nothing; a search that
// finds the account is an operator-action event in its chain, written
// with the count.
func (f *Flow) Search(ctx context.Context, principal, snils string) (Operator, Found, error) {
	if !ValidPrincipal(principal) {
		return Operator{}, Found{}, ErrUnknown
	}
	s, err := person.ParseSNILS(snils)
	if err != nil {
		return Operator{}, Found{}, fault.InvalidFields(fault.Field{Pointer: "/snils", Reason: "snils-invalid"})
	}
	index := f.Index.Index(purposeSNILS, s.Value())
	logKey := "operator-search#" + f.checkKey(principal)
	var (
		op    Operator
		found Found
	)
	err = retry(ctx, func() error {
		reg, accountID, log, err := f.Store.SearchState(ctx, principal, index, logKey)
		if err != nil {
			return fmt.Errorf("search by snils: %w", err)
		}
		if !reg.Known {
			return ErrUnknown
		}
		op = reg.Operator
		now := f.Now()
		log.Key = logKey
		next, wait, ok := f.searches().Take(log, now)
		if !ok {
			return fault.Limited(ErrSearchLimit.Slug, wait)
		}
		count := challenge.LogWrite{Log: next, Expires: f.searches().Expires(next)}
		if accountID == "" {
			if err := f.Store.RecordSearch(ctx, count, nil); err != nil {
				return err
			}
			return errMiss
		}
		a, err := f.Store.Account(ctx, accountID)
		if err != nil {
			return fmt.Errorf("search by snils: %w", err)
		}
		found = Found{AccountID: a.ID, Level: a.Level, Method: a.ConfirmationMethod, Surname: a.Surname, GivenName: a.GivenName}
		ev := event.Chain(a.ID, a.Events, now, origin, op.details("search"), event.OperatorAction)
		return f.Store.RecordSearch(ctx, count, &ev)
	})
	if errors.Is(err, errMiss) {
		return op, Found{}, ErrAccountNotFound
	}
	if err != nil {
		return op, Found{}, err
	}
	return op, found, nil
}
