package recovery

import (
	"time"

	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/flow/challenge"
)

// Recovery is one password recovery in progress, stored as one item.
type Recovery struct {
	ID      string
	Version int64 // 0 before the first save
	// AccountID is the account the login names, "" when it names none: a
	// decoy that answers like a recovery, sends nothing and never matches.
	AccountID string
	Kind      contact.Kind // the channel of the code
	Address   string       // where codes go; "" for a decoy
	Index     string       // blind index of the login contact
	Locale    string
	Code      challenge.Code
	CreatedAt time.Time
	ExpiresAt time.Time
	// ConfirmedAt is when the code (with SNILS and answer) was accepted;
	// CompletedAt when the new password was set.
	ConfirmedAt time.Time
	CompletedAt time.Time
	// AttestedBy is the operator who identified the person in person and
	// set the contact the code goes to (see Attest); "" for a recovery the
	// person started. Such a recovery is confirmed by the code alone.
	AttestedBy string
}

// Decoy reports whether the recovery stands for a login that names no account.
func (r Recovery) Decoy() bool { return r.AccountID == "" }

// Attested reports whether an operator identified the person in person.
func (r Recovery) Attested() bool { return r.AttestedBy != "" }

// Confirmed reports whether the person has proved who they are.
func (r Recovery) Confirmed() bool { return !r.ConfirmedAt.IsZero() }

// open reports whether the recovery can still make progress at now.
func (r Recovery) open(now time.Time) error {
	if !r.CompletedAt.IsZero() {
		return ErrCompleted
	}
	if !now.Before(r.ExpiresAt) {
		return ErrNotFound
	}
	return nil
}

// Status is what a client learns about a recovery. It is the same whether
// or not the login names an account.
type Status struct {
	ID          string
	Kind        contact.Kind
	Expires     time.Time
	CodeExpires time.Time
	ResendAfter time.Time
	Confirmed   bool
}

func (f *Flow) status(r Recovery) Status {
	return Status{
		ID: r.ID, Kind: r.Kind, Expires: r.ExpiresAt, CodeExpires: r.Code.ExpiresAt,
		ResendAfter: f.challenge.ResendAfter(r.Code), Confirmed: r.Confirmed(),
	}
}
