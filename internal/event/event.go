// Package event holds the security events of an account (SPEC §2.2) and
// their hash chain: every event stores the hash of the one before, so a
// changed, removed or reordered event is detectable.
package event

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"time"
)

// Kind names what happened.
type Kind string

// The kinds of security event SPEC §2.2 lists.
const (
	AccountCreated      Kind = "account-created"
	Login               Kind = "login"
	LoginFailed         Kind = "login-failed"
	Lockout             Kind = "lockout"
	Logout              Kind = "logout"
	LogoutEverywhere    Kind = "logout-everywhere"
	SessionReuse        Kind = "refresh-token-reuse"
	PasswordChanged     Kind = "password-changed"
	PasswordReset       Kind = "password-reset"
	ContactChanged      Kind = "contact-changed"
	SecurityQuestionSet Kind = "security-question-set"
	LevelChanged        Kind = "level-changed"
	CodeRequested       Kind = "code-requested"
	LetterOrdered       Kind = "letter-ordered"
	OperatorAction      Kind = "operator-action"
	NotMe               Kind = "not-me"
)

// The kinds of the organisations' audit events (SPEC §2.5): each is
// chained in the organisation's own chain and in that of every person
// whose membership it changes.
const (
	OrganisationCreated       Kind = "organisation-created"
	OrganisationMemberAdded   Kind = "organisation-member-added"
	OrganisationMemberRemoved Kind = "organisation-member-removed"
)

// Event is one security event. Details hold identifiers and outcomes
// only (a level, a method, a session id), never personal data or secrets.
type Event struct {
	AccountID string
	Seq       int64 // 1 for the first event of an account
	Kind      Kind
	At        time.Time
	IP        string
	UserAgent string
	Details   map[string]string
	PrevHash  []byte
	Hash      []byte
}

// Head is the end of an account's chain: the last sequence number and
// hash. The zero Head starts a chain.
type Head struct {
	Seq  int64
	Hash []byte
}

// Seal links e after head: it sets Seq, PrevHash and Hash, and returns
// the event and the new head.
func Seal(head Head, e Event) (Event, Head) {
	e.Seq = head.Seq + 1
	e.PrevHash = slices.Clone(head.Hash)
	e.Hash = digest(e)
	return e, Head{Seq: e.Seq, Hash: e.Hash}
}

// Verify checks the retained events of an account, oldest first, against
// the head stored on the account. Events may have been dropped from the
// old end by retention, so the first retained event's link backwards is
// taken as given (unless it is the very first event, which links to
// nothing); every later link, every hash, the numbering and the match
// with the head are checked. It returns the sequence number where the
// chain first breaks, or 0 when it is intact.
func Verify(events []Event, head Head) (brokenAt int64) {
	if len(events) == 0 {
		if head.Seq == 0 {
			return 0
		}
		return 1
	}
	prev := Head{Seq: events[0].Seq - 1, Hash: events[0].PrevHash}
	if prev.Seq == 0 && len(prev.Hash) != 0 {
		return 1
	}
	for _, e := range events {
		if e.Seq != prev.Seq+1 || !equal(e.PrevHash, prev.Hash) || !equal(e.Hash, digest(e)) {
			return prev.Seq + 1
		}
		prev = Head{Seq: e.Seq, Hash: e.Hash}
	}
	if prev.Seq != head.Seq || !equal(prev.Hash, head.Hash) {
		return prev.Seq + 1
	}
	return 0
}

// digest is SHA-256 over an unambiguous encoding of every field but Hash:
// each field length-prefixed, details in key order.
func digest(e Event) []byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	field(n[:])
	field([]byte(e.AccountID))
	field([]byte(e.Kind))
	binary.BigEndian.PutUint64(n[:], uint64(e.At.UnixMilli()))
	field(n[:])
	field([]byte(e.IP))
	field([]byte(e.UserAgent))
	keys := make([]string, 0, len(e.Details))
	for k := range e.Details {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	binary.BigEndian.PutUint64(n[:], uint64(len(keys)))
	field(n[:])
	for _, k := range keys {
		field([]byte(k))
		field([]byte(e.Details[k]))
	}
	field(e.PrevHash)
	return h.Sum(nil)
}

func equal(a, b []byte) bool { return slices.Equal(a, b) }

// Append is a batch of sealed events for one account, to be written in
// the same transaction as the change they record, on the condition that
// the account's chain still ends at Head.
type Append struct {
	AccountID string
	Head      Head
	Events    []Event
}

// Origin is where a request came from, recorded with its events.
type Origin struct {
	IP        string
	UserAgent string
}

// Chain seals one event of each kind after head, all at the same time
// and from the same origin, with the same details.
func Chain(accountID string, head Head, at time.Time, o Origin, details map[string]string, kinds ...Kind) Append {
	ap := Append{AccountID: accountID, Head: head}
	for _, k := range kinds {
		var e Event
		e, head = Seal(head, Event{AccountID: accountID, Kind: k, At: at, IP: o.IP, UserAgent: truncate(o.UserAgent, 256), Details: details})
		ap.Events = append(ap.Events, e)
	}
	return ap
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
