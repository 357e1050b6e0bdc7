// Package idempotency makes a retried create request return the first
// answer instead of creating twice: the first request with a key claims
// it, and its response is kept for replay (SPEC §3, Idempotency-Key).
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/portalid/portalid/internal/fault"
)

// The outcomes a client can meet.
var (
	ErrKeyInvalid = fault.New(fault.Invalid, "idempotency-key-invalid")
	ErrKeyReused  = fault.New(fault.Conflict, "idempotency-key-reused")
	ErrInProgress = fault.New(fault.Conflict, "idempotency-request-in-progress")
)

// Response is a stored answer: enough to replay it byte for byte.
type Response struct {
	Status      int
	ContentType string
	Body        string
	// Location is the created resource's URL, when the answer named one.
	Location string
}

// Record is the state of one key.
type Record struct {
	Fingerprint []byte
	Done        bool
	Response    Response
}

// Store keeps records. Claim writes a new, unfinished record unless one
// exists, and returns the existing one (claimed false) if so.
type Store interface {
	Claim(ctx context.Context, id string, fingerprint []byte, now, expires time.Time) (existing Record, claimed bool, err error)
	Finish(ctx context.Context, id string, res Response, expires time.Time) error
	Release(ctx context.Context, id string) error
}

// DefaultTTL is how long an answer is replayed: a day covers any client
// retry loop, and Stripe and the IETF draft use the same order.
const DefaultTTL = 24 * time.Hour

// Keeper applies the rules over a store.
type Keeper struct {
	Store Store
	TTL   time.Duration // how long an answer is replayed
	Now   func() time.Time
}

// Key checks a client's Idempotency-Key: 1 to 255 printable ASCII
// characters, as the IETF draft and common practice allow.
func Key(k string) error {
	if len(k) == 0 || len(k) > 255 {
		return ErrKeyInvalid
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return ErrKeyInvalid
		}
	}
	return nil
}

// Do runs fn once per (scope, key). A repeat with the same request gets
// the stored answer; with a different request, ErrKeyReused; while the
// first is still running, ErrInProgress. Answers that invite a retry
// (rate limits and server faults) are not kept, so the retry runs again;
// until an answer is kept, the claim holds the key for the request's
// lease only (MaxLease).
func (k *Keeper) Do(ctx context.Context, scope, key string, request []byte, fn func() Response) (Response, error) {
	if err := Key(key); err != nil {
		return Response{}, err
	}
	id := digest([]byte(scope + "\x00" + key))
	fp := digest(append([]byte(scope+"\x00"), request...))
	now := k.Now()
	rec, claimed, err := k.Store.Claim(ctx, id, []byte(fp), now, now.Add(lease(ctx)))
	if err != nil {
		return Response{}, err
	}
	if !claimed {
		switch {
		case !bytes.Equal(rec.Fingerprint, []byte(fp)):
			return Response{}, ErrKeyReused
		case !rec.Done:
			return Response{}, ErrInProgress
		}
		return rec.Response, nil
	}
	res := fn()
	if res.Status == 429 || res.Status >= 500 {
		return res, k.Store.Release(ctx, id)
	}
	return res, k.Store.Finish(ctx, id, res, now.Add(k.TTL))
}

// MaxLease bounds how long an unfinished claim holds its key: longer than
// any request runs (API Gateway gives up after 30 s, the functions after
// 10 s). A request that could neither finish nor release its claim (the
// table failing after its own answer was a 503) leaves the key in
// progress only that long; Finish then keeps the answer for the TTL.
const MaxLease = 30 * time.Second

// lease is how long a claim made under ctx holds: until the request's
// deadline (the Lambda invocation's) and a second for the TTL's whole
// seconds, at most MaxLease.
func lease(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return min(time.Until(d)+time.Second, MaxLease)
	}
	return MaxLease
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
