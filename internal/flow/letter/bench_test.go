package letter_test

import (
	"testing"

	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/letter"
)

// BenchmarkLetter runs whole letters through the real ASL on the local
// Step Functions, ordered, delivered and confirmed, and reports the state
// transitions (the unit Step Functions Standard bills) and the DynamoDB
// round trips of each request a client makes: the order, a status read,
// a wrong code and the right one (authentication and Idempotency-Key
// add theirs at the HTTP edge). Its one path, "delivered" (delivered and
// the code entered), is the postal-letter line of make bench.
func BenchmarkLetter(b *testing.B) {
	b.Run("delivered", benchmarkDelivered)
}

func benchmarkDelivered(b *testing.B) {
	w := newWorld(b, options{})
	m := w.Meter("order", "get", "wrong-code", "right-code")
	var transitions int64
	n := 0
	for b.Loop() {
		n++
		p := w.standard(b, home)
		a := w.account(b, p.acc.ID)
		var v letter.View
		m.Measure(b, "order", func() (err error) {
			v, err = w.Letters.Order(b.Context(), a, letter.OrderInput{Source: letter.SourceRegistration, Origin: origin})
			return err
		})
		w.until(b, p.acc.ID, v.LetterID, letter.Delivered)
		w.entered(b, v.LetterID, "AwaitCode")
		m.Measure(b, "get", func() error {
			_, err := w.Letters.Get(b.Context(), p.acc.ID, v.LetterID)
			return err
		})
		code := w.Post.code(b, v.LetterID)
		m.Measure(b, "wrong-code", func() error {
			if _, _, err := w.Letters.EnterCode(b.Context(), a, v.LetterID, wrong(code), origin); err != challenge.ErrCodeMismatch {
				return err
			}
			return nil
		})
		a = w.account(b, p.acc.ID) // as the authentication reads it
		m.Measure(b, "right-code", func() error {
			_, _, err := w.Letters.EnterCode(b.Context(), a, v.LetterID, code, origin)
			return err
		})
		transitions += int64(w.wait(b, v.LetterID).Transitions)
	}
	m.Report(b, n)
	b.ReportMetric(float64(transitions)/float64(n), "transitions/op")
}
