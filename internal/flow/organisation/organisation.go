// Package organisation is the legal-entity account of SPEC §2.5: a
// confirmed person creates an organisation (name, OGRN, INN) by signing a
// one-time challenge with an electronic signature whose certificate names
// both him (as the identity confirmation checks it) and the organisation
// (its OGRN and INN); he becomes its head. The head adds confirmed
// accounts as members with a role (administrator, employee) and removes
// them; the head cannot be removed. OGRN and INN are unique across
// organisations and the members per organisation are limited
// (ORG_MAX_MEMBERS), by conditions of the writes. Every change is an audit
// event in the organisation's own hash chain and one in the chain of each
// person whose membership it changes.
package organisation

import (
	"context"
	"io"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/secret"
)

// The outcomes a client can meet, besides the validation faults, the
// challenge's (sigflow.ErrChallenge…) and the verifier's refusals.
var (
	// ErrNotConfirmed: only a confirmed account may create an
	// organisation.
	ErrNotConfirmed = fault.New(fault.Forbidden, "confirmed-level-required")
	// ErrCertificateOrganisation: the certificate does not name the
	// organisation (no O, or another OGRN or INN). It never says which.
	ErrCertificateOrganisation = fault.New(fault.Forbidden, "certificate-organisation-mismatch")
	ErrOGRNTaken               = fault.New(fault.Conflict, "ogrn-taken")
	ErrINNTaken                = fault.New(fault.Conflict, "organisation-inn-taken")
	// ErrNotFound: no such organisation, or the caller is not a member
	// (which is not told apart).
	ErrNotFound = fault.New(fault.NotFound, "organisation-not-found")
	// ErrHeadRequired: only the head adds and removes members.
	ErrHeadRequired = fault.New(fault.Forbidden, "organisation-head-required")
	// ErrRoleRequired: the audit events are for the head and
	// administrators.
	ErrRoleRequired = fault.New(fault.Forbidden, "organisation-role-required")
	// ErrMemberNotEligible: no confirmed account has this SNILS and
	// surname. Unknown, unconfirmed and misnamed get the same answer.
	ErrMemberNotEligible = fault.New(fault.Invalid, "member-not-eligible")
	ErrAlreadyMember     = fault.New(fault.Conflict, "already-member")
	ErrMemberNotFound    = fault.New(fault.NotFound, "member-not-found")
	ErrHeadNotRemovable  = fault.New(fault.Conflict, "head-not-removable")
	ErrMemberLimit       = fault.New(fault.Conflict, "organisation-member-limit")
	// ErrAddLimit: the head tried ORG_MEMBER_ADDS_PER_HOUR additions in
	// the last hour (answered with Retry-After).
	ErrAddLimit = fault.New(fault.RateLimited, "member-add-limit")
	// ErrChanged: a write lost a race (the organisation's or a person's
	// event chain moved on); the flow re-reads and tries again.
	ErrChanged = fault.New(fault.Conflict, "organisation-changed")
	ErrBusy    = fault.New(fault.Unavailable, "organisation-busy")
)

// Purpose is the purpose of the signature challenges an organisation's
// creation spends (sigflow.Flow.Issue): the identity confirmation cannot
// spend them, nor can a creation spend a confirmation's.
const Purpose = "organisation"

// Role is a member's role.
type Role string

// The roles: the head (the creator) alone adds and removes members;
// administrators see the audit events too; employees see the organisation
// and its members.
const (
	Head          Role = "head"
	Administrator Role = "administrator"
	Employee      Role = "employee"
)

// Organisation is a legal entity's account.
type Organisation struct {
	ID        string
	Name      string // as person.ParseOrgName normalises it
	OGRN      string // 13 digits
	INN       string // 10 digits
	HeadID    string
	Members   int // the head included
	CreatedAt time.Time
	Events    event.Head // the end of its audit chain
}

// Member is an account's membership of an organisation.
type Member struct {
	OrganisationID string
	AccountID      string
	Role           Role
	Surname        string
	GivenName      string
	AddedAt        time.Time
	AddedBy        string // the account that added it
}

// Membership is an organisation as one of its members sees it in the
// list of his organisations.
type Membership struct {
	Organisation Organisation // ID, Name, OGRN, INN
	Role         Role
	Since        time.Time
}

// Created is what a creation writes in one transaction: the challenge
// spent with the proof, the organisation with its OGRN and INN claims,
// the head's membership both ways, and the events of the organisation
// (a new chain) and of the head (after his chain's head).
type Created struct {
	Proof        sigflow.Proof
	Organisation Organisation
	Head         Member
	OrgEvents    event.Append
	PersonEvents event.Append
}

// Change is a membership added or removed: the member, the organisation
// as read (its member count and chain head are the write's conditions),
// and the events of both chains.
type Change struct {
	Organisation Organisation
	Member       Member
	OrgEvents    event.Append
	PersonEvents event.Append
}

// AddState is what an addition reads: the organisation (zero ID when
// missing), the requester's membership and the candidate's (nil when
// none), and the candidate's account (nil when no account has the SNILS).
type AddState struct {
	Organisation Organisation
	Requester    *Member
	Candidate    *account.Account
	Existing     *Member
	Adds         limit.Log // the head's additions in the window
}

// RemoveState is what a removal reads: the organisation, the requester's
// and the target's memberships (nil when none) and the target's account.
type RemoveState struct {
	Organisation Organisation
	Requester    *Member
	Target       *Member
	Account      *account.Account
}

// Store persists organisations. It also reads and spends signature
// challenges as sigflow.Store does.
type Store interface {
	SignatureState(ctx context.Context, accountID, challengeID string) (sigflow.State, error)
	SpendSignatureChallenge(ctx context.Context, accountID, challengeID, outcome string, at time.Time) error
	// CreateOrganisation writes c in one transaction:
	// sigflow.ErrChallengeUsed when the challenge was spent or expired
	// meanwhile, ErrOGRNTaken or ErrINNTaken when another organisation
	// holds the number, ErrChanged when the head's chain moved on.
	CreateOrganisation(ctx context.Context, c Created) error
	// AddMemberState reads an addition's state; snilsIndex is the blind
	// index of the candidate's SNILS, addsKey the head's counter log.
	AddMemberState(ctx context.Context, orgID, requesterID, snilsIndex, addsKey string) (AddState, error)
	// AddMember writes the membership both ways, the events and the
	// head's counted attempt, on the condition that the organisation's
	// chain has not moved, it has fewer than max members and the counter
	// is as read: ErrChanged otherwise (and when the candidate's chain
	// moved or he became a member meanwhile).
	AddMember(ctx context.Context, c Change, max int, adds challenge.LogWrite) error
	// CountAddition writes the counted attempt of a refused addition, on
	// the condition that the counter is as read: ErrChanged otherwise.
	CountAddition(ctx context.Context, adds challenge.LogWrite) error
	RemoveMemberState(ctx context.Context, orgID, requesterID, targetID string) (RemoveState, error)
	// RemoveMember deletes the membership both ways and writes the
	// events: ErrChanged when anything moved.
	RemoveMember(ctx context.Context, c Change) error
	// OrganisationOf reads the organisation and the account's membership
	// of it (nil when none), in one round trip.
	OrganisationOf(ctx context.Context, orgID, accountID string) (Organisation, *Member, error)
	// Memberships lists the account's organisations.
	Memberships(ctx context.Context, accountID string) ([]Membership, error)
	// Members lists the organisation's members.
	Members(ctx context.Context, orgID string) ([]Member, error)
	// MemberOf reads the account's membership of the organisation (nil
	// when none).
	MemberOf(ctx context.Context, orgID, accountID string) (*Member, error)
	// OrganisationEvents lists the organisation's events newest first,
	// those before seq (0: the newest), at most limit.
	OrganisationEvents(ctx context.Context, orgID string, before int64, limit int) ([]event.Event, error)
}

// Flow runs the organisations.
type Flow struct {
	Store      Store
	Signatures *sigflow.Flow // issues challenges and identifies their signers
	Index      secret.Hasher // blind indexes: a member's SNILS
	MaxMembers int           // ORG_MAX_MEMBERS, the head included
	// AddsPerHour is ORG_MEMBER_ADDS_PER_HOUR: the additions a head may
	// try in any hour, counted before the candidate is judged.
	AddsPerHour int
	Now         func() time.Time
	Rand        io.Reader // crypto/rand.Reader in production
}
