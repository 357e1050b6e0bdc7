package settings_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault/faulttest"
	"github.com/portalid/portalid/internal/flow/settings"
)

// pagedStore answers Events with a full page of events just below the
// cursor and records the calls; RequireReset records the events it was
// given. Any other call would panic on the nil Store: the targets below
// must make none.
type pagedStore struct {
	settings.Store
	before, limit int64
	calls         int
	appended      []event.Event
}

func (s *pagedStore) Events(_ context.Context, _ string, before int64, limit int) ([]event.Event, error) {
	s.calls++
	s.before, s.limit = before, int64(limit)
	top := before - 1
	if before == 0 {
		top = 500
	}
	var evs []event.Event
	for seq := top; seq >= 1 && len(evs) < limit; seq-- {
		evs = append(evs, event.Event{Seq: seq})
	}
	return evs, nil
}

func (s *pagedStore) RequireReset(_ context.Context, _ time.Time, ev event.Append) error {
	s.calls++
	s.appended = ev.Events
	return nil
}

// FuzzEvents: the events cursor is the sequence number a previous page
// returned. A bad cursor is a /cursor fault that reads nothing; a good
// one reads the events before it, within the page size; the next cursor
// is a good cursor below it, so paging always ends.
func FuzzEvents(f *testing.F) {
	for _, s := range []string{"", "51", "2", "1", "0", "-3", "+7", "007", "9223372036854775807", "9223372036854775808", "1e3", " 5", "abc"} {
		f.Add(s, 0)
		f.Add(s, 120)
	}
	a := account.Account{ID: "abcdefghijklmnopqrstuvwxyz"}
	f.Fuzz(func(t *testing.T, cursor string, limit int) {
		st := &pagedStore{}
		fl := &settings.Flow{Store: st}
		p, err := fl.Events(context.Background(), a, cursor, limit)
		if err != nil {
			faulttest.Invalid(t, err, []string{"/cursor"}, cursor)
			if st.calls != 0 {
				t.Fatalf("Events(cursor %q) refused after %d reads", cursor, st.calls)
			}
			return
		}
		if st.limit < 1 || st.limit > settings.PageSize || (cursor != "" && st.before < 2) || (cursor == "" && st.before != 0) {
			t.Fatalf("Events(%q, %d) read %d before %d", cursor, limit, st.limit, st.before)
		}
		if p.Next == "" {
			return
		}
		n, err := strconv.ParseInt(p.Next, 10, 64)
		if err != nil || strconv.FormatInt(n, 10) != p.Next || n < 2 || (st.before != 0 && n >= st.before) {
			t.Fatalf("Events(%q) next cursor %q does not move on from %d", cursor, p.Next, st.before)
		}
		if _, err := fl.Events(context.Background(), a, p.Next, limit); err != nil {
			t.Fatalf("Events(next cursor %q) = %v", p.Next, err)
		}
	})
}

// FuzzNotMe: the event a person disowns is named by its sequence number
// in the path. Anything but a number of one of the account's events is
// not found and writes nothing; a number is recorded in the not-me event
// in its canonical form, whatever the spelling in the path.
func FuzzNotMe(f *testing.F) {
	for _, s := range []string{"1", "10", "11", "0", "-1", "+5", "05", "5 ", "0x5", "", "9223372036854775808"} {
		f.Add(s)
	}
	a := account.Account{ID: "abcdefghijklmnopqrstuvwxyz", Events: event.Head{Seq: 10}}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, seq string) {
		st := &pagedStore{}
		fl := &settings.Flow{Store: st, Now: func() time.Time { return now }}
		err := fl.NotMe(context.Background(), a, seq, event.Origin{})
		if err != nil {
			if !errors.Is(err, settings.ErrEventNotFound) || st.calls != 0 {
				t.Fatalf("NotMe(%q) = %v after %d writes; want ErrEventNotFound and none", seq, err, st.calls)
			}
			return
		}
		n, perr := strconv.ParseInt(seq, 10, 64)
		if perr != nil || n < 1 || n > a.Events.Seq || len(st.appended) != 1 {
			t.Fatalf("NotMe(%q) accepted; %d events appended", seq, len(st.appended))
		}
		if got := st.appended[0].Details["event"]; got != strconv.FormatInt(n, 10) {
			t.Fatalf("NotMe(%q) recorded the event as %q, want %q", seq, got, strconv.FormatInt(n, 10))
		}
	})
}
