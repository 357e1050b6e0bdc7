package postal_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/postal"
	"github.com/portalid/portalid/internal/secret"
)

type reports struct {
	mu  sync.Mutex
	got []postal.Report
}

func (r *reports) Report(_ context.Context, rep postal.Report) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, rep)
	return nil
}

type printed struct {
	mu    sync.Mutex
	lines []string
}

func (p *printed) SendMail(_ context.Context, to, subject, text string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines = append(p.lines, to+"|"+subject+"|"+text)
	return nil
}

func letter(t *testing.T, id, postcode string) postal.Letter {
	t.Helper()
	pc, err := person.ParsePostcode(postcode)
	if err != nil {
		t.Fatal(err)
	}
	code, err := secret.NewLetterCode(bytes.NewReader([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}))
	if err != nil {
		t.Fatal(err)
	}
	return postal.Letter{
		AccountID: "acc", ID: id, Recipient: person.NewText("Иванова Анна Петровна"), Postcode: pc,
		Address: person.NewText("г. Тверь, ул. Советская, д. 1"), Code: code, Locale: "ru", ValidDays: 60,
	}
}

func TestSimulatorPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		postcode string
		wantErr  error
		printed  int
		kinds    []string
	}{
		{"delivered", "170100", nil, 1, []string{postal.Accepted, postal.Delivered}},
		{"lost", postal.LostPostcode, nil, 1, []string{postal.Accepted, postal.Lost}},
		{"returned", postal.ReturnedPostcode, nil, 1, []string{postal.Accepted, postal.Returned}},
		{"untracked", postal.UntrackedPostcode, nil, 1, nil},
		{"address rejected", postal.RejectedPostcode, postal.ErrAddressRejected, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep, pr := &reports{}, &printed{}
			sim := &postal.Simulator{Reporter: rep, Printer: pr, TrackingDelay: time.Millisecond, DeliveryDelay: time.Millisecond}
			l := letter(t, "letter-1", tt.postcode)
			err := sim.Send(t.Context(), l)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Send() = %v, want %v", err, tt.wantErr)
			}
			// A repeat (a retried step) is not a second letter.
			if again := sim.Send(t.Context(), l); !errors.Is(again, tt.wantErr) {
				t.Fatalf("Send() again = %v, want %v", again, tt.wantErr)
			}
			sim.Wait()
			if len(pr.lines) != tt.printed {
				t.Fatalf("printed %d letters, want %d", len(pr.lines), tt.printed)
			}
			if tt.printed > 0 && !strings.Contains(pr.lines[0], "01234-56789") {
				t.Errorf("the printed letter lacks the grouped code: %q", pr.lines[0])
			}
			var kinds []string
			for _, r := range rep.got {
				kinds = append(kinds, r.Kind)
				if r.LetterID != "letter-1" || r.AccountID != "acc" {
					t.Errorf("report names %s/%s, want acc/letter-1", r.AccountID, r.LetterID)
				}
				if r.Kind == postal.Accepted && !regexp.MustCompile(`^101000\d{8}$`).MatchString(r.TrackingNumber) {
					t.Errorf("tracking number %q, want 14 digits from office 101000", r.TrackingNumber)
				}
			}
			if diff := cmp.Diff(tt.kinds, kinds); diff != "" {
				t.Errorf("reports (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSimulatorOutage(t *testing.T) {
	t.Parallel()
	rep, pr := &reports{}, &printed{}
	sim := &postal.Simulator{Reporter: rep, Printer: pr, FailFirst: 2}
	l := letter(t, "letter-2", "170100")
	for i := range 2 {
		if err := sim.Send(t.Context(), l); !errors.Is(err, postal.ErrUnavailable) {
			t.Fatalf("attempt %d: Send() = %v, want %v", i, err, postal.ErrUnavailable)
		}
	}
	if err := sim.Send(t.Context(), l); err != nil {
		t.Fatalf("after the outage: Send() = %v", err)
	}
	sim.Wait()
	if len(pr.lines) != 1 || len(rep.got) != 2 {
		t.Errorf("printed %d, reported %d; want one letter and two reports", len(pr.lines), len(rep.got))
	}
}

func TestTrackingNumber(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	n := postal.TrackingNumber("letter-1", at)
	if len(n) != 14 || n[:8] != "10100003" {
		t.Fatalf("TrackingNumber() = %q, want 14 digits: office 101000, month 03", n)
	}
	if n != postal.TrackingNumber("letter-1", at) {
		t.Errorf("TrackingNumber() is not the same for the same letter")
	}
	if n == postal.TrackingNumber("letter-2", at) {
		t.Errorf("two letters got the same tracking number")
	}
	tests := []struct{ digits, want string }{
		{"0000000000000", "0"},
		{"1000000000000", "7"}, // 3 → 7
		{"0100000000000", "9"}, // 1 → 9
		{"1234567890123", "1"}, // 3+2+9+4+15+6+21+8+27+0+3+2+9 = 109 → 1
	}
	for _, tt := range tests {
		if got := postal.CheckDigit(tt.digits); got != tt.want {
			t.Errorf("CheckDigit(%s) = %s, want %s", tt.digits, got, tt.want)
		}
	}
}

func TestTrackingLink(t *testing.T) {
	t.Parallel()
	tests := []struct{ template, number, want string }{
		{"https://www.pochta.ru/tracking?barcode={tracking}", "10100003123456", "https://www.pochta.ru/tracking?barcode=10100003123456"},
		{"https://carrier.example/t/{tracking}", "", ""},
		{"", "10100003123456", ""},
		{"https://carrier.example/no-placeholder", "10100003123456", ""},
	}
	for _, tt := range tests {
		if got := postal.TrackingLink(tt.template, tt.number); got != tt.want {
			t.Errorf("TrackingLink(%q, %q) = %q, want %q", tt.template, tt.number, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	l := letter(t, "letter-1", "170100")
	for _, locale := range []string{"ru", "en"} {
		l.Locale = locale
		subject, body := postal.Text(l)
		for _, want := range []string{"01234-56789", "170100", "Иванова Анна Петровна", "60"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s letter lacks %q:\n%s", locale, want, body)
			}
		}
		if subject == "" {
			t.Errorf("%s letter has no subject", locale)
		}
	}
}
