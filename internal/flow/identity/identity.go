// Package identity is the identity check of SPEC §2.3 and §2.5: the person
// submits their personal data with consent, and each document goes to its
// registry at once (the identity-check workflow): an RF citizen's SNILS to
// the pension fund and passport to the migration service; a foreign
// citizen's foreign document to the migration service (and their SNILS,
// when they gave one, to the pension fund). Every item passing lifts the
// account to standard. It owns the check's state, the uniqueness of SNILS,
// passport and foreign document among accounts, and the workflow's task
// steps.
package identity

import (
	"context"
	"io"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/secret"
)

// The outcomes a client can meet.
var (
	ErrConsentRequired = fault.New(fault.Invalid, "consent-required")
	ErrInProgress      = fault.New(fault.Conflict, "check-in-progress")
	ErrSNILSTaken      = fault.New(fault.Conflict, "snils-taken")
	ErrPassportTaken   = fault.New(fault.Conflict, "passport-taken")
	ErrCheckNotFound   = fault.New(fault.NotFound, "check-not-found")
	ErrChanged         = fault.New(fault.Conflict, "check-changed")
	ErrBusy            = fault.New(fault.Unavailable, "check-busy")
)

// ErrForeignDocumentTaken: another account holds the foreign document.
var ErrForeignDocumentTaken = fault.New(fault.Conflict, "foreign-document-taken")

// The overall states of a check.
const (
	Running = "running"
	Passed  = "passed"
	Failed  = "failed"
	Stalled = "stalled"
)

// The states of one item of a check (besides Passed and Failed).
const (
	Pending     = "pending"
	Unavailable = "unavailable"
)

// Item is the progress of one registry check.
type Item struct {
	Status      string    `json:"status"`           // Pending, Passed, Failed, Unavailable
	Reason      string    `json:"reason,omitempty"` // a slug when Failed
	SubmittedAt time.Time `json:"submittedAt,omitzero"`
	DecidedAt   time.Time `json:"decidedAt,omitzero"`
}

// Check is one submission of the personal data for the registry check.
// Its items are those that apply to the person (Items): an item that does
// not apply has no status and is left out of the JSON.
type Check struct {
	ID        string    `json:"checkId"`
	AccountID string    `json:"-"`
	State     string    `json:"state"` // Running, Passed, Failed, Stalled
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	SNILS     Item      `json:"snils,omitzero"`
	Passport  Item      `json:"passport,omitzero"`
	// ForeignDocument is a foreign citizen's identity document, checked
	// by the migration service (SPEC §2.5).
	ForeignDocument Item `json:"foreignDocument,omitzero"`
	// SNILSIndex and PassportIndex are the blind indexes of the submitted
	// documents, claimed for this account while the check runs.
	SNILSIndex    string `json:"-"`
	PassportIndex string `json:"-"`
	ForeignIndex  string `json:"-"`
	// PrevSNILSIndex and PrevPassportIndex are the documents the account
	// held when the check started (from its last passed check; "" for a
	// first check): a re-check after editing passport or SNILS keeps
	// those claims until the outcome (SPEC §2.3).
	PrevSNILSIndex    string `json:"-"`
	PrevPassportIndex string `json:"-"`
	PrevForeignIndex  string `json:"-"`
	// Sealed is the submitted documents, sealed: the check verifies what
	// was submitted, whatever the draft becomes meanwhile.
	Sealed []byte `json:"-"`
	// Notified is set with the outcome, before the notice is sent, so a
	// retried step never sends a second one.
	Notified bool `json:"-"`
}

// Current is the account's latest check.
type Current struct {
	CheckID string
	State   string
	// HeldSNILSIndex and HeldPassportIndex are the documents of the
	// account's last passed check, whose claims it holds.
	HeldSNILSIndex    string
	HeldPassportIndex string
	HeldForeignIndex  string
}

// Outcome is what RecordOutcome writes in one transaction.
type Outcome struct {
	Check Check // the decided check, Notified set
	// Level is the account's new level, "" when it stays; Events then
	// holds the level-changed event.
	Level      account.Level
	Events     *event.Append
	SNILSIndex string // set on the account when the check passed
	// ForeignIndex likewise. When the check passed, an index it has none
	// of ("") is removed from the account.
	ForeignIndex string
	// ReleaseSNILS and ReleasePassport are the blind indexes whose claims
	// the account gives up ("" none): a failed check's own (except those
	// the account already held), or, when a re-check passed, the previous
	// documents' (except those the check kept). When the check passed,
	// the store records its documents as the held ones.
	ReleaseSNILS    string
	ReleasePassport string
	ReleaseForeign  string
	// ClearConfirmation removes the confirmation method: a confirmed
	// account whose re-check did not pass drops to simplified.
	ClearConfirmation bool
}

// Store persists checks. A write that lost a race returns ErrChanged.
type Store interface {
	// SubmitState reads the sealed profile draft (version 0: none) and
	// the account's latest check in one round trip.
	SubmitState(ctx context.Context, accountID string) (sealed []byte, version int64, cur Current, err error)
	// CreateCheck writes the check, makes it the account's current one
	// and claims its documents, in one transaction: ErrInProgress when
	// another check runs, ErrSNILSTaken, ErrPassportTaken or
	// ErrForeignDocumentTaken when another account holds one.
	CreateCheck(ctx context.Context, c Check) error
	// Check reads one check of the account: ErrCheckNotFound.
	Check(ctx context.Context, accountID, checkID string) (Check, error)
	// MarkSubmitted records when an item was handed to its registry (the
	// first time only).
	MarkSubmitted(ctx context.Context, accountID, checkID, item string, at time.Time) error
	// DecideItem records a registry's answer on one item (its status,
	// reason and decision time) if the check still runs and the item is
	// still pending: ErrChanged when it is not (already decided, the
	// check ended, or no such check).
	DecideItem(ctx context.Context, accountID, checkID, item string, it Item) error
	// OutcomeState reads the account and the check in one round trip.
	OutcomeState(ctx context.Context, accountID, checkID string) (account.Account, Check, error)
	// RecordOutcome writes the outcome if the check still runs:
	// ErrChanged when it lost a race.
	RecordOutcome(ctx context.Context, o Outcome) error
}

// Sealer encrypts and decrypts personal data bound to aad.
type Sealer interface {
	Seal(ctx context.Context, plain, aad []byte) ([]byte, error)
	Open(ctx context.Context, blob, aad []byte) ([]byte, error)
}

// Registry hands a document to its registry; the answer comes back to
// the workflow through the task token.
type Registry interface {
	Submit(ctx context.Context, r registry.Request) error
}

// Workflow starts the identity-check execution named name with the ids
// in input; starting it again with the same name and input is a no-op.
type Workflow interface {
	Start(ctx context.Context, name string, input any) error
}

// Sender delivers a notice from a template.
type Sender interface {
	Send(ctx context.Context, kind, address, template, locale string, params map[string]string) error
}

// Flow runs identity checks.
type Flow struct {
	Store    Store
	Sealer   Sealer
	Registry Registry
	Workflow Workflow
	Sender   Sender
	Index    secret.Hasher // blind indexes of SNILS, passport and foreign document
	Now      func() time.Time
	Rand     io.Reader
}

// Blind-index purposes of the documents (account.Index…).
const (
	purposeSNILS    = account.IndexSNILS
	purposePassport = account.IndexPassport
	purposeForeign  = account.IndexForeignDocument
)
