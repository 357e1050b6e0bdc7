package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/profile"
)

// documents is what a check sends to the registries, sealed in the check.
type documents struct {
	SNILS    string `json:"snils"`
	Passport string `json:"passport"` // series and number run together
}

// Input is the workflow's execution input: ids only, never personal data.
type Input struct {
	AccountID string `json:"accountId"`
	CheckID   string `json:"checkId"`
}

// profileAAD is the associated data the profile flow seals a draft with.
func profileAAD(accountID string) []byte { return []byte("profile/" + accountID) }

// checkAAD binds a check's sealed documents to the account and the check.
func checkAAD(accountID, checkID string) []byte {
	return []byte("identity-check/" + accountID + "/" + checkID)
}

// Submit starts a check of the account's saved profile: the person must
// consent, the profile must be complete, no other check may run, and no
// other account may hold the SNILS or the passport. A standard or
// confirmed account submitting edited passport or SNILS data starts a
// re-check the same way (SPEC §2.3): its new documents are claimed while
// the previous ones stay held until the outcome.
func (f *Flow) Submit(ctx context.Context, accountID string, consent bool) (Check, error) {
	if !consent {
		return Check{}, fault.InvalidFields(fault.Field{Pointer: "/consent", Reason: ErrConsentRequired.Slug})
	}
	for race := 0; race < 8; race++ {
		sealed, version, cur, err := f.Store.SubmitState(ctx, accountID)
		if err != nil {
			return Check{}, err
		}
		if cur.State == Running {
			// Start again, idempotently: heals a start lost after the
			// check was written.
			if err := f.start(ctx, accountID, cur.CheckID); err != nil {
				return Check{}, err
			}
			return Check{}, ErrInProgress
		}
		docs, err := f.documents(ctx, accountID, sealed, version)
		if err != nil {
			return Check{}, err
		}
		c, err := f.newCheck(ctx, accountID, docs)
		if err != nil {
			return Check{}, err
		}
		// A re-check (passport or SNILS edited after standard, or a new
		// submission after a re-check failed) keeps the held claims until
		// its outcome.
		c.PrevSNILSIndex, c.PrevPassportIndex = cur.HeldSNILSIndex, cur.HeldPassportIndex
		if cur.State == Passed && c.PrevSNILSIndex == "" {
			// A pointer written before held documents were recorded: the
			// passed check names them.
			prev, err := f.Store.Check(ctx, accountID, cur.CheckID)
			if err != nil {
				return Check{}, err
			}
			c.PrevSNILSIndex, c.PrevPassportIndex = prev.SNILSIndex, prev.PassportIndex
		}
		err = f.Store.CreateCheck(ctx, c)
		if errors.Is(err, ErrChanged) {
			continue
		}
		if err != nil {
			return Check{}, err
		}
		if err := f.start(ctx, accountID, c.ID); err != nil {
			return Check{}, err
		}
		return c, nil
	}
	return Check{}, ErrBusy
}

// documents opens the draft and checks it is complete.
func (f *Flow) documents(ctx context.Context, accountID string, sealed []byte, version int64) (documents, error) {
	var p profile.Profile
	if version > 0 {
		plain, err := f.Sealer.Open(ctx, sealed, profileAAD(accountID))
		if err != nil {
			return documents{}, fmt.Errorf("open profile of %s: %w", accountID, err)
		}
		if err := json.Unmarshal(plain, &p); err != nil {
			return documents{}, fmt.Errorf("decode profile of %s: %w", accountID, err)
		}
	}
	missing := profile.Missing(p, f.Now())
	// The check needs both documents whatever the citizenship.
	if p.SNILS == "" && !slices.Contains(missing, "/snils") {
		missing = append(missing, "/snils")
	}
	if p.Passport == nil && !slices.Contains(missing, "/passport") {
		missing = append(missing, "/passport")
	}
	if len(missing) > 0 {
		var fs fault.Fields
		for _, ptr := range missing {
			fs.Add(ptr, "required")
		}
		return documents{}, fs.Err()
	}
	return documents{SNILS: p.SNILS, Passport: p.Passport.Series + p.Passport.Number}, nil
}

func (f *Flow) newCheck(ctx context.Context, accountID string, docs documents) (Check, error) {
	id, err := account.NewID(f.Rand)
	if err != nil {
		return Check{}, err
	}
	plain, err := json.Marshal(docs)
	if err != nil {
		return Check{}, err
	}
	sealed, err := f.Sealer.Seal(ctx, plain, checkAAD(accountID, id))
	if err != nil {
		return Check{}, fmt.Errorf("seal check %s: %w", id, err)
	}
	now := f.Now()
	return Check{
		ID: id, AccountID: accountID, State: Running, CreatedAt: now, UpdatedAt: now,
		SNILS: Item{Status: Pending}, Passport: Item{Status: Pending},
		SNILSIndex:    f.Index.Index(purposeSNILS, docs.SNILS),
		PassportIndex: f.Index.Index(purposePassport, docs.Passport),
		Sealed:        sealed,
	}, nil
}

func (f *Flow) start(ctx context.Context, accountID, checkID string) error {
	if err := f.Workflow.Start(ctx, checkID, Input{AccountID: accountID, CheckID: checkID}); err != nil {
		return fmt.Errorf("start check %s: %w", checkID, err)
	}
	return nil
}

// Progress returns a check of the account; its items say pending, passed,
// failed or unavailable, with their times.
func (f *Flow) Progress(ctx context.Context, accountID, checkID string) (Check, error) {
	if !account.ValidID(checkID) {
		return Check{}, ErrCheckNotFound
	}
	c, err := f.Store.Check(ctx, accountID, checkID)
	if err != nil {
		return Check{}, err
	}
	c.Sealed = nil
	return c, nil
}
