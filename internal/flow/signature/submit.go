package signature

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/signature"
)

// Submission is a signature sent for a challenge by the signed-in owner
// of account.
type Submission struct {
	Account     account.Account // as authenticated for this request
	Origin      event.Origin
	ChallengeID string
	CMS         []byte // DER (or BER) CMS SignedData, detached
}

// Confirmed is a successful confirmation. Undelivered holds the notices
// that could not be sent; the confirmation stands regardless.
type Confirmed struct {
	Level       account.Level
	Method      account.Method
	At          time.Time
	Undelivered error
}

// purposeSNILS is the blind-index purpose of SNILS, the identity check's
// (the account's SNILSIndex is the verified SNILS's).
const purposeSNILS = "snils"

// Submit checks a signature for a challenge and, if it holds, confirms
// the account. Refused before anything is read or written: an account
// below or above standard, a malformed challenge id. Refused without a
// write: an unknown, spent or expired challenge. Every other outcome
// spends the challenge: a refused signature (the verifier's fault), a
// certificate naming someone else (ErrSubjectMismatch), an account that
// moved off standard meanwhile, or success, which raises the account in
// the same transaction. Errors that are not refusals (storage, keys)
// leave the challenge open.
func (f *Flow) Submit(ctx context.Context, in Submission) (Confirmed, error) {
	if err := in.Account.CanConfirm(); err != nil {
		return Confirmed{}, err
	}
	if !account.ValidID(in.ChallengeID) {
		return Confirmed{}, ErrChallengeNotFound
	}
	var out Confirmed
	var a account.Account
	err := challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error {
		st, err := f.Store.SignatureState(ctx, in.Account.ID, in.ChallengeID)
		if err != nil {
			return err
		}
		now := f.Now()
		switch c := st.Challenge; {
		case c.Purpose != "":
			return ErrChallengeNotFound // another flow's
		case c.Used:
			return ErrChallengeUsed
		case !now.Before(c.ExpiresAt):
			return ErrChallengeExpired
		}
		signer, err := f.judge(ctx, st, in.CMS, now)
		if refusal, ok := fault.As(err); ok && Refused(refusal) {
			if err := f.Store.SpendSignatureChallenge(ctx, in.Account.ID, in.ChallengeID, refusal.Slug, now); err != nil {
				return err
			}
			return refusal
		}
		if err != nil {
			return err
		}
		conf, err := st.Account.Confirm(account.MethodSignature, now, in.Origin, map[string]string{"challengeId": in.ChallengeID})
		if err != nil {
			return err
		}
		proof := Proof{AccountID: in.Account.ID, ChallengeID: in.ChallengeID, Fingerprint: hex.EncodeToString(signer.Fingerprint[:]), At: now}
		if err := f.Store.ConfirmSignature(ctx, proof, conf); err != nil {
			return err
		}
		a, out = st.Account, Confirmed{Level: account.Confirmed, Method: conf.Method, At: now}
		return nil
	})
	if err != nil {
		return Confirmed{}, fmt.Errorf("confirm %s by signature: %w", in.Account.ID, err)
	}
	metric.Add(ctx, metric.Confirmed(account.MethodSignature))
	out.Undelivered = challenge.Tell(ctx, f.Sender, a.Contacts, "signature-confirmed", a.Locale, nil)
	return out, nil
}

// Refused reports whether a fault is the submission's refusal, which
// spends the challenge, rather than a passing fault (a verifier
// service unavailable or throttled) after which it stays open.
func Refused(f *fault.Error) bool {
	return f.Kind != fault.Unavailable && f.Kind != fault.RateLimited && f.Kind != fault.Unknown
}

// judge verifies the signature over the challenge and that it may
// confirm this account now. A refusal is a fault; any other error is not
// the submission's doing.
func (f *Flow) judge(ctx context.Context, st State, cms []byte, now time.Time) (signature.Signer, error) {
	signer, err := f.Verifier.Verify(cms, st.Challenge.Bytes, now)
	if err != nil {
		return signature.Signer{}, err
	}
	if err := st.Account.CanConfirm(); err != nil {
		return signature.Signer{}, err
	}
	return signer, f.holder(ctx, st, signer.Subject)
}

// Identify verifies cms as a signature over the challenge of st at now by
// a certificate naming the account's person (as the confirmation checks
// it), and returns the signer: another flow that takes a signature (an
// organisation's creation) judges the rest of the subject itself.
func (f *Flow) Identify(ctx context.Context, st State, cms []byte, now time.Time) (signature.Signer, error) {
	signer, err := f.Verifier.Verify(cms, st.Challenge.Bytes, now)
	if err != nil {
		return signature.Signer{}, err
	}
	return signer, f.holder(ctx, st, signer.Subject)
}

// holder refuses a subject that does not name the account's person.
func (f *Flow) holder(ctx context.Context, st State, s signature.Subject) error {
	var (
		p   profile.Profile
		err error
	)
	if st.ProfileVersion > 0 {
		if p, err = profile.Open(ctx, f.Opener, st.Account.ID, st.Profile); err != nil {
			return err
		}
	}
	if !f.names(st.Account, p, s) {
		return ErrSubjectMismatch
	}
	return nil
}

// names reports whether the certificate's subject is the account's
// person: the surname (SN) and the given name followed by the patronymic
// (G) as SameName compares them, and, when the certificate carries a
// SNILS, the SNILS the registry check verified (compared by blind index,
// in constant time; a draft edited since the check does not count).
func (f *Flow) names(a account.Account, p profile.Profile, s signature.Subject) bool {
	given := a.GivenName
	if p.Patronymic != "" {
		given += " " + p.Patronymic
	}
	if !signature.SameName(s.Surname, a.Surname) || !signature.SameName(s.GivenName, given) {
		return false
	}
	if s.SNILS.IsZero() {
		return true
	}
	index := f.Index.Index(purposeSNILS, s.SNILS.Value())
	return a.SNILSIndex != "" && secret.Equal([]byte(index), []byte(a.SNILSIndex))
}
