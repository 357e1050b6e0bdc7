// Package limit implements sliding-window counters: a Log holds the times
// of the events counted under one key, and a Window decides whether one
// more event fits. The store persists a Log with a version so that every
// update is a conditional write.
package limit

import (
	"net/netip"
	"slices"
	"time"
)

// Log is the history of one counted key: the times still inside the
// window, and the version of the stored item (0 when none is stored).
type Log struct {
	Key     string
	Times   []time.Time
	Version int64
}

// Window allows at most Limit events in any Period.
type Window struct {
	Limit  int
	Period time.Duration
}

// Take records one event at now if the window allows it. It returns the
// updated log (pruned, with the version advanced) or, when the limit is
// reached, ok false and how long until one more event fits.
func (w Window) Take(l Log, now time.Time) (next Log, retryAfter time.Duration, ok bool) {
	cut := now.Add(-w.Period)
	kept := slices.DeleteFunc(slices.Clone(l.Times), func(t time.Time) bool { return !t.After(cut) })
	if len(kept) >= w.Limit {
		oldest := slices.MinFunc(kept, func(a, b time.Time) int { return a.Compare(b) })
		return l, oldest.Add(w.Period).Sub(now), false
	}
	return Log{Key: l.Key, Times: append(kept, now), Version: l.Version + 1}, 0, true
}

// Expires is when the log no longer matters: the last event plus Period.
func (w Window) Expires(l Log) time.Time {
	var last time.Time
	for _, t := range l.Times {
		if t.After(last) {
			last = t
		}
	}
	return last.Add(w.Period)
}

// AddressBucket is the unit a per-client-address limit counts: the
// address for IPv4, the /64 network for IPv6 (one subscriber's usual
// allocation), "unknown" for anything unparsable.
func AddressBucket(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "unknown"
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
