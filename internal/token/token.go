// Package token issues and verifies the short-lived signed access tokens
// of a session (SPEC §2.2): compact JWTs signed with ES256, whose public
// keys are published as a JWKS. Signing goes through a Signer, so the
// private key may live in KMS and never reach the process.
package token

import (
	"context"
	"crypto/ecdsa"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
)

// MaxSize is the longest token Verify parses; longer input is refused
// before any decoding.
const MaxSize = 4 << 10

// The faults of Verify. Every rejection is one of them; they carry the
// slug only, never the token or its claims.
var (
	ErrTokenInvalid = fault.New(fault.Unauthenticated, "token-invalid")
	ErrTokenExpired = fault.New(fault.Unauthenticated, "token-expired")
)

// Fresh values, so that no caller can change the sentinels.
func invalid() error { return fault.New(fault.Unauthenticated, ErrTokenInvalid.Slug) }
func expired() error { return fault.New(fault.Unauthenticated, ErrTokenExpired.Slug) }

// Claims of an access token.
type Claims struct {
	Subject   string    // account id ("sub")
	Level     string    // "simplified", "standard" or "confirmed" ("lvl")
	Method    string    // confirmation method, may be "" ("cm")
	SessionID string    // refresh-token family id ("sid")
	ID        string    // unique token id ("jti")
	IssuedAt  time.Time // "iat", whole seconds, UTC
	Expires   time.Time // "exp", whole seconds, UTC
}

// Signer signs a SHA-256 digest with an ECDSA P-256 key and returns the
// raw 64-byte r||s signature (the JWS form).
type Signer interface {
	// KeyID returns the key's "kid": its RFC 7638 thumbprint (KeyID).
	KeyID() string
	Public() *ecdsa.PublicKey
	Sign(ctx context.Context, digest []byte) ([]byte, error)
}

// validLevel reports whether l is one of the account levels.
func validLevel(l string) bool {
	switch account.Level(l) {
	case account.Simplified, account.Standard, account.Confirmed:
		return true
	}
	return false
}
