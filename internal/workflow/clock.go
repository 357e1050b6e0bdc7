package workflow

import (
	"context"
	"time"
)

type nowKey struct{}

// WithNow returns ctx carrying the time of the execution a task attempt
// belongs to. The local Step Functions runs executions on a simulated
// clock (a day in a second), so a task that computes deadlines for its
// workflow's waits must read that clock, not the wall clock.
func WithNow(ctx context.Context, t time.Time) context.Context {
	if t.IsZero() {
		return ctx
	}
	return context.WithValue(ctx, nowKey{}, t)
}

// Now returns the execution's time that WithNow put in ctx, or
// fallback() when none was (in AWS the execution's clock is the wall
// clock).
func Now(ctx context.Context, fallback func() time.Time) time.Time {
	if t, ok := ctx.Value(nowKey{}).(time.Time); ok {
		return t
	}
	return fallback()
}
