package postal

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// The documented postcodes the simulator treats specially; every other
// valid postcode gets a letter that is tracked and then delivered. No
// Russian index starts with 100, so no real address meets them.
const (
	// RejectedPostcode: the provider refuses the address at the
	// hand-over (ErrAddressRejected).
	RejectedPostcode = "100001"
	// LostPostcode: the letter is taken and tracked, then reported lost.
	LostPostcode = "100002"
	// ReturnedPostcode: the letter is taken and tracked, then returned to
	// the sender.
	ReturnedPostcode = "100003"
	// UntrackedPostcode: the letter is taken but the provider never
	// reports on it.
	UntrackedPostcode = "100004"
)

// SenderOffice is the index of the post office the simulated letters
// leave from (Moscow's main post office); tracking numbers start with it.
const SenderOffice = "101000"

// Printer takes the printed letter (make run's letter outbox): the
// recipient line, the subject and the text with the code.
// notify.Outbox is one.
type Printer interface {
	SendMail(ctx context.Context, to, subject, text string) error
}

// Simulator stands in for the postal provider in make run and the tests.
// It takes a letter at once (or refuses it: outage, rejected address),
// prints it, and reports through Reporter: Accepted with a tracking
// number TrackingDelay later ("typically the next day"), then Delivered,
// Lost or Returned DeliveryDelay after that. Outcomes depend only on the
// postcode, the configured outage and the attempt count, never on chance.
type Simulator struct {
	Reporter Reporter
	// Printer receives each letter taken, once; nil prints nowhere.
	Printer       Printer
	TrackingDelay time.Duration
	DeliveryDelay time.Duration
	// FailFirst refuses the first FailFirst hand-overs of each letter
	// with ErrUnavailable: an outage the workflow's retries outlast.
	FailFirst int
	// Now is the simulator's clock for report times (nil: time.Now).
	Now func() time.Time
	// Log receives reports that could not be delivered (nil: discarded).
	Log *slog.Logger

	mu       sync.Mutex
	attempts map[string]int
	taken    map[string]bool
	wg       sync.WaitGroup
}

var _ Provider = (*Simulator)(nil)

// Send implements Provider.
func (s *Simulator) Send(ctx context.Context, l Letter) error {
	if l.ID == "" || l.Code.Reveal() == "" {
		return fmt.Errorf("send letter %s: incomplete letter", l.ID)
	}
	first, down := s.take(l.ID)
	switch {
	case down:
		return fmt.Errorf("send letter %s: %w", l.ID, ErrUnavailable)
	case l.Postcode.Value() == RejectedPostcode:
		s.forget(l.ID)
		return fmt.Errorf("send letter %s: %w", l.ID, ErrAddressRejected)
	case !first:
		return nil // taken already: the same letter, not a second one
	}
	if s.Printer != nil {
		subject, body := Text(l)
		if err := s.Printer.SendMail(ctx, l.Postcode.Value()+", "+l.Address.Value()+", "+l.Recipient.Value(), subject, body); err != nil {
			s.forget(l.ID)
			return fmt.Errorf("print letter %s: %w", l.ID, err)
		}
	}
	if l.Postcode.Value() == UntrackedPostcode {
		return nil
	}
	final := Delivered
	switch l.Postcode.Value() {
	case LostPostcode:
		final = Lost
	case ReturnedPostcode:
		final = Returned
	}
	tracking := TrackingNumber(l.ID, s.now())
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx := context.WithoutCancel(ctx)
		time.Sleep(s.TrackingDelay)
		s.report(ctx, Report{AccountID: l.AccountID, LetterID: l.ID, Kind: Accepted, TrackingNumber: tracking, At: s.now()})
		time.Sleep(s.DeliveryDelay)
		s.report(ctx, Report{AccountID: l.AccountID, LetterID: l.ID, Kind: final, At: s.now()})
	}()
	return nil
}

// take counts a hand-over of the letter: down during the outage, first
// when the letter is taken now for the first time.
func (s *Simulator) take(id string) (first, down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.attempts == nil {
		s.attempts, s.taken = map[string]int{}, map[string]bool{}
	}
	s.attempts[id]++
	if s.attempts[id] <= s.FailFirst {
		return false, true
	}
	first = !s.taken[id]
	s.taken[id] = true
	return first, false
}

// forget un-takes a letter that was not taken after all.
func (s *Simulator) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.taken, id)
}

func (s *Simulator) report(ctx context.Context, r Report) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.Reporter.Report(ctx, r); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "postal report not delivered", "letterId", r.LetterID, "report", r.Kind, "error", err.Error())
	}
}

func (s *Simulator) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Wait waits for the reports under way.
func (s *Simulator) Wait() { s.wg.Wait() }

// TrackingNumber is the simulated 14-digit domestic tracking number of a
// letter handed over at: the sender office's index, the month, a serial
// drawn from the letter id (the same letter, the same number) and Russian
// Post's check digit.
func TrackingNumber(letterID string, at time.Time) string {
	h := sha256.Sum256([]byte(letterID))
	n := fmt.Sprintf("%s%02d%05d", SenderOffice, int(at.Month()), binary.BigEndian.Uint32(h[:4])%100000)
	return n + CheckDigit(n)
}

// CheckDigit is the check digit of the first 13 digits of a domestic
// tracking number: the digits in odd places weigh 3, the others 1, and
// the check digit brings the sum to a multiple of 10.
func CheckDigit(digits13 string) string {
	sum := 0
	for i := 0; i < len(digits13); i++ {
		d := int(digits13[i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return fmt.Sprint((10 - sum%10) % 10)
}
