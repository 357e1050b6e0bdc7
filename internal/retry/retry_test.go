package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	start := time.Now()
	if err := Backoff(context.Background(), 0); err != nil || time.Since(start) > 5*time.Millisecond {
		t.Errorf("Backoff(0) = %v after %v, want nil at once", err, time.Since(start))
	}
	if err := Backoff(context.Background(), 2); err != nil {
		t.Errorf("Backoff(2) = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Backoff(ctx, 1000); !errors.Is(err, context.Canceled) {
		t.Errorf("Backoff(cancelled) = %v, want %v", err, context.Canceled)
	}
}
