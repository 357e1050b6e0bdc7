package letter

import (
	"testing"
	"time"

	"github.com/portalid/portalid/internal/config"
)

func TestView(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	f := &Flow{Limits: config.Defaults().Letter}
	sent := Letter{Status: Sent, Attempts: 2, DispatchedAt: now.Add(-24 * time.Hour), ExpiresAt: now.Add(59 * 24 * time.Hour)}
	tracked := sent
	tracked.TrackingNumber = "10100003123457"
	lapsed := sent
	lapsed.ExpiresAt = now
	used := tracked
	used.Status = Used
	tests := []struct {
		name     string
		l        Letter
		status   string
		attempts int
		link     string
	}{
		{"ordered", Letter{Status: Ordered}, Ordered, 5, ""},
		{"sent", sent, Sent, 3, ""},
		{"tracked shows in transit", tracked, InTransit, 3, "https://www.pochta.ru/tracking?barcode=10100003123457"},
		{"past its lifetime shows expired", lapsed, Expired, 0, ""},
		{"used", used, Used, 0, "https://www.pochta.ru/tracking?barcode=10100003123457"},
		{"void", Letter{Status: Void, VoidReason: ReasonAttempts, Attempts: 5}, Void, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := f.view(tt.l, now)
			if v.Status != tt.status || v.AttemptsLeft != tt.attempts || v.TrackingURL != tt.link {
				t.Errorf("view = %s, %d attempts, link %q; want %s, %d, %q", v.Status, v.AttemptsLeft, v.TrackingURL, tt.status, tt.attempts, tt.link)
			}
		})
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	l := Letter{DispatchedAt: at, RemindAt: at.Add(14 * day), ExpiresAt: at.Add(60 * day)}
	reminded := l
	reminded.RemindedAt = at.Add(14 * day)
	tests := []struct {
		name string
		l    Letter
		now  time.Time
		want int
	}{
		{"until the reminder", l, at.Add(time.Hour), int((14*day - time.Hour).Seconds())},
		{"a reminder overdue: at once", l, at.Add(20 * day), 1},
		{"after the reminder: at most 24 days", reminded, at.Add(14 * day), int((24 * day).Seconds())},
		{"the rest to the expiry", reminded, at.Add(38 * day), int((22 * day).Seconds())},
		{"a fraction rounds up", reminded, at.Add(60*day - 1500*time.Millisecond), 2},
		{"past the expiry: at once", reminded, at.Add(61 * day), 1},
	}
	for _, tt := range tests {
		if got := (&Flow{}).wait(tt.l, tt.now); got.Seconds != tt.want || got.Ended {
			t.Errorf("%s: wait = %+v, want %d seconds", tt.name, got, tt.want)
		}
	}
}
