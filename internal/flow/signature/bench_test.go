package signature_test

import (
	"context"
	"errors"
	"testing"

	"github.com/portalid/portalid/internal/account"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

// BenchmarkSignature reports the DynamoDB round trips and the time of
// each step (authentication, done by the API before them, is one more
// round trip per request): issuing a challenge, a submission that
// confirms, and one that is refused (another person's certificate).
// Signing, which the client does, is not measured; verification is
// inside the submit steps (BenchmarkVerify in internal/signature
// measures it alone).
func BenchmarkSignature(b *testing.B) {
	w := newWorld(b)
	p := w.standard(b)
	cred, err := w.issuing.Issue(anna, devca.Options{})
	if err != nil {
		b.Fatal(err)
	}
	other, err := w.issuing.Issue(devca.Person{Surname: "Иванова", GivenName: anna.GivenName, SNILS: snils}, devca.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m := w.Meter("start", "submit", "submit-refused")
	ctx := context.Background()
	n := 0
	for b.Loop() {
		n++
		var c sigflow.Challenge
		m.Measure(b, "start", func() (err error) { c, err = w.Flow.Start(ctx, p.Principal.Account); return err })
		cms, err := other.Sign(c.Bytes)
		if err != nil {
			b.Fatal(err)
		}
		m.Measure(b, "submit-refused", func() error {
			if _, err := w.submit(p, c, cms); !errors.Is(err, sigflow.ErrSubjectMismatch) {
				return err
			}
			return nil
		})
		if c, err = w.Flow.Start(ctx, p.Principal.Account); err != nil { // measured above
			b.Fatal(err)
		}
		if cms, err = cred.Sign(c.Bytes); err != nil {
			b.Fatal(err)
		}
		m.Measure(b, "submit", func() error { _, err := w.submit(p, c, cms); return err })
		b.StopTimer()
		w.SetAccount(b, p.ID, map[string]any{"level": string(account.Standard)})
		b.StartTimer()
	}
	m.Report(b, n)
}
