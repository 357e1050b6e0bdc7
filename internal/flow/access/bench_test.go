package access_test

import (
	"testing"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/session"
)

// BenchmarkAccess is the access route's work per request, against
// DynamoDB Local: authenticating the bearer token (as the route's auth
// check does) and the check; it reports the round trips of each, for a
// service open to everyone and for a citizens-only one.
func BenchmarkAccess(b *testing.B) {
	for _, service := range []string{"tax-personal-account", "foreign-passport"} {
		b.Run(service, func(b *testing.B) {
			e := newEnv(b)
			a := e.person(b, account.Confirmed, account.MethodInPerson, "RUS")
			phone := a.Contacts[0].Address
			_, tokens := e.Principal(b, phone, "192.0.2.10")
			m := e.Meter("authenticate", "check")
			n := 0
			for b.Loop() {
				n++
				var p session.Principal
				m.Measure(b, "authenticate", func() (err error) {
					p, err = e.Sessions.Authenticate(b.Context(), "Bearer "+tokens.AccessToken, session.Client{IP: "192.0.2.10"})
					return err
				})
				m.Measure(b, "check", func() error {
					_, _, err := e.flow.Check(b.Context(), p.Account, service)
					return err
				})
			}
			m.Report(b, n)
		})
	}
}
