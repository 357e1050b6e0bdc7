package workflow_test

import (
	"context"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/workflow"
)

func TestNow(t *testing.T) {
	t.Parallel()
	wall := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	sim := wall.Add(40 * 24 * time.Hour)
	fallback := func() time.Time { return wall }
	tests := []struct {
		name string
		ctx  context.Context
		want time.Time
	}{
		{"no execution time: the wall clock", context.Background(), wall},
		{"the execution's time", workflow.WithNow(context.Background(), sim), sim},
		{"a zero time sets nothing", workflow.WithNow(context.Background(), time.Time{}), wall},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := workflow.Now(tt.ctx, fallback); !got.Equal(tt.want) {
				t.Errorf("Now() = %v, want %v", got, tt.want)
			}
		})
	}
}
