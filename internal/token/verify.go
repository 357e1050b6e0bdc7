package token

import (
	"crypto/ecdsa"
	"errors"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// DefaultLeeway is the clock skew NewVerifier allows on exp and iat; the
// issuing and verifying functions share AWS's synchronised clock.
const DefaultLeeway = 5 * time.Second

// MaxLeeway caps Verifier.Leeway.
const MaxLeeway = 30 * time.Second

// es256 is the one algorithm Verify accepts.
var es256 = []jose.SignatureAlgorithm{jose.ES256}

// Verifier checks access tokens. Keys maps a "kid" (KeyID) to its public
// key; a token is verified with the key its kid names and no other. An
// empty Issuer or Audience rejects every token. Now defaults to
// time.Now; Leeway is clamped to [0, MaxLeeway].
type Verifier struct {
	Keys             map[string]*ecdsa.PublicKey
	Issuer, Audience string
	Now              func() time.Time
	Leeway           time.Duration
}

// NewVerifier returns a Verifier for tokens from issuer to audience signed
// by one of keys, with DefaultLeeway. Keys that are not P-256 public keys
// are left out, so tokens they signed do not verify.
func NewVerifier(issuer, audience string, now func() time.Time, keys ...*ecdsa.PublicKey) *Verifier {
	v := &Verifier{Keys: make(map[string]*ecdsa.PublicKey, len(keys)), Issuer: issuer, Audience: audience, Now: now, Leeway: DefaultLeeway}
	for _, pub := range keys {
		if kid, err := KeyID(pub); err == nil {
			v.Keys[kid] = pub
		}
	}
	return v
}

// Verify checks token — size and form, algorithm ES256, kid, signature,
// iss, aud, exp, iat, nbf, and the presence of sub, sid, jti and a known
// lvl — and returns its claims. Every failure is ErrTokenExpired (a token
// that would be valid but for exp) or ErrTokenInvalid, with no detail.
func (v *Verifier) Verify(token string) (Claims, error) {
	if len(token) > MaxSize || !canonical(token) || v.Issuer == "" || v.Audience == "" {
		return Claims{}, invalid()
	}
	t, err := jwt.ParseSigned(token, es256)
	if err != nil || len(t.Headers) != 1 {
		return Claims{}, invalid()
	}
	h := t.Headers[0]
	key := v.Keys[h.KeyID]
	if h.Algorithm != string(jose.ES256) || h.ExtraHeaders[jose.HeaderType] != "JWT" || key == nil {
		return Claims{}, invalid()
	}
	var p payload
	if err := t.Claims(key, &p); err != nil {
		return Claims{}, invalid()
	}
	if p.Subject == "" || p.SessionID == "" || p.ID == "" || p.IssuedAt == nil || p.Expiry == nil || !validLevel(p.Level) {
		return Claims{}, invalid()
	}

	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	at, leeway := now(), min(max(v.Leeway, 0), MaxLeeway)
	err = p.Claims.ValidateWithLeeway(jwt.Expected{Issuer: v.Issuer, AnyAudience: jwt.Audience{v.Audience}, Time: at}, leeway)
	// go-jose still accepts a token at its exp instant; RFC 7519 §4.1.4
	// does not.
	if errors.Is(err, jwt.ErrExpired) || (err == nil && !at.Before(p.Expiry.Time().Add(leeway))) {
		return Claims{}, expired()
	}
	if err != nil {
		return Claims{}, invalid()
	}
	return Claims{
		Subject:   p.Subject,
		Level:     p.Level,
		Method:    p.Method,
		SessionID: p.SessionID,
		ID:        p.ID,
		IssuedAt:  p.IssuedAt.Time().UTC(),
		Expires:   p.Expiry.Time().UTC(),
	}, nil
}

// canonical reports whether token is three dot-separated segments of
// unpadded base64url in their canonical spelling, only the signature
// possibly empty (so that "alg":"none" reaches the algorithm check). go-jose's decoder skips
// line breaks and ignores the spare bits of the last character, so
// without this check one token would have many spellings.
func canonical(token string) bool {
	parts := 0
	for seg := range strings.SplitSeq(token, ".") {
		parts++
		if (len(seg) == 0 && parts != 3) || !canonicalSegment(seg) {
			return false
		}
	}
	return parts == 3
}

func canonicalSegment(seg string) bool {
	if len(seg)%4 == 1 {
		return false
	}
	var last byte
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case c >= 'A' && c <= 'Z':
			last = c - 'A'
		case c >= 'a' && c <= 'z':
			last = c - 'a' + 26
		case c >= '0' && c <= '9':
			last = c - '0' + 52
		case c == '-':
			last = 62
		case c == '_':
			last = 63
		default:
			return false
		}
	}
	switch len(seg) % 4 {
	case 2: // one byte: the last character's low 4 bits are spare
		return last&0x0f == 0
	case 3: // two bytes: 2 spare bits
		return last&0x03 == 0
	}
	return true
}
