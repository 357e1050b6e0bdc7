package invariant

import (
	"testing"
	"time"
)

func TestBusiest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		times  []int64
		period time.Duration
		want   int
	}{
		{"none", nil, time.Hour, 0},
		{"one", []int64{5}, time.Hour, 1},
		{"all within", []int64{3, 1, 2}, time.Second, 3},
		{"the window's start is outside it", []int64{0, 1000}, time.Second, 1},
		{"the busiest stretch, not the first", []int64{0, 5000, 5001, 5002, 9000}, time.Second, 3},
		{"unsorted", []int64{5002, 0, 5000, 5001}, time.Second, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := busiest(tt.times, tt.period); got != tt.want {
				t.Errorf("busiest(%v, %v) = %d, want %d", tt.times, tt.period, got, tt.want)
			}
		})
	}
}
