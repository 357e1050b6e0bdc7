package challenge

import (
	"context"
	"errors"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
)

// Tell sends the notice base (see Template) to every contact, each over
// its own channel. It tries them all and returns what could not be
// delivered, joined; the change the notice tells of stands either way, so
// callers report the error beside their result rather than instead of it.
func Tell(ctx context.Context, s Sender, contacts []account.Contact, base, locale string, params map[string]string) error {
	var errs []error
	for _, c := range contacts {
		tmpl := Template(base, contact.Kind(c.Kind))
		if err := s.Send(ctx, c.Kind, c.Address, tmpl, locale, params); err != nil {
			errs = append(errs, fmt.Errorf("send %s: %w", tmpl, err))
		}
	}
	return errors.Join(errs...)
}
