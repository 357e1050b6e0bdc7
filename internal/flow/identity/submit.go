package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/registry"
)

// documents is what a check sends to the registries, sealed in the check;
// "" for a document the person does not have.
type documents struct {
	SNILS    string `json:"snils"`
	Passport string `json:"passport"` // series and number run together
	// Foreign is a foreign document as registry.NewForeignDocument writes
	// it; ForeignType, ForeignCountry and ForeignNumber are its parts.
	ForeignType    string `json:"foreignType,omitempty"`
	ForeignCountry string `json:"foreignCountry,omitempty"`
	ForeignNumber  string `json:"foreignNumber,omitempty"`
	// foreignKey is what makes two foreign documents one
	// (person.ForeignDocument.Key), for its blind index.
	foreignKey string
}

// Input is the workflow's execution input: ids only, never personal data.
// Items names the registry items the check holds (Check.Items): the
// workflow checks each of them at once, and only those.
type Input struct {
	AccountID string   `json:"accountId"`
	CheckID   string   `json:"checkId"`
	Items     []string `json:"items"`
}

// profileAAD is the associated data the profile flow seals a draft with.
func profileAAD(accountID string) []byte { return []byte("profile/" + accountID) }

// checkAAD binds a check's sealed documents to the account and the check.
func checkAAD(accountID, checkID string) []byte {
	return []byte("identity-check/" + accountID + "/" + checkID)
}

// Submit starts a check of the account's saved profile: the person must
// consent, the profile must be complete and consistent, no other check
// may run, and no other account may hold any of its documents (SNILS,
// passport, foreign document). A standard or
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
			// check was written (the input names the check's items).
			running, err := f.Store.Check(ctx, accountID, cur.CheckID)
			if err != nil {
				return Check{}, err
			}
			if err := f.start(ctx, running); err != nil {
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
		c.PrevSNILSIndex, c.PrevPassportIndex, c.PrevForeignIndex = cur.HeldSNILSIndex, cur.HeldPassportIndex, cur.HeldForeignIndex
		if cur.State == Passed && c.PrevSNILSIndex == "" && c.PrevPassportIndex == "" && c.PrevForeignIndex == "" {
			// A pointer written before held documents were recorded: the
			// passed check names them.
			prev, err := f.Store.Check(ctx, accountID, cur.CheckID)
			if err != nil {
				return Check{}, err
			}
			c.PrevSNILSIndex, c.PrevPassportIndex, c.PrevForeignIndex = prev.SNILSIndex, prev.PassportIndex, prev.ForeignIndex
		}
		err = f.Store.CreateCheck(ctx, c)
		if errors.Is(err, ErrChanged) {
			continue
		}
		if err != nil {
			return Check{}, err
		}
		if err := f.start(ctx, c); err != nil {
			return Check{}, err
		}
		return c, nil
	}
	return Check{}, ErrBusy
}

// documents opens the draft and checks it is complete and consistent: the
// identity document its citizenship calls for (profile.Missing), and none
// that disagrees with it (profile.Conflicts).
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
	var fs fault.Fields
	for _, ptr := range profile.Missing(p, f.Now()) {
		fs.Add(ptr, "required")
	}
	fs = append(fs, profile.Conflicts(p)...)
	if len(fs) > 0 {
		return documents{}, fs.Err()
	}
	if !p.Foreign() {
		return documents{SNILS: p.SNILS, Passport: p.Passport.Series + p.Passport.Number}, nil
	}
	// A foreign citizen: the foreign document, and the SNILS when given.
	fd := p.ForeignDocument
	d, err := person.ParseForeignDocument(fd.Type, fd.Number, fd.Country)
	if err != nil {
		return documents{}, fmt.Errorf("parse saved foreign document of %s: %w", accountID, err)
	}
	return documents{
		SNILS: p.SNILS, ForeignType: d.Type(), ForeignCountry: d.Country().Value(), ForeignNumber: d.Number(), foreignKey: d.Key(),
	}, nil
}

// foreign returns the foreign document for its registry.
func (d documents) foreign() registry.Document {
	return registry.NewForeignDocument(d.ForeignType, d.ForeignCountry, d.ForeignNumber)
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
	c := Check{ID: id, AccountID: accountID, State: Running, CreatedAt: now, UpdatedAt: now, Sealed: sealed}
	// Each document the person has is an item, pending, and a claim.
	if docs.SNILS != "" {
		c.SNILS, c.SNILSIndex = Item{Status: Pending}, f.Index.Index(purposeSNILS, docs.SNILS)
	}
	if docs.Passport != "" {
		c.Passport, c.PassportIndex = Item{Status: Pending}, f.Index.Index(purposePassport, docs.Passport)
	}
	if docs.foreignKey != "" {
		c.ForeignDocument, c.ForeignIndex = Item{Status: Pending}, f.Index.Index(purposeForeign, docs.foreignKey)
	}
	return c, nil
}

func (f *Flow) start(ctx context.Context, c Check) error {
	if err := f.Workflow.Start(ctx, c.ID, Input{AccountID: c.AccountID, CheckID: c.ID, Items: c.Items()}); err != nil {
		return fmt.Errorf("start check %s: %w", c.ID, err)
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
