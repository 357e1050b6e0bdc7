package organisation_test

import (
	"testing"

	"github.com/portalid/portalid/internal/flow/organisation"
)

// BenchmarkOrganisation reports the DynamoDB round trips and the time of
// each step (authentication, done by the API before them, is one more
// round trip per request): a challenge, a creation, an addition, a
// removal, and the reads. Signing, which the client does, is not
// measured; verification is inside the creation.
func BenchmarkOrganisation(b *testing.B) {
	w := newWorld(b, 1<<20)
	h := w.confirmed(b)
	o := w.create(b, h)
	m := w.Meter("challenge", "create", "add", "remove", "mine", "members", "events")
	n := 0
	for b.Loop() {
		n++
		b.StopTimer()
		p, nums := w.confirmed(b), fresh()
		b.StartTimer()
		var in organisation.Creation
		m.Measure(b, "challenge", func() error {
			c, err := w.Flow.Challenge(ctx, p.Principal.Account)
			in = creation(p, c, nums, w.signed(b, head(nums), c.Bytes))
			return err
		})
		m.Measure(b, "create", func() error { _, err := w.Flow.Create(ctx, in); return err })
		m.Measure(b, "add", func() error { return w.add(h, o, p, organisation.Employee) })
		m.Measure(b, "remove", func() error {
			return w.Flow.Remove(ctx, organisation.Removal{Account: h.Principal.Account, OrganisationID: o.ID, AccountID: p.ID})
		})
		m.Measure(b, "mine", func() error { _, err := w.Flow.Mine(ctx, p.Principal.Account); return err })
		m.Measure(b, "members", func() error { _, err := w.Flow.Members(ctx, h.Principal.Account, o.ID); return err })
		m.Measure(b, "events", func() error { _, err := w.Flow.Events(ctx, h.Principal.Account, o.ID, "", 0); return err })
	}
	m.Report(b, n)
}
