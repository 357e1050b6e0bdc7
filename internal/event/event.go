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

// Verify checks a chain given oldest first, starting from the first event
// of the account. It returns the sequence number of the first event that
// does not fit (changed, missing or out of order), or 0 when the chain is
// intact.
func Verify(events []Event) (brokenAt int64) {
	var head Head
	for _, e := range events {
		if e.Seq != head.Seq+1 || !equal(e.PrevHash, head.Hash) || !equal(e.Hash, digest(e)) {
			return head.Seq + 1
		}
		head = Head{Seq: e.Seq, Hash: e.Hash}
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
