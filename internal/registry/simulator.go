package registry

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// The documented values the simulator's DefaultRules answer for; every
// other well-formed value passes. SNILS values carry valid checksums, so
// a profile accepts them.
const (
	// RejectedSNILS and RejectedSNILS2 are unknown to the pension fund:
	// failed, reason "snils-not-found".
	RejectedSNILS  = "20000000119"
	RejectedSNILS2 = "20000000220"
	// SilentSNILS is never answered: the step waits until its 5-day
	// timeout and the check stalls.
	SilentSNILS = "30000000128"
	// UnknownPassportNumber (any series) is unknown to the migration
	// service: failed, reason "passport-not-found".
	UnknownPassportNumber = "000000"
	// InvalidPassportNumber (any series) is listed as invalid (lost,
	// stolen, replaced): failed, reason "passport-invalid".
	InvalidPassportNumber = "111111"
	// SilentPassportNumber (any series) is never answered.
	SilentPassportNumber = "999999"
	// UnknownForeignNumber (any type and issuing country) is unknown to
	// the migration service: failed, reason "foreign-document-not-found".
	UnknownForeignNumber = "X0000000"
	// InvalidForeignNumber (any type and country) is listed as invalid
	// (lost, stolen, expired): failed, reason "foreign-document-invalid".
	InvalidForeignNumber = "X1111111"
	// SilentForeignNumber (any type and country) is never answered.
	SilentForeignNumber = "X9999999"
)

// Rule decides the simulated answer to one document: ok false means the
// document gets the default answer (passed).
type Rule func(item, document string) (r Result, silent, ok bool)

// DefaultRules answers the documented values above.
func DefaultRules(item, document string) (Result, bool, bool) {
	switch item {
	case SNILS:
		switch document {
		case RejectedSNILS, RejectedSNILS2:
			return Result{Item: item, Outcome: Failed, Reason: "snils-not-found"}, false, true
		case SilentSNILS:
			return Result{}, true, true
		}
	case Passport:
		number := ""
		if len(document) == 10 {
			number = document[4:]
		}
		return migration(item, "passport", number, UnknownPassportNumber, InvalidPassportNumber, SilentPassportNumber)
	case ForeignDocument:
		number := ""
		if parts := strings.SplitN(document, "/", 3); len(parts) == 3 {
			number = parts[2]
		}
		return migration(item, "foreign-document", number, UnknownForeignNumber, InvalidForeignNumber, SilentForeignNumber)
	}
	return Result{}, false, false
}

// migration is the migration service's answer to a document number ("":
// malformed, so unknown): failed <kind>-not-found for the unknown number,
// failed <kind>-invalid for the invalid one, none for the silent one.
func migration(item, kind, number, unknown, invalid, silent string) (Result, bool, bool) {
	switch number {
	case "", unknown:
		return Result{Item: item, Outcome: Failed, Reason: kind + "-not-found"}, false, true
	case invalid:
		return Result{Item: item, Outcome: Failed, Reason: kind + "-invalid"}, false, true
	case silent:
		return Result{}, true, true
	}
	return Result{}, false, false
}

// Window is a span of time, From inclusive, Until exclusive.
type Window struct{ From, Until time.Time }

// Simulator stands in for the pension fund and the migration service in
// make run and the tests. It takes a request at once (or refuses it with
// ErrUnavailable during an outage) and answers Latency later through
// Answerer, as the rules decide. Outcomes depend only on the document,
// the configured outages and the attempt count, never on chance.
type Simulator struct {
	Answerer Answerer
	// Latency is how long an answer takes (0: answered at once, still
	// asynchronously).
	Latency time.Duration
	// Rules decides the answers; nil means DefaultRules.
	Rules Rule
	// Outages are when the registries refuse every request with
	// ErrUnavailable, by Now.
	Outages []Window
	// FailFirst refuses the first FailFirst requests of each check item
	// with ErrUnavailable: an outage that the workflow's retries outlast.
	FailFirst int
	// Now is the simulator's clock (nil: time.Now).
	Now func() time.Time
	// Log receives answers that could not be delivered (nil: discarded).
	Log *slog.Logger

	mu       sync.Mutex
	attempts map[string]int
	wg       sync.WaitGroup
}

// Submit takes a request: the answer follows through the Answerer.
func (s *Simulator) Submit(ctx context.Context, r Request) error {
	if !Known(r.Item) {
		return fmt.Errorf("submit %s of check %s: unknown item", r.Item, r.CheckID)
	}
	if s.down(r) {
		return fmt.Errorf("submit %s of check %s: %w", r.Item, r.CheckID, ErrUnavailable)
	}
	rules := s.Rules
	if rules == nil {
		rules = DefaultRules
	}
	res, silent, ok := rules(r.Item, r.Document.Reveal())
	if !ok {
		res = Result{Item: r.Item, Outcome: Passed}
	}
	if silent {
		return nil
	}
	res.AccountID, res.CheckID = r.AccountID, r.CheckID
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if s.Latency > 0 {
			time.Sleep(s.Latency)
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := s.Answerer.Answer(ctx, r.Token, res); err != nil && s.Log != nil {
			s.Log.WarnContext(ctx, "registry answer not delivered", "checkId", r.CheckID, "item", r.Item, "error", err.Error())
		}
	}()
	return nil
}

// down reports whether the request meets an outage; it counts the attempt.
func (s *Simulator) down(r Request) bool {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	for _, w := range s.Outages {
		if !now.Before(w.From) && now.Before(w.Until) {
			return true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.attempts == nil {
		s.attempts = map[string]int{}
	}
	k := r.CheckID + "/" + r.Item
	s.attempts[k]++
	return s.attempts[k] <= s.FailFirst
}

// Wait waits for the answers under way.
func (s *Simulator) Wait() { s.wg.Wait() }
