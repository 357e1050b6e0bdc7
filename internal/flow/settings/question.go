package settings

import (
	"context"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/session"
)

// QuestionInput sets the security question asked at recovery.
type QuestionInput struct {
	Question        string
	Answer          string
	CurrentPassword string
}

// SetSecurityQuestion stores the question and the argon2id hash of the
// normalised answer, never the answer itself: answers are few and
// guessable, so a salted slow hash keeps them from a stolen table even
// with the HMAC key, where a keyed hash would not. The current password
// is required and a wrong one counts on the login lock.
func (f *Flow) SetSecurityQuestion(ctx context.Context, p session.Principal, in QuestionInput) error {
	var fs fault.Fields
	q, err := account.ParseQuestion(in.Question)
	if err != nil {
		fs.Add("/question", reason(err))
	}
	answer, err := account.ParseAnswer(in.Answer)
	if err != nil {
		fs.Add("/answer", reason(err))
	}
	if in.CurrentPassword == "" {
		fs.Add("/currentPassword", "password-required")
	}
	if err := fs.Err(); err != nil {
		return err
	}
	if err := f.Sessions.Reauthenticate(ctx, p, in.CurrentPassword); err != nil {
		return err
	}
	hash, err := f.Argon2.Hash(answer.Value(), f.Rand)
	if err != nil {
		return fmt.Errorf("hash security answer of %s: %w", p.Account.ID, err)
	}
	_, err = f.verified(ctx, p, func(a account.Account) error {
		now := f.Now()
		return f.Store.SetSecurityQuestion(ctx, q, hash, event.Chain(a.ID, a.Events, now, p.Client, nil, event.SecurityQuestionSet))
	})
	if err != nil {
		return fmt.Errorf("set security question of %s: %w", p.Account.ID, err)
	}
	return nil
}
