package organisation

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/signature"
)

// Challenge issues a signature challenge for an organisation's creation
// to a confirmed account; nothing is written for any other.
func (f *Flow) Challenge(ctx context.Context, a account.Account) (sigflow.Challenge, error) {
	if a.Level != account.Confirmed {
		return sigflow.Challenge{}, ErrNotConfirmed
	}
	return f.Signatures.Issue(ctx, a.ID, Purpose)
}

// Creation is an organisation's creation as its head-to-be asks for it.
type Creation struct {
	Account     account.Account // as authenticated for this request
	Origin      event.Origin
	Name        string
	OGRN        string
	INN         string
	ChallengeID string
	CMS         []byte // the detached CMS signature over the challenge
}

// fields are the validated fields of a creation.
type fields struct {
	name person.OrgName
	ogrn person.OGRN
	inn  person.OrgINN
}

// parse validates the fields, every failure reported at once.
func (in Creation) parse() (fields, error) {
	var (
		v    fields
		errs fault.Fields
		err  error
	)
	if v.name, err = person.ParseOrgName(in.Name); err != nil {
		errs.Add("/name", person.ErrOrgNameInvalid.Slug)
	}
	if v.ogrn, err = person.ParseOGRN(in.OGRN); err != nil {
		errs.Add("/ogrn", person.ErrOGRNInvalid.Slug)
	}
	if v.inn, err = person.ParseOrgINN(in.INN); err != nil {
		errs.Add("/inn", person.ErrINNInvalid.Slug)
	}
	return v, errs.Err()
}

// Create checks the signature for the challenge and, if it holds, creates
// the organisation with the signer as its head. Refused before anything
// is read or written: invalid fields, an account below confirmed, a
// malformed challenge id. Refused without a write: an unknown, spent or
// expired challenge, or another flow's. Every other outcome spends the
// challenge: a refused signature, a certificate naming another person
// (sigflow.ErrSubjectMismatch) or another organisation
// (ErrCertificateOrganisation), a taken OGRN or INN, or success, which
// writes the organisation in the same transaction.
func (f *Flow) Create(ctx context.Context, in Creation) (Organisation, error) {
	v, err := in.parse()
	if err != nil {
		return Organisation{}, err
	}
	if in.Account.Level != account.Confirmed {
		return Organisation{}, ErrNotConfirmed
	}
	if !account.ValidID(in.ChallengeID) {
		return Organisation{}, sigflow.ErrChallengeNotFound
	}
	id, err := account.NewID(f.Rand)
	if err != nil {
		return Organisation{}, err
	}
	var org Organisation
	err = challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error {
		st, err := f.Store.SignatureState(ctx, in.Account.ID, in.ChallengeID)
		if err != nil {
			return err
		}
		now := f.Now()
		switch c := st.Challenge; {
		case c.Purpose != Purpose:
			return sigflow.ErrChallengeNotFound
		case c.Used:
			return sigflow.ErrChallengeUsed
		case !now.Before(c.ExpiresAt):
			return sigflow.ErrChallengeExpired
		}
		signer, err := f.judge(ctx, st, in.CMS, v, now)
		if err != nil {
			return f.spend(ctx, in, err)
		}
		org = Organisation{
			ID: id, Name: v.name.Value(), OGRN: v.ogrn.Value(), INN: v.inn.Value(),
			HeadID: in.Account.ID, Members: 1, CreatedAt: now,
		}
		head := Member{
			OrganisationID: id, AccountID: in.Account.ID, Role: Head,
			Surname: st.Account.Surname, GivenName: st.Account.GivenName, AddedAt: now, AddedBy: in.Account.ID,
		}
		orgEvents := event.Chain(id, event.Head{}, now, in.Origin, map[string]string{"accountId": in.Account.ID, "role": string(Head)}, event.OrganisationCreated)
		org.Events = headOf(orgEvents)
		err = f.Store.CreateOrganisation(ctx, Created{
			Proof:        sigflow.Proof{AccountID: in.Account.ID, ChallengeID: in.ChallengeID, Fingerprint: hex.EncodeToString(signer.Fingerprint[:]), At: now},
			Organisation: org, Head: head, OrgEvents: orgEvents,
			PersonEvents: event.Chain(in.Account.ID, st.Account.Events, now, in.Origin, map[string]string{"organisationId": id, "role": string(Head)}, event.OrganisationCreated),
		})
		if errors.Is(err, ErrOGRNTaken) || errors.Is(err, ErrINNTaken) {
			return f.spend(ctx, in, err)
		}
		return err
	})
	if err != nil {
		return Organisation{}, fmt.Errorf("create organisation %s by %s: %w", id, in.Account.ID, err)
	}
	return org, nil
}

// judge verifies the signature over the challenge, that it names the
// account's person, that the account is still confirmed, and that the
// certificate names the organisation: its OGRN and INN (compared in
// constant time, no shorter than they are), and its name (O) as given,
// forgiving case, ё/е and runs of white space only.
func (f *Flow) judge(ctx context.Context, st sigflow.State, cms []byte, v fields, now time.Time) (signature.Signer, error) {
	signer, err := f.Signatures.Identify(ctx, st, cms, now)
	if err != nil {
		return signature.Signer{}, err
	}
	if st.Account.Level != account.Confirmed {
		return signature.Signer{}, ErrNotConfirmed
	}
	s := signer.Subject
	if !signature.SameName(s.Organization, v.name.Value()) ||
		!secret.Equal([]byte(s.OGRN.Value()), []byte(v.ogrn.Value())) || !secret.Equal([]byte(s.OrgINN.Value()), []byte(v.inn.Value())) {
		return signature.Signer{}, ErrCertificateOrganisation
	}
	return signer, nil
}

// headOf is the end of a chain after the events of ap.
func headOf(ap event.Append) event.Head {
	last := ap.Events[len(ap.Events)-1]
	return event.Head{Seq: last.Seq, Hash: last.Hash}
}

// spend records a refusal on the challenge and returns the refusal; an
// error that is not the submission's doing (storage, a verifier service
// unavailable) leaves the challenge open.
func (f *Flow) spend(ctx context.Context, in Creation, err error) error {
	refusal, ok := fault.As(err)
	if !ok || !sigflow.Refused(refusal) {
		return err
	}
	if err := f.Store.SpendSignatureChallenge(ctx, in.Account.ID, in.ChallengeID, refusal.Slug, f.Now()); err != nil {
		return err
	}
	return refusal
}
