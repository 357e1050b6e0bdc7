// Package retry spreads out the retries of requests that lost an
// optimistic-locking race (a conditional write that found the item moved
// on), so that contenders do not collide again in step.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff waits a random moment before the next try after a lost race,
// longer with each race. Race 0 is the first try and does not wait. It
// returns early with the context's error.
func Backoff(ctx context.Context, race int) error {
	if race <= 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(rand.Int64N(int64(race) * int64(5*time.Millisecond))))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
