// Package operator is what a service-centre operator does for the person
// in front of them (SPEC §2.4 "In person"): find the account by SNILS,
// compare the passport the person presents with the profile, confirm the
// identity (standard → confirmed, method in_person) and restore access (a
// new phone or e-mail and a password reset whose code goes to it).
//
// Operators authenticate apart from citizens: a caller is an IAM principal
// that API Gateway's AWS_IAM authorizer has verified, and the registry in
// the table (one OPERATOR#<principal ARN> item each) maps it to an
// operator and a centre; an unregistered principal is refused. The
// registry entry is read in the same round trip as the data of the
// request, so authentication costs no round trip of its own, and removing
// the entry takes effect at the next request.
//
// Every action on an account (a search that finds it, a passport
// comparison, a confirmation, a restoration) is an operator-action event
// in the person's own event chain, naming the operator and the centre and
// never a document value; the person sees them in GET /v1/me/events.
package operator

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/flow/recovery"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/secret"
)

// The outcomes an operator can meet, besides account.ErrNotStandard
// (level-too-low), account.ErrAlreadyConfirmed and the code-sending ones
// of challenge (send-limit-reached).
var (
	// ErrUnknown: the caller is not a registered operator (or sent no
	// IAM identity at all).
	ErrUnknown         = fault.New(fault.Forbidden, "operator-unknown")
	ErrAccountNotFound = fault.New(fault.NotFound, "account-not-found")
	ErrSearchLimit     = fault.New(fault.RateLimited, "operator-search-limit")
	// ErrPassportCheckRequired: confirming or restoring needs a passport
	// that matched, compared by this operator within the check lifetime.
	ErrPassportCheckRequired = fault.New(fault.Conflict, "passport-check-required")
	ErrContactTaken          = fault.New(fault.Conflict, "contact-taken")
	ErrContactRequired       = fault.New(fault.Invalid, "contact-required")
	ErrChanged               = fault.New(fault.Conflict, "account-changed")
	ErrBusy                  = fault.New(fault.Unavailable, "account-busy")
)

// Operator is a registered service-centre operator.
type Operator struct {
	ID     string // e.g. "op-0042"
	Centre string // the centre's id in the service-centre directory, e.g. "mfc-moskva-tverskaya"
}

// details are the event details of an action by the operator: the
// operator, the centre and what was done, never a document value.
func (o Operator) details(action string) map[string]string {
	return map[string]string{"action": action, "operator": o.ID, "centre": o.Centre}
}

// refForm is the form of operator and centre ids: kebab-case.
var refForm = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidRef reports whether s is a well-formed operator or centre id:
// kebab-case, lower-case letters and digits, at most 64 characters.
func ValidRef(s string) bool { return len(s) <= 64 && refForm.MatchString(s) }

// principalForm is an IAM principal ARN as API Gateway reports a caller
// (userArn): an IAM user or role, or an STS assumed-role session.
var principalForm = regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[A-Za-z0-9+=,.@_/:-]+$`)

// ValidPrincipal reports whether s is a well-formed IAM principal ARN of
// at most 1024 bytes (it becomes part of a table key).
func ValidPrincipal(s string) bool { return len(s) <= 1024 && principalForm.MatchString(s) }

// Registered is the registry's answer for a principal.
type Registered struct {
	Operator Operator
	Known    bool // false: the principal is not an operator
}

// PassportCheck is an operator's comparison of a presented passport with
// an account's profile, kept per account and operator credential; the
// latest replaces the one before.
type PassportCheck struct {
	OperatorID string
	Centre     string
	Matched    bool
	CheckedAt  time.Time
	ExpiresAt  time.Time
}

// allows reports whether the check lets op confirm or restore at now.
func (c PassportCheck) allows(op Operator, now time.Time) bool {
	return c.Matched && c.OperatorID == op.ID && now.Before(c.ExpiresAt)
}

// Want names what an action on an account reads besides the operator and
// the account.
type Want struct {
	Profile  bool   // the sealed profile and the held passport's index
	Check    string // the key of the caller's passport check ("" none)
	Contacts []challenge.ContactKey
	Logs     []string
}

// Scene is what an action on an account reads in its one round trip.
type Scene struct {
	Registered
	Account    account.Account
	HasAccount bool
	// Sealed is the sealed profile (nil when none); HeldPassport the
	// blind index of the passport the account's last passed registry
	// check verified ("" when none).
	Sealed       []byte
	HeldPassport string
	Check        PassportCheck // zero when none
	Owners       map[challenge.ContactKey]string
	Logs         map[string]limit.Log
}

// Restoration is what Restore writes in one transaction.
type Restoration struct {
	Events    event.Append
	Contacts  []account.Contact // the account's contacts after
	Claims    []challenge.ContactKey
	Releases  []account.Contact // replaced contacts
	NotBefore time.Time         // every session opened before ends
	CheckKey  string
	Check     PassportCheck
	Operator  Operator
	Recovery  recovery.Recovery
	Logs      []challenge.LogWrite
}

// Store persists what operators do. Writes that lost a race return
// ErrChanged; each read is one round trip.
type Store interface {
	// SearchState reads the registry entry of principal, the account the
	// SNILS blind index names ("" when none) and the counter log under
	// logKey (empty, version 0, when none).
	SearchState(ctx context.Context, principal, snilsIndex, logKey string) (Registered, string, limit.Log, error)
	// Account reads an account.
	Account(ctx context.Context, id string) (account.Account, error)
	// RecordSearch writes the search log and, for a search that found an
	// account, its events, in one write.
	RecordSearch(ctx context.Context, log challenge.LogWrite, ev *event.Append) error
	// Scene reads the registry entry of principal, the account and what w
	// asks for.
	Scene(ctx context.Context, principal, accountID string, w Want) (Scene, error)
	// RecordPassportCheck writes the check under key with the events.
	RecordPassportCheck(ctx context.Context, key string, c PassportCheck, ev event.Append) error
	// ConfirmInPerson raises the account (account.Confirmation) and
	// records op on it, on the condition that the check under key is
	// still the one read and still allows op at now:
	// ErrPassportCheckRequired when it does not.
	ConfirmInPerson(ctx context.Context, c account.Confirmation, op Operator, key string, check PassportCheck, now time.Time) error
	// Restore writes a restoration: ErrContactTaken when a new contact
	// was claimed meanwhile, ErrPassportCheckRequired when the check
	// moved on.
	Restore(ctx context.Context, r Restoration) error
}

// Profiles opens a sealed profile (profile.Flow).
type Profiles interface {
	Open(ctx context.Context, accountID string, sealed []byte) (profile.Profile, error)
}

// Recoveries starts password resets on an operator's word
// (recovery.Flow).
type Recoveries interface {
	SendKeys(to contact.Address) []string
	Attest(in recovery.Attestation, logs map[string]limit.Log, now time.Time) (recovery.Recovery, string, []challenge.LogWrite, error)
	Deliver(ctx context.Context, r recovery.Recovery, code string) (recovery.Status, error)
}

// Flow serves operators.
type Flow struct {
	Store      Store
	Profiles   Profiles
	Recoveries Recoveries
	Sender     challenge.Sender
	Index      secret.Hasher // blind indexes: SNILS, passport, contacts, principals
	Limits     config.Operator
	Now        func() time.Time
	Rand       io.Reader
}

// Blind-index purposes: the documents' (account.Index…, those the
// identity check claims them under) and the operator credential's.
const (
	purposeSNILS     = account.IndexSNILS
	purposePassport  = account.IndexPassport
	purposePrincipal = "operator-principal"
)

// checkKey names the caller's passport checks: one per account and
// principal, keyed by the principal's blind index.
func (f *Flow) checkKey(principal string) string {
	return f.Index.Index(purposePrincipal, principal)
}

// admit refuses, before any read, a caller that cannot be an operator and
// an account id that cannot exist.
func admit(principal, accountID string) error {
	if !ValidPrincipal(principal) {
		return ErrUnknown
	}
	if !account.ValidID(accountID) {
		return ErrAccountNotFound
	}
	return nil
}

// scene reads what an action on accountID needs (after admit) and refuses
// an unknown caller, before anything about the account is told, and a
// missing account.
func (f *Flow) scene(ctx context.Context, principal, accountID string, w Want) (Scene, error) {
	s, err := f.Store.Scene(ctx, principal, accountID, w)
	if err != nil {
		return Scene{}, fmt.Errorf("read account %s for an operator: %w", accountID, err)
	}
	if !s.Known {
		return Scene{}, ErrUnknown
	}
	if !s.HasAccount {
		return Scene{}, ErrAccountNotFound
	}
	return s, nil
}

// retry runs an action until its write does not lose a race.
func retry(ctx context.Context, try func() error) error {
	return challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error { return try() })
}

// origin of operator events: the operator and the centre they name are
// the origin; the operator's workstation address is not the person's
// business.
var origin = event.Origin{}
