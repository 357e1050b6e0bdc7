// Package letter is identity confirmation by registered letter (SPEC
// §2.4): a standard account orders a letter to its registration or
// residence address (or one it gives), the postal-letter workflow issues
// a 10-symbol activation code, hands the letter to the postal provider,
// records the tracking number when the provider reports it, reminds the
// person after 14 days and lets the code expire after 60; the person
// types the code in, and the account becomes confirmed by method letter.
// It owns the letter's state, its limits (one letter per 30 days unless
// the last code expired, 5 wrong attempts per letter) and the workflow's
// task steps.
package letter

import (
	"context"
	"io"
	"slices"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/postal"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/workflow"
)

// The statuses of a letter.
const (
	Ordered = "ordered" // taken, not yet handed to the provider
	Sent    = "sent"    // handed over: the code is valid from now
	// InTransit is how a Sent letter shows once the provider reported its
	// tracking number (it is not stored: the report may come before the
	// hand-over is recorded).
	InTransit = "in-transit"
	Delivered = "delivered" // the provider reported it delivered
	Used      = "used"      // the code was entered: the account is confirmed
	Expired   = "expired"   // the code's lifetime ended unused
	Void      = "void"      // too many wrong attempts, or a newer letter was ordered
	Lost      = "lost"      // the provider lost it
	Returned  = "returned"  // it went back to the sender
	Rejected  = "address-rejected"
	// Failed: the provider never took it (its outage outlasted the
	// workflow's retries); a new letter may be ordered at once.
	Failed = "failed"
)

// The reasons a letter's code is void.
const (
	ReasonAttempts   = "attempts"
	ReasonSuperseded = "superseded"
)

// active are the statuses in which the code may be entered.
var active = []string{Sent, Delivered}

// isActive reports whether the letter's code may still be entered (its
// lifetime aside).
func isActive(status string) bool { return slices.Contains(active, status) }

// The steps that wait for a task token.
const (
	StepSend  = "send"  // SendLetter, until the provider reports the tracking number
	StepAwait = "await" // AwaitCode, until the code is entered or the letter is lost
)

// The notices of a letter, each sent at most once (Store.ClaimLetterNotice).
const (
	NoticeSent     = "sent"
	NoticeTracking = "tracking"
	NoticeReminder = "reminder"
	NoticeEnd      = "end" // how it ended: expired, lost, void, …
)

// The ASL error names the steps raise or answer with; task.Names lists
// them for the test that compares them with the ASL.
const (
	// ErrNameAddressRejected: the provider refused the address.
	ErrNameAddressRejected = "AddressRejected"
	// ErrNameLetterLost: the provider lost the letter or had it returned.
	ErrNameLetterLost = "LetterLost"
	// ErrNameCodeVoid: the code can no longer be entered (wrong attempts,
	// a newer letter, or it ended some other way).
	ErrNameCodeVoid = "CodeVoid"
)

// The outcomes a client can meet.
var (
	ErrNotFound       = fault.New(fault.NotFound, "letter-not-found")
	ErrReorderTooSoon = fault.New(fault.RateLimited, "letter-reorder-too-soon")
	ErrNotSent        = fault.New(fault.Conflict, "letter-not-sent")
	ErrUsed           = fault.New(fault.Conflict, "letter-used")
	ErrClosed         = fault.New(fault.Conflict, "letter-closed")
	ErrChanged        = fault.New(fault.Conflict, "letter-changed")
	ErrBusy           = fault.New(fault.Unavailable, "letter-busy")
)

// Letter is one registered letter of an account.
type Letter struct {
	ID        string
	AccountID string
	Status    string
	// VoidReason says why a Void letter's code is void.
	VoidReason   string
	OrderedAt    time.Time
	DispatchedAt time.Time // when handed to the provider
	ExpiresAt    time.Time // DispatchedAt + the code lifetime
	RemindAt     time.Time // DispatchedAt + the reminder delay
	RemindedAt   time.Time
	TrackedAt    time.Time
	DeliveredAt  time.Time
	ClosedAt     time.Time // when it ended: used, expired, void, lost, …
	// TrackingNumber is the provider's, once reported.
	TrackingNumber string
	Attempts       int    // wrong and right attempts counted against the code
	CodeHash       []byte // keyed hash of the code, bound to the letter
	// SealedCode is the code, sealed, between IssueCode and the hand-over
	// only: a retried hand-over must print the same code, and nothing
	// else ever reads it. The hand-over erases it.
	SealedCode []byte
	// Sealed is the recipient and the address, sealed.
	Sealed []byte
	Locale string
	// PrevLetterID is the letter that was the account's latest when this
	// one was ordered; issuing this one's code voids that one's.
	PrevLetterID string
	// Token and TokenStep are the task token of the workflow step waiting
	// on this letter (StepSend or StepAwait), "" when none waits.
	Token     string
	TokenStep string
	// The notices already sent (at most once each, even when a step is
	// retried): the time each was claimed.
	SentNoticeAt     time.Time
	TrackingNoticeAt time.Time
	EndNoticeAt      time.Time
}

// Latest is the account's latest letter and when the next may be ordered.
type Latest struct {
	LetterID string
	// ReorderAt is the earliest time a new letter may be ordered: 30 days
	// after this one was ordered, or when its code expired (or it failed)
	// if that came first.
	ReorderAt time.Time
}

// Input is the workflow's execution input and every step's: ids only,
// never personal data.
type Input struct {
	AccountID string `json:"accountId"`
	LetterID  string `json:"letterId"`
}

// Store persists letters. Writes that lost a race return ErrChanged.
type Store interface {
	// LetterOrderState reads the account's latest-letter pointer (zero when
	// none) and its sealed profile (version 0: none) in one round trip.
	LetterOrderState(ctx context.Context, accountID string) (Latest, []byte, int64, error)
	// CreateLetter writes the letter, points the account at it (unless the
	// latest letter still forbids a new one at now: ErrReorderTooSoon) with
	// the next ReorderAt, and appends the events on the condition that the
	// account is still standard and its chain has not moved (ErrChanged),
	// in one transaction.
	CreateLetter(ctx context.Context, l Letter, reorderAt, now time.Time, ev event.Append) error
	// Letter reads one letter of the account: ErrNotFound.
	Letter(ctx context.Context, accountID, letterID string) (Letter, error)
	// LetterState reads the account and one of its letters in one round
	// trip: ErrNotFound.
	LetterState(ctx context.Context, accountID, letterID string) (account.Account, Letter, error)
	// IssueLetterCode records the code's hash and the sealed code unless a code
	// was issued already, and returns the letter as it then is.
	IssueLetterCode(ctx context.Context, accountID, letterID string, hash, sealedCode []byte) (Letter, error)
	// SetLetterToken records the task token of the step waiting on the letter
	// if its status is one of when; ok false returns the letter as it
	// stood (ErrNotFound when there is none).
	SetLetterToken(ctx context.Context, accountID, letterID, step, token string, when []string) (l Letter, ok bool, err error)
	// DispatchLetter records the hand-over (status Sent, its times, the sent
	// notice claimed, the sealed code erased) if the letter is still
	// Ordered: ErrChanged when it is not.
	DispatchLetter(ctx context.Context, l Letter) error
	// CloseLetter moves the letter from one of the statuses from to status to
	// (with the reason, for Void) at at. changed false means it was in
	// none of them; the letter is returned as it then is, token included.
	CloseLetter(ctx context.Context, accountID, letterID string, from []string, to, reason string, at time.Time) (l Letter, changed bool, err error)
	// LowerLetterReorderAt moves the pointer's ReorderAt earlier to at if the
	// pointer still names the letter; otherwise it does nothing.
	LowerLetterReorderAt(ctx context.Context, accountID, letterID string, at time.Time) error
	// RecordLetterTracking records the tracking number (the first one reported
	// stays) and moves a Sent letter to InTransit; it returns the letter.
	RecordLetterTracking(ctx context.Context, accountID, letterID, number string, at time.Time) (Letter, error)
	// RecordLetterDelivered moves a Sent or InTransit letter to Delivered.
	RecordLetterDelivered(ctx context.Context, accountID, letterID string, at time.Time) error
	// ClaimLetterNotice claims the notice named by field ("sent", "tracking",
	// "reminder", "end") at at, unless it was claimed already or (for all
	// but "end") the letter's code can no longer be entered: claimed
	// false then.
	ClaimLetterNotice(ctx context.Context, accountID, letterID, field string, at time.Time) (claimed bool, err error)
	// CountLetterAttempt adds one attempt to the letter's code if its code may
	// be entered at now and fewer than max attempts were made: counted
	// false returns the letter as it stood (ErrNotFound when none).
	CountLetterAttempt(ctx context.Context, accountID, letterID string, max int, now time.Time) (l Letter, counted bool, err error)
	// UseLetterCode, in one transaction: the letter becomes Used if its code
	// may still be entered at at and its token is still l.Token
	// (ErrChanged otherwise), and the account is raised to confirmed
	// (account.Confirmation; ErrChanged when the account moved on).
	UseLetterCode(ctx context.Context, l Letter, c account.Confirmation, at time.Time) error
	// Account reads an account.
	Account(ctx context.Context, id string) (account.Account, error)
}

// Sealer encrypts and decrypts personal data bound to aad.
type Sealer interface {
	Seal(ctx context.Context, plain, aad []byte) ([]byte, error)
	Open(ctx context.Context, blob, aad []byte) ([]byte, error)
}

// Workflow starts the postal-letter execution named name with the ids in
// input; starting it again with the same name and input is a no-op.
type Workflow interface {
	Start(ctx context.Context, name string, input any) error
}

// Waker answers the workflow step waiting on a task token: failure ""
// succeeds it, any other fails it with that error name. A token whose
// step no longer waits is not an error.
type Waker interface {
	Wake(ctx context.Context, token, failure string) error
}

// Sender delivers a notice from a template.
type Sender interface {
	Send(ctx context.Context, kind, address, template, locale string, params map[string]string) error
}

// Flow runs letters. The API uses Store, Sealer, Workflow, Waker, Sender,
// Codes, Limits, Now and Rand; the workflow's steps also Provider.
type Flow struct {
	Store    Store
	Sealer   Sealer
	Provider postal.Provider
	Workflow Workflow
	Waker    Waker
	Sender   Sender
	Codes    secret.Hasher // keyed hashes of the codes
	Limits   config.Letter
	Now      func() time.Time
	Rand     io.Reader
}

// maxWait bounds one wait of the workflow for the code (its
// TimeoutSecondsPath): the 60 days to expiry are waited in pieces of at
// most 24 days, under the ~24.8 days past which timers of the local
// engine fire at once. Each piece costs three state transitions.
const maxWait = 24 * 24 * time.Hour

// stepNow is the time of a workflow step: its execution's clock, which
// the local Step Functions runs fast.
func (f *Flow) stepNow(ctx context.Context) time.Time { return workflow.Now(ctx, f.Now) }

// codePurpose is the keyed-hash purpose of letter codes.
const codePurpose = "letter-code"

// hash is the stored hash of a code, bound to its letter.
func (f *Flow) hash(letterID, code string) []byte {
	return f.Codes.Sum(codePurpose, letterID+":"+code)
}

// addressAAD binds a letter's sealed recipient and address to it.
func addressAAD(accountID, letterID string) []byte {
	return []byte("letter/" + accountID + "/" + letterID)
}

// codeAAD binds a letter's sealed code to it.
func codeAAD(accountID, letterID string) []byte {
	return []byte("letter-code/" + accountID + "/" + letterID)
}
