package operator_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/portalid/portalid/internal/flow/operator"
)

// BenchmarkOperator serves one person per iteration as an operator would
// (search, compare, restore, confirm) and reports the DynamoDB round
// trips of every route, and of a search that finds nobody.
func BenchmarkOperator(b *testing.B) {
	w := newWorld(b)
	w.Op.Limits.SearchesPerHour = 1 << 30
	op := w.operator(b, "op-0301", centre)
	m := w.Meter("search", "search-miss", "passport-check", "restore", "confirm")
	n := 0
	for b.Loop() {
		b.StopTimer()
		p := w.standard(b)
		b.StartTimer()
		n++
		m.Measure(b, "search", func() error { _, _, err := w.Op.Search(ctx, op, p.SNILS); return err })
		m.Measure(b, "search-miss", func() error {
			_, _, err := w.Op.Search(ctx, op, snils(int64(7000000+n)))
			if errors.Is(err, operator.ErrAccountNotFound) {
				return nil
			}
			return fmt.Errorf("search of nobody's SNILS = %v", err)
		})
		m.Measure(b, "passport-check", func() error {
			_, _, err := w.Op.ComparePassport(ctx, op, p.AccountID, p.passport())
			return err
		})
		m.Measure(b, "restore", func() error {
			_, _, err := w.Op.Restore(ctx, op, p.AccountID, operator.RestoreInput{Phone: freshPhone()})
			return err
		})
		m.Measure(b, "confirm", func() error { _, _, err := w.Op.Confirm(ctx, op, p.AccountID); return err })
	}
	m.Report(b, n)
}
