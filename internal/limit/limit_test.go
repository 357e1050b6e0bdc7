package limit

import (
	"testing"
	"time"
)

func TestWindowTake(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	w := Window{Limit: 3, Period: time.Hour}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	tests := []struct {
		name      string
		times     []time.Time
		now       time.Time
		wantOK    bool
		wantRetry time.Duration
		wantLen   int
	}{
		{"empty log", nil, at(0), true, 0, 1},
		{"below limit", []time.Time{at(0), at(1)}, at(2), true, 0, 3},
		{"at limit", []time.Time{at(0), at(1), at(2)}, at(3), false, 57 * time.Minute, 3},
		{"oldest just inside the window", []time.Time{at(0), at(1), at(2)}, at(59), false, time.Minute, 3},
		{"oldest slid out exactly at the period", []time.Time{at(0), at(1), at(2)}, at(60), true, 0, 3},
		{"all old", []time.Time{at(0), at(1), at(2)}, at(200), true, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := Log{Key: "k", Times: tt.times, Version: 7}
			got, retry, ok := w.Take(in, tt.now)
			if ok != tt.wantOK || retry != tt.wantRetry {
				t.Fatalf("Take() = (ok %v, retry %v), want (ok %v, retry %v)", ok, retry, tt.wantOK, tt.wantRetry)
			}
			if len(got.Times) != tt.wantLen {
				t.Errorf("Take() kept %d times, want %d", len(got.Times), tt.wantLen)
			}
			wantVersion := int64(7)
			if ok {
				wantVersion = 8
			}
			if got.Version != wantVersion {
				t.Errorf("Take() version = %d, want %d", got.Version, wantVersion)
			}
			if len(in.Times) != len(tt.times) {
				t.Errorf("Take() changed its input")
			}
		})
	}
}

func TestWindowExpires(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	w := Window{Limit: 5, Period: time.Hour}
	l := Log{Times: []time.Time{t0.Add(time.Minute), t0}}
	if got, want := w.Expires(l), t0.Add(61*time.Minute); !got.Equal(want) {
		t.Errorf("Expires() = %v, want %v", got, want)
	}
}

func TestAddressBucket(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2::7", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"", "unknown"},
		{"not-an-ip", "unknown"},
	}
	for _, tt := range tests {
		if got := AddressBucket(tt.in); got != tt.want {
			t.Errorf("AddressBucket(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
