package flowtest

import (
	"errors"
	"sync"
)

// Tally runs fn in n goroutines started at once (Gate) and counts the
// calls that succeeded and those that failed with want; it returns the
// other errors, for the start-gate tests of uniqueness and counter rules.
func Tally(n int, want error, fn func(i int) error) (ok, wanted int, other []error) {
	var mu sync.Mutex
	Gate(n, func(i int) {
		err := fn(i)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			ok++
		case errors.Is(err, want):
			wanted++
		default:
			other = append(other, err)
		}
	})
	return ok, wanted, other
}
