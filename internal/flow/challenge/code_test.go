package challenge_test

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/secret"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newCodes() challenge.Codes {
	return challenge.New(
		secret.NewHasher([]byte("code-key-for-tests-only-0123456789abcdefgh")),
		secret.NewHasher([]byte("index-key-for-tests-only-0123456789abcdef")),
		rand.Reader, config.Defaults().Registration)
}

func TestTake(t *testing.T) {
	t.Parallel()
	c := newCodes()
	full := limit.Log{Key: "a", Version: 3}
	for i := range 5 {
		full.Times = append(full.Times, t0.Add(time.Duration(i)*time.Minute))
	}
	tests := []struct {
		name      string
		logs      map[string]limit.Log
		keys      []string
		now       time.Time
		wantErr   error
		wantRetry time.Duration
		want      map[string][2]int64 // key -> times, version written
	}{
		{"fresh keys", nil, []string{"a", "b"}, t0, nil, 0, map[string][2]int64{"a": {1, 1}, "b": {1, 1}}},
		{"one key twice writes once", nil, []string{"a", "a"}, t0, nil, 0, map[string][2]int64{"a": {2, 1}}},
		{"full key refuses all", map[string]limit.Log{"a": full}, []string{"b", "a"}, t0.Add(10 * time.Minute), challenge.ErrSendLimit, 50 * time.Minute, nil},
		{"full key frees after the window", map[string]limit.Log{"a": full}, []string{"a"}, t0.Add(time.Hour), nil, 0, map[string][2]int64{"a": {5, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			writes, err := c.Take(tt.logs, tt.keys, tt.now)
			if !errors.Is(err, tt.wantErr) && !(err == nil && tt.wantErr == nil) {
				t.Fatalf("Take() error = %v, want %v", err, tt.wantErr)
			}
			if f, ok := fault.As(err); ok && f.RetryAfter != tt.wantRetry {
				t.Errorf("Take() retry after %v, want %v", f.RetryAfter, tt.wantRetry)
			}
			if len(writes) != len(tt.want) {
				t.Fatalf("Take() wrote %d logs, want %d", len(writes), len(tt.want))
			}
			for _, w := range writes {
				want := tt.want[w.Log.Key]
				if int64(len(w.Log.Times)) != want[0] || w.Log.Version != want[1] {
					t.Errorf("Take() log %s = %d times v%d, want %d times v%d", w.Log.Key, len(w.Log.Times), w.Log.Version, want[0], want[1])
				}
				if !w.Expires.Equal(tt.now.Add(time.Hour)) {
					t.Errorf("Take() log %s expires %v, want an hour after the send", w.Log.Key, w.Expires)
				}
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	c := newCodes()
	clear, code, err := c.Issue("p", "item", t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(clear) != 6 || !code.ExpiresAt.Equal(t0.Add(300*time.Second)) || !code.SentAt.Equal(t0) || code.Attempts != 0 {
		t.Fatalf("Issue() = %d digits, %+v; want 6 digits valid 300 s", len(clear), code)
	}
	wrong := "000000"
	if clear == wrong {
		wrong = "111111"
	}
	at := func(n int) challenge.Code { x := code; x.Attempts = n; return x }
	tests := []struct {
		name    string
		code    challenge.Code
		purpose string
		id      string
		clear   string
		counted bool
		now     time.Time
		want    error
	}{
		{"right code", at(1), "p", "item", clear, true, t0, nil},
		{"right code at the last attempt", at(5), "p", "item", clear, true, t0, nil},
		{"not counted", at(5), "p", "item", clear, false, t0, challenge.ErrAttemptsExhausted},
		{"expired", at(1), "p", "item", clear, true, t0.Add(300 * time.Second), challenge.ErrCodeExpired},
		{"wrong code", at(1), "p", "item", wrong, true, t0, challenge.ErrCodeMismatch},
		{"wrong code at the last attempt", at(5), "p", "item", wrong, true, t0, challenge.ErrAttemptsExhausted},
		{"other item", at(1), "p", "other", clear, true, t0, challenge.ErrCodeMismatch},
		{"other purpose", at(1), "q", "item", clear, true, t0, challenge.ErrCodeMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := c.Check(tt.code, tt.purpose, tt.id, tt.clear, tt.counted, tt.now)
			if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("Check() = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCooldown(t *testing.T) {
	t.Parallel()
	c := newCodes()
	code := challenge.Code{SentAt: t0}
	tests := []struct {
		after     time.Duration
		wantRetry time.Duration
	}{{0, 60 * time.Second}, {59 * time.Second, time.Second}, {60 * time.Second, 0}}
	for _, tt := range tests {
		err := c.Cooldown(code, t0.Add(tt.after))
		f, _ := fault.As(err)
		switch {
		case tt.wantRetry == 0 && err != nil:
			t.Errorf("Cooldown(+%v) = %v, want nil", tt.after, err)
		case tt.wantRetry > 0 && (f == nil || f.Slug != challenge.ErrResendTooSoon.Slug || f.RetryAfter != tt.wantRetry):
			t.Errorf("Cooldown(+%v) = %v, want resend-too-soon after %v", tt.after, err, tt.wantRetry)
		}
	}
}

func TestRetry(t *testing.T) {
	t.Parallel()
	changed := fault.New(fault.Conflict, "x-changed")
	busy := fault.New(fault.Unavailable, "x-busy")
	var races []int
	err := challenge.Retry(context.Background(), changed, busy, func(race int) error {
		races = append(races, race)
		return changed
	})
	if !errors.Is(err, busy) || len(races) != challenge.MaxRaces || races[len(races)-1] != challenge.MaxRaces-1 {
		t.Errorf("Retry(always changed) = %v after races %v, want busy after %d", err, races, challenge.MaxRaces)
	}
	n := 0
	err = challenge.Retry(context.Background(), changed, busy, func(int) error {
		if n++; n < 3 {
			return changed
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Errorf("Retry(changed twice) = %v after %d tries, want nil after 3", err, n)
	}
}
