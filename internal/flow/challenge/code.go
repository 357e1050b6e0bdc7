package challenge

import (
	"io"
	"time"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/secret"
)

// Code is the latest code (or link token) sent to one contact. Only its
// keyed hash is stored; issuing a new one replaces it, so only the latest
// is valid.
type Code struct {
	Hash      []byte
	SentAt    time.Time
	ExpiresAt time.Time
	Attempts  int // attempts counted against this code
}

// Codes issues and checks codes and keeps the send limits, with the SPEC
// numbers of configuration.
type Codes struct {
	hashes secret.Hasher // hashes of codes and link tokens
	index  secret.Hasher // blind indexes of client addresses
	rand   io.Reader
	limits config.Registration
	sends  limit.Window
}

// New returns the code mechanics: hashes keys the stored code hashes, index
// the client-address counters, r is crypto/rand.Reader in production.
func New(hashes, index secret.Hasher, r io.Reader, limits config.Registration) Codes {
	return Codes{
		hashes: hashes, index: index, rand: r, limits: limits,
		sends: limit.Window{Limit: limits.SendLimit, Period: limits.SendWindow},
	}
}

// purposeIP is the blind-index purpose of client addresses.
const purposeIP = "client-ip"

// AddressKey is the counter log of the sends asked for from one client
// address (an IPv6 /64 counts as one address).
func (c Codes) AddressKey(clientIP string) string {
	return "send#ip#" + c.index.Index(purposeIP, limit.AddressBucket(clientIP))
}

// Take counts one send under each key (a key may repeat) and returns the
// logs to write, or ErrSendLimit with the time until every key allows it.
// Each log is written once, at the version it was read at plus one, so a
// concurrent send under the same key makes the write fail.
func (c Codes) Take(logs map[string]limit.Log, keys []string, now time.Time) ([]LogWrite, error) {
	next := map[string]limit.Log{}
	var order []string
	var wait time.Duration
	for _, k := range keys {
		l, ok := next[k]
		if !ok {
			l = logs[k]
			l.Key = k
			order = append(order, k)
		}
		n, retry, ok := c.sends.Take(l, now)
		if !ok {
			wait = max(wait, retry)
			continue
		}
		n.Version = logs[k].Version + 1
		next[k] = n
	}
	if wait > 0 {
		return nil, fault.Limited(ErrSendLimit.Slug, wait)
	}
	writes := make([]LogWrite, len(order))
	for i, k := range order {
		writes[i] = LogWrite{Log: next[k], Expires: c.sends.Expires(next[k])}
	}
	return writes, nil
}

// Cooldown refuses a new send before the minimum interval after the last.
func (c Codes) Cooldown(code Code, now time.Time) error {
	if wait := c.ResendAfter(code).Sub(now); wait > 0 {
		return fault.Limited(ErrResendTooSoon.Slug, wait)
	}
	return nil
}

// ResendAfter is when the next send may be asked for.
func (c Codes) ResendAfter(code Code) time.Time { return code.SentAt.Add(c.limits.ResendMinInterval) }

// TTL is how long a 6-digit code is valid.
func (c Codes) TTL() time.Duration { return c.limits.SMSCodeTTL }

// Issue draws a fresh 6-digit code bound to the flow item id, valid for
// the code lifetime. It returns the digits for sending and the Code to
// store, which holds only their keyed hash.
func (c Codes) Issue(purpose, id string, now time.Time) (string, Code, error) {
	d, err := secret.NewCode(c.rand)
	if err != nil {
		return "", Code{}, err
	}
	return d.Reveal(), c.code(purpose, id, d.Reveal(), now, c.limits.SMSCodeTTL), nil
}

// IssueToken draws a fresh link token bound to id, valid for the e-mail
// link lifetime, and returns it with the Code to store.
func (c Codes) IssueToken(purpose, id string, now time.Time) (string, Code, error) {
	t, err := secret.NewToken(c.rand)
	if err != nil {
		return "", Code{}, err
	}
	return t.Reveal(), c.code(purpose, id, t.Reveal(), now, c.limits.EmailLinkTTL), nil
}

func (c Codes) code(purpose, id, clear string, now time.Time, ttl time.Duration) Code {
	return Code{Hash: c.sum(purpose, id, clear), SentAt: now, ExpiresAt: now.Add(ttl)}
}

// The hash binds the code to its flow item, so a code is worth nothing
// on any other.
func (c Codes) sum(purpose, id, clear string) []byte { return c.hashes.Sum(purpose, id+":"+clear) }

// MaxAttempts is how many attempts one code allows.
func (c Codes) MaxAttempts() int { return c.limits.CodeMaxAttempts }

// Admit decides whether an attempt may be compared at all: it must have
// been counted (the store counts before anyone compares, and refuses to
// count past MaxAttempts) and the code must not have expired.
func (c Codes) Admit(code Code, counted bool, now time.Time) error {
	switch {
	case !counted:
		return ErrAttemptsExhausted
	case !now.Before(code.ExpiresAt):
		return ErrCodeExpired
	}
	return nil
}

// Matches reports, in constant time, whether clear is the code.
func (c Codes) Matches(code Code, purpose, id, clear string) bool {
	return secret.Equal(c.sum(purpose, id, clear), code.Hash)
}

// Missed is the answer to a wrong attempt: mismatch, or ErrAttemptsExhausted
// when that was the last attempt the code allowed.
func (c Codes) Missed(code Code, mismatch error) error {
	if code.Attempts >= c.limits.CodeMaxAttempts {
		return ErrAttemptsExhausted
	}
	return mismatch
}

// Check is Admit, Matches and Missed for a code that is the whole proof.
func (c Codes) Check(code Code, purpose, id, clear string, counted bool, now time.Time) error {
	if err := c.Admit(code, counted, now); err != nil {
		return err
	}
	if !c.Matches(code, purpose, id, clear) {
		return c.Missed(code, ErrCodeMismatch)
	}
	return nil
}
