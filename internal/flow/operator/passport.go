package operator

import (
	"context"
	"fmt"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/secret"
)

// Presented is the RF passport the person presents, as the operator types
// it: series, number and issue date.
type Presented struct {
	Series    string
	Number    string
	IssueDate string // YYYY-MM-DD
}

// passport is a presented passport, normalised as the profile stores it.
type passport struct{ series, number, issueDate string }

// parsePresented validates a presented passport, reporting every bad
// field at once by JSON pointer and never echoing a value.
func parsePresented(in Presented) (passport, error) {
	var fs fault.Fields
	s, err := person.ParsePassportSeries(in.Series)
	if err != nil {
		fs.Add("/series", "passport-series-invalid")
	}
	n, err := person.ParsePassportNumber(in.Number)
	if err != nil {
		fs.Add("/number", "passport-number-invalid")
	}
	d, err := person.ParseDate(in.IssueDate)
	if err != nil {
		fs.Add("/issueDate", "issue-date-invalid")
	}
	return passport{series: s.Value(), number: n.Value(), issueDate: d.Value()}, fs.Err()
}

// Comparison says, per field, whether the presented passport matches the
// profile; it never carries a stored value.
type Comparison struct {
	Series    bool
	Number    bool
	IssueDate bool
	// Verified: the presented series and number are those of the
	// passport the registry check passed, not only those of the profile
	// draft (which the person may have edited since).
	Verified bool
	// Matched: every field matches and the passport is verified; then
	// the operator may confirm or restore until ValidUntil.
	Matched    bool
	ValidUntil time.Time
}

// ComparePassport compares the presented passport with the account's
// profile (decrypted) and with the passport the registry verified, and
// records the outcome as this operator's passport check, valid for the
// configured lifetime when it matched (a later comparison by the same
// operator replaces it). The account must be standard or confirmed: only
// then has a registry verified a passport. The comparison is an
// operator-action event with its result.
func (f *Flow) ComparePassport(ctx context.Context, principal, accountID string, in Presented) (Operator, Comparison, error) {
	if err := admit(principal, accountID); err != nil {
		return Operator{}, Comparison{}, err
	}
	p, err := parsePresented(in)
	if err != nil {
		return Operator{}, Comparison{}, err
	}
	key := f.checkKey(principal)
	var (
		op  Operator
		cmp Comparison
	)
	err = retry(ctx, func() error {
		s, err := f.scene(ctx, principal, accountID, Want{Profile: true})
		if err != nil {
			return err
		}
		op = s.Operator
		if !s.Account.AtLeast(account.Standard) {
			return account.ErrNotStandard
		}
		var stored profile.Profile
		if s.Sealed != nil {
			if stored, err = f.Profiles.Open(ctx, accountID, s.Sealed); err != nil {
				return err
			}
		}
		now := f.Now()
		cmp = f.compare(p, stored.Passport, s.HeldPassport)
		check := PassportCheck{OperatorID: op.ID, Centre: op.Centre, Matched: cmp.Matched, CheckedAt: now, ExpiresAt: now.Add(f.Limits.PassportCheckTTL)}
		d := op.details("passport-check")
		d["result"] = "mismatch"
		if cmp.Matched {
			d["result"], cmp.ValidUntil = "match", check.ExpiresAt
		}
		ev := event.Chain(accountID, s.Account.Events, now, origin, d, event.OperatorAction)
		return f.Store.RecordPassportCheck(ctx, key, check, ev)
	})
	if err != nil {
		return op, Comparison{}, fmt.Errorf("compare passport of %s: %w", accountID, err)
	}
	return op, cmp, nil
}

// compare checks each field in constant time, and the presented series
// and number against the blind index of the verified passport.
func (f *Flow) compare(p passport, stored *profile.Passport, held string) Comparison {
	var s profile.Passport
	if stored != nil {
		s = *stored
	}
	c := Comparison{
		Series:    same(p.series, s.Series),
		Number:    same(p.number, s.Number),
		IssueDate: same(p.issueDate, s.IssueDate),
		Verified:  held != "" && same(f.Index.Index(purposePassport, p.series+p.number), held),
	}
	c.Matched = c.Series && c.Number && c.IssueDate && c.Verified
	return c
}

func same(a, b string) bool { return secret.Equal([]byte(a), []byte(b)) }
