// Package signature is the identity confirmation by electronic signature
// of SPEC §2.4: a standard account asks for a one-time challenge (32
// random bytes, valid SIGNATURE_CHALLENGE_TTL), signs it with its
// qualified certificate or UEC card, and sends the detached CMS
// signature. The signature, the certificate's chain to the accredited
// CAs and its dates are checked by a Verifier (internal/signature, or a
// GOST verifier in its place); the certificate's subject must name the
// account's person (surname, given name and patronymic; SNILS where the
// certificate has one). Success raises the account to confirmed, method
// signature, in the same transaction that spends the challenge. Every
// submission that reaches an open challenge spends it, whatever its
// outcome: a refused signature needs a new challenge.
package signature

import (
	"context"
	"io"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/secret"
	"github.com/portalid/portalid/internal/signature"
)

// The outcomes a client can meet, besides the verifier's refusals
// (signature.Err…) and the account's (account.ErrNotStandard,
// account.ErrAlreadyConfirmed).
var (
	ErrChallengeNotFound = fault.New(fault.NotFound, "challenge-not-found")
	ErrChallengeExpired  = fault.New(fault.Invalid, "challenge-expired")
	ErrChallengeUsed     = fault.New(fault.Conflict, "challenge-used")
	// ErrSubjectMismatch: the certificate names someone else (another
	// name, or another SNILS). It never says which.
	ErrSubjectMismatch = fault.New(fault.Forbidden, "certificate-subject-mismatch")
	// ErrChanged: a write lost a race with another change of the account;
	// the flow re-reads and tries again.
	ErrChanged = fault.New(fault.Conflict, "signature-changed")
	ErrBusy    = fault.New(fault.Unavailable, "signature-busy")
)

// ChallengeSize is the number of random bytes the client signs.
const ChallengeSize = 32

// OutcomeConfirmed is what a challenge that confirmed the account records;
// a refused one records the refusal's slug.
const OutcomeConfirmed = "confirmed"

// Challenge is a one-time challenge of an account.
type Challenge struct {
	ID        string
	AccountID string
	Purpose   string // "" for the identity confirmation (Issue)
	Bytes     []byte // what the client signs, exactly
	CreatedAt time.Time
	ExpiresAt time.Time
	Used      bool // a submission spent it
}

// State is what a submission reads in one round trip: the challenge, the
// account, and the account's sealed profile (version 0: none).
type State struct {
	Challenge      Challenge
	Account        account.Account
	Profile        []byte
	ProfileVersion int64
}

// Proof is the record a confirmation leaves on its challenge: which
// certificate (by fingerprint) signed it, and when.
type Proof struct {
	AccountID   string
	ChallengeID string
	Fingerprint string // hex SHA-256 of the certificate's DER
	At          time.Time
}

// Store persists challenges.
type Store interface {
	// CreateSignatureChallenge writes a new challenge.
	CreateSignatureChallenge(ctx context.Context, c Challenge) error
	// SignatureState reads the challenge of the account, the account and
	// its sealed profile in one round trip: ErrChallengeNotFound.
	SignatureState(ctx context.Context, accountID, challengeID string) (State, error)
	// SpendSignatureChallenge marks an unspent challenge spent with the
	// outcome: ErrChallengeUsed when another submission spent it first.
	SpendSignatureChallenge(ctx context.Context, accountID, challengeID, outcome string, at time.Time) error
	// ConfirmSignature, in one transaction: spends the challenge (unspent
	// and unexpired at p.At) with the proof, and raises the account (still
	// standard, its event chain where c was sealed after).
	// ErrChallengeUsed when another submission spent the challenge,
	// ErrChanged when the account moved on.
	ConfirmSignature(ctx context.Context, p Proof, c account.Confirmation) error
}

// Verifier checks a detached CMS signature over content at a time and
// returns the verified signer, or a fault refusing it. internal/signature
// implements it for ECDSA and RSA; a GOST verifier implements it too.
type Verifier interface {
	Verify(cms, content []byte, at time.Time) (signature.Signer, error)
}

// Flow confirms identities by signature.
type Flow struct {
	Store    Store
	Verifier Verifier
	Opener   profile.Opener // opens the sealed profile (the patronymic)
	Sender   challenge.Sender
	Index    secret.Hasher // blind indexes: the certificate's SNILS against the account's
	TTL      time.Duration // SIGNATURE_CHALLENGE_TTL
	Now      func() time.Time
	Rand     io.Reader // crypto/rand.Reader in production
}
