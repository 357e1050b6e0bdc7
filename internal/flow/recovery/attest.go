package recovery

import (
	"context"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/limit"
)

// Attestation asks for a recovery on behalf of a service-centre operator
// who has identified the account's holder by passport, in person (SPEC
// §2.4), and set the contact To the code goes to.
type Attestation struct {
	AccountID  string
	OperatorID string
	To         contact.Address
	Locale     string
}

// SendKeys are the counter logs an attested recovery's code counts
// against: the contact's, like every code sent to it.
func (f *Flow) SendKeys(to contact.Address) []string {
	return []string{f.contactKey(to).SendKey()}
}

func (f *Flow) contactKey(to contact.Address) challenge.ContactKey {
	return challenge.ContactKey{Kind: to.Kind(), Index: f.Index.Index(string(to.Kind()), to.Value())}
}

// Attest prepares an attested recovery at now: a fresh id, a code for the
// contact, counted in logs (as read under SendKeys). The caller writes
// the recovery (version 1: new) and the log writes in the transaction of
// the change the operator makes, then sends the code with Deliver. The
// person confirms it at /v1/recovery/{id}/confirm and sets a password as
// in any recovery, with the code alone.
func (f *Flow) Attest(in Attestation, logs map[string]limit.Log, now time.Time) (Recovery, string, []challenge.LogWrite, error) {
	id, err := account.NewID(f.Rand)
	if err != nil {
		return Recovery{}, "", nil, err
	}
	key := f.contactKey(in.To)
	writes, err := f.challenge.Take(logs, []string{key.SendKey()}, now)
	if err != nil {
		return Recovery{}, "", nil, err
	}
	r := Recovery{
		ID: id, Version: 1, AccountID: in.AccountID, Kind: in.To.Kind(), Address: in.To.Value(), Index: key.Index,
		Locale: in.Locale, CreatedAt: now, ExpiresAt: now.Add(f.TTL), AttestedBy: in.OperatorID,
	}
	code, c, err := f.challenge.Issue(purposeCode, id, now)
	if err != nil {
		return Recovery{}, "", nil, err
	}
	r.Code = c
	return r, code, writes, nil
}

// Deliver sends the code of a recovery Attest prepared, once it is
// stored, and answers with its status.
func (f *Flow) Deliver(ctx context.Context, r Recovery, code string) (Status, error) {
	return f.deliver(ctx, r, code)
}
