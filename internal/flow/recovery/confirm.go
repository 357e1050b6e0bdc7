package recovery

import (
	"context"
	"errors"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/secret"
)

// ConfirmInput is the code, and for a standard or confirmed account its
// SNILS, and the security answer when one is set. SNILS and Answer may be
// empty; the client cannot know which the account needs, since asking
// would tell whether the login names an account at all.
type ConfirmInput struct {
	ID     string
	Code   string
	SNILS  string
	Answer string
}

type proof struct {
	code      string
	snils     person.SNILS
	answer    account.Answer
	hasAnswer bool
}

func parseConfirm(in ConfirmInput) (proof, error) {
	var p proof
	var fs fault.Fields
	var err error
	if p.code, err = secret.ParseCode(in.Code); err != nil {
		fs.Add("/code", "code-invalid")
	}
	if in.SNILS != "" {
		if p.snils, err = person.ParseSNILS(in.SNILS); err != nil {
			fs.Add("/snils", "snils-invalid")
		}
	}
	if in.Answer != "" {
		if p.answer, err = account.ParseAnswer(in.Answer); err != nil {
			fs.Add("/answer", account.ErrAnswerInvalid.Slug)
		}
		p.hasAnswer = true
	}
	return p, fs.Err()
}

// Confirm checks the code, the SNILS and the security answer in one
// attempt, counted before anything is compared; an attested recovery
// needs the code only. A failure never says which
// part was wrong; the last allowed attempt voids the code.
func (f *Flow) Confirm(ctx context.Context, in ConfirmInput) (Status, error) {
	p, err := parseConfirm(in)
	if err != nil {
		return Status{}, err
	}
	if !account.ValidID(in.ID) {
		return Status{}, ErrNotFound
	}
	r, counted, err := f.Store.CountRecoveryAttempt(ctx, in.ID, f.challenge.MaxAttempts())
	if err != nil {
		return Status{}, fmt.Errorf("confirm recovery %s: %w", in.ID, err)
	}
	now := f.Now()
	if err := r.open(now); err != nil {
		return Status{}, err
	}
	if r.Confirmed() {
		return Status{}, ErrAlreadyConfirmed
	}
	if err := f.challenge.Admit(r.Code, counted, now); err != nil {
		return Status{}, err
	}
	// A decoy reads an account that cannot exist (ids never repeat), so
	// it costs the same round trip as a real one.
	owner := r.AccountID
	if r.Decoy() {
		owner = r.ID
	}
	a, err := f.Store.Account(ctx, owner)
	if err != nil && !r.Decoy() {
		return Status{}, fmt.Errorf("confirm recovery %s: %w", r.ID, err)
	}
	codeOK := f.challenge.Matches(r.Code, purposeCode, r.ID, p.code)
	// An operator's passport check stood in for the SNILS and the answer.
	if !(r.Attested() || f.identified(a, p)) || !codeOK || r.Decoy() {
		return Status{}, f.challenge.Missed(r.Code, ErrMismatch)
	}
	err = f.Store.ConfirmRecovery(ctx, r.ID, r.Code.Hash, now)
	if errors.Is(err, ErrChanged) {
		return Status{}, challenge.ErrCodeSuperseded
	}
	if err != nil {
		return Status{}, fmt.Errorf("confirm recovery %s: %w", r.ID, err)
	}
	r.ConfirmedAt = now
	return f.status(r), nil
}

// identified checks what the account asks for besides the code: its SNILS
// when it is standard or confirmed (compared by blind index; an account
// that has none cannot pass, unless it is a foreign citizen's, standard
// by a foreign document without a SNILS: SPEC §2.5 makes the SNILS
// optional for them, so none is asked), and the security answer when one
// is set. The answer costs one argon2id check whether or not one is set.
func (f *Flow) identified(a account.Account, p proof) bool {
	ok := true
	withoutSNILS := a.SNILSIndex == "" && a.ForeignDocumentIndex != ""
	if a.AtLeast(account.Standard) && !withoutSNILS {
		got := ""
		if !p.snils.IsZero() {
			got = f.Index.Index(purposeSNILS, p.snils.Value())
		}
		ok = a.SNILSIndex != "" && secret.Equal([]byte(got), []byte(a.SNILSIndex))
	}
	hash := a.SecurityAnswerHash
	if hash == "" {
		hash = f.dummy
	}
	match, err := secret.VerifyPassword(hash, p.answer.Value())
	if a.SecurityAnswerHash != "" {
		ok = ok && p.hasAnswer && match && err == nil
	}
	return ok
}
