package settings

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
)

// PageSize bounds one page of events.
const PageSize = 50

// Page is one page of events, newest first, and the cursor of the next.
type Page struct {
	Events []event.Event
	Next   string
}

// Events lists the account's security events, newest first. The cursor is
// the one a previous page returned, or "" for the first page.
func (f *Flow) Events(ctx context.Context, a account.Account, cursor string, limit int) (Page, error) {
	var before int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 1 {
			return Page{}, fault.InvalidFields(fault.Field{Pointer: "/cursor", Reason: ErrCursorInvalid.Slug})
		}
		before = n
	}
	if limit <= 0 || limit > PageSize {
		limit = PageSize
	}
	evs, err := f.Store.Events(ctx, a.ID, before, limit)
	if err != nil {
		return Page{}, fmt.Errorf("list events of %s: %w", a.ID, err)
	}
	p := Page{Events: evs}
	if len(evs) == limit && evs[len(evs)-1].Seq > 1 {
		p.Next = strconv.FormatInt(evs[len(evs)-1].Seq, 10)
	}
	return p, nil
}

// Verify checks the account's event chain; brokenAt is 0 when intact.
func (f *Flow) Verify(ctx context.Context, a account.Account) (brokenAt int64, err error) {
	evs, err := f.Store.AllEvents(ctx, a.ID)
	if err != nil {
		return 0, fmt.Errorf("verify events of %s: %w", a.ID, err)
	}
	return event.Verify(evs, a.Events), nil
}

// NotMe marks an event as not done by the person: every session ends,
// the password must be reset before the next sign-in, and the mark is an
// event itself.
func (f *Flow) NotMe(ctx context.Context, a account.Account, seq string, o event.Origin) error {
	// The event is recorded by its number, not by the path's spelling of
	// it ("+5", "005"): the chain holds no text a client chose.
	n, err := strconv.ParseInt(seq, 10, 64)
	if err != nil || n < 1 || n > a.Events.Seq {
		return ErrEventNotFound
	}
	for race := 0; race < 16; race++ {
		if race > 0 {
			time.Sleep(time.Duration(rand.Int64N(int64(race) * int64(5*time.Millisecond))))
			if a, err = f.Store.Account(ctx, a.ID); err != nil {
				return fmt.Errorf("mark event of %s: %w", a.ID, err)
			}
		}
		now := f.Now()
		err = f.Store.RequireReset(ctx, now, event.Chain(a.ID, a.Events, now, o, map[string]string{"event": strconv.FormatInt(n, 10)}, event.NotMe))
		if !errors.Is(err, ErrChanged) {
			return err
		}
	}
	return ErrBusy
}
