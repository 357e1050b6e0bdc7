// Package access is the access check of SPEC §2.6: may the signed-in
// person use a service of the catalogue, and if not, which step is
// missing. The rule itself is catalogue.Decide; this flow gathers what it
// needs about the person, reading the encrypted personal data only when
// the answer can depend on the citizenship in it.
package access

import (
	"context"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/catalogue"
	"github.com/portalid/portalid/internal/flow/profile"
)

// Profiles reads a person's saved personal data (version 0: none saved);
// *profile.Flow is one, over one GetItem and the envelope.
type Profiles interface {
	Get(ctx context.Context, accountID string) (profile.Profile, int64, error)
}

// Flow answers access checks.
type Flow struct {
	Catalogue *catalogue.Catalogue
	Profiles  Profiles
}

// Check decides whether a, the signed-in account, may use the service
// serviceID: catalogue.ErrServiceNotFound for an unknown service (before
// any read). The level, the confirmation method and the confirmed
// contacts come from the account the authentication already read; the
// citizenship comes from the personal data, read only for a
// citizens-only service (catalogue.NeedsCitizenship): one more round
// trip then, none otherwise. A person who has saved no personal data, or
// no citizenship in it, is not known to be a citizen: the answer is
// submit-personal-data.
func (f *Flow) Check(ctx context.Context, a account.Account, serviceID string) (catalogue.Service, catalogue.Decision, error) {
	s, err := f.Catalogue.Service(serviceID)
	if err != nil {
		return catalogue.Service{}, catalogue.Decision{}, err
	}
	p := catalogue.Person{Level: a.Level, Method: a.ConfirmationMethod, Contact: len(a.Contacts) > 0}
	if catalogue.NeedsCitizenship(s, p) {
		prof, _, err := f.Profiles.Get(ctx, a.ID)
		if err != nil {
			return catalogue.Service{}, catalogue.Decision{}, fmt.Errorf("access of %s to %s: %w", a.ID, s.ID, err)
		}
		p.Citizenship = prof.Citizenship
	}
	return s, catalogue.Decide(s, p), nil
}
