package invariant

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/limit"
)

func codeAttempts(t *Table) []Violation {
	var out []Violation
	max := int64(t.Config.Registration.CodeMaxAttempts)
	over := func(it Item, code Item, what string, max int64) {
		if n := code.N("attempts"); n > max || n < 0 {
			out = append(out, at(it, "%s: %d attempts, limit %d", what, n, max))
		}
	}
	t.Each(pkReg, func(it Item) {
		ch := it.M("ch")
		kinds := make([]string, 0, len(ch))
		for k := range ch {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			over(it, ch.M(k), k+" code", max)
		}
	})
	t.Each(pkRecovery, func(it Item) { over(it, it.M("code"), "recovery code", max) })
	t.Each(pkAccount, func(it Item) {
		switch sk := it.SK(); {
		case strings.HasPrefix(sk, skChange):
			over(it, it.M("code"), "contact-change code", max)
		case strings.HasPrefix(sk, skLetter):
			over(it, it, "letter code", int64(t.Config.Letter.MaxAttempts))
		}
	})
	return out
}

// windows are the limits of the counter logs by key prefix (the keys the
// flows count under: challenge.ContactKey.SendKey and Codes.AddressKey,
// the session flow's login#ip#, the operator search's, an organisation
// head's additions).
func windows(t *Table) map[string]limit.Window {
	c := t.Config
	return map[string]limit.Window{
		"send#":            {Limit: c.Registration.SendLimit, Period: c.Registration.SendWindow},
		"login#ip#":        {Limit: c.Session.LoginIPFailures, Period: c.Session.LoginWindow},
		"operator-search#": {Limit: c.Operator.SearchesPerHour, Period: time.Hour},
		"org-member-add#":  {Limit: c.Organisation.MemberAddsPerHour, Period: time.Hour},
	}
}

func rateWindows(t *Table) []Violation {
	var out []Violation
	ws := windows(t)
	t.Each(pkRate, func(it Item) {
		key := strings.TrimPrefix(it.PK(), pkRate)
		var w limit.Window
		found := false
		for prefix, x := range ws {
			if strings.HasPrefix(key, prefix) {
				w, found = x, true
			}
		}
		if !found {
			out = append(out, at(it, "a counter with no configured limit"))
			return
		}
		if n := busiest(it.Ns("times"), w.Period); n > w.Limit {
			out = append(out, at(it, "%d events within %s, limit %d", n, w.Period, w.Limit))
		}
	})
	return out
}

// busiest is the most events (Unix ms) within any period, as
// limit.Window counts them: the events after now-period, up to now.
func busiest(times []int64, period time.Duration) int {
	ts := slices.Sorted(slices.Values(times))
	most, j := 0, 0
	for i := range ts {
		for ts[i]-ts[j] >= period.Milliseconds() {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

func loginLocks(t *Table) []Violation {
	var out []Violation
	s := t.Config.Session
	t.Each(pkLock, func(it Item) {
		if n := busiest(it.Ns("failures"), s.LoginWindow); n >= s.LoginMaxFailures {
			out = append(out, at(it, "%d failures kept within %s; the %dth locks and clears them", n, s.LoginWindow, s.LoginMaxFailures))
		}
		lockouts := it.N("lockouts")
		switch {
		case lockouts < 0:
			out = append(out, at(it, "a negative lockout count"))
		case it.N("lockedUntil") > 0 && lockouts == 0:
			out = append(out, at(it, "locked without a lockout counted"))
		}
	})
	return out
}
