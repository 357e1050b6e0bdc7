package token

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// payload is the JSON body of an access token.
type payload struct {
	jwt.Claims
	Level     string `json:"lvl"`
	Method    string `json:"cm,omitempty"`
	SessionID string `json:"sid"`
}

// Issuer signs access tokens. TTL is the token lifetime (SPEC §2.2: 15 min,
// from config); Now defaults to time.Now.
type Issuer struct {
	Signer           Signer
	Issuer, Audience string
	TTL              time.Duration
	Now              func() time.Time
}

// Issue signs an access token for c. It sets IssuedAt from Now and Expires
// from TTL (both in whole seconds, as JWT carries them), draws a random ID
// when c.ID is empty, and returns the token and its expiry. The header is
// {"alg":"ES256","kid":…,"typ":"JWT"}.
func (i *Issuer) Issue(ctx context.Context, c Claims) (token string, exp time.Time, err error) {
	if err := i.check(c); err != nil {
		return "", time.Time{}, fmt.Errorf("issue token: %w", err)
	}
	if c.ID == "" {
		if c.ID, err = newID(); err != nil {
			return "", time.Time{}, fmt.Errorf("issue token: %w", err)
		}
	}
	now := time.Now
	if i.Now != nil {
		now = i.Now
	}
	iat := now().UTC().Truncate(time.Second)
	exp = iat.Add(i.TTL).Truncate(time.Second)

	key := jose.SigningKey{Algorithm: jose.ES256, Key: &opaque{ctx: ctx, signer: i.Signer}}
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue token: %w", err)
	}
	token, err = jwt.Signed(signer).Claims(payload{
		Claims: jwt.Claims{
			Issuer:   i.Issuer,
			Subject:  c.Subject,
			Audience: jwt.Audience{i.Audience},
			Expiry:   jwt.NewNumericDate(exp),
			IssuedAt: jwt.NewNumericDate(iat),
			ID:       c.ID,
		},
		Level:     c.Level,
		Method:    c.Method,
		SessionID: c.SessionID,
	}).Serialize()
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue token %s: %w", c.ID, err)
	}
	return token, exp, nil
}

// check refuses to sign what Verify would reject.
func (i *Issuer) check(c Claims) error {
	switch {
	case i.Signer == nil || i.Signer.KeyID() == "" || checkKey(i.Signer.Public()) != nil:
		return errors.New("no usable signer")
	case i.Issuer == "" || i.Audience == "":
		return errors.New("issuer and audience required")
	case i.TTL < time.Second:
		return errors.New("ttl below one second")
	case c.Subject == "" || c.SessionID == "":
		return errors.New("subject and session id required")
	case !validLevel(c.Level):
		return errors.New("unknown level")
	}
	return nil
}

// newID returns a random token id: 128 bits, base64url.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random token id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// opaque lets go-jose sign through a Signer. go-jose's OpaqueSigner has
// no context, so one is made per Issue call and carries the call's ctx.
type opaque struct {
	ctx    context.Context
	signer Signer
}

var _ jose.OpaqueSigner = (*opaque)(nil)

func (o *opaque) Public() *jose.JSONWebKey {
	k := jwk(o.signer.Public())
	k.KeyID = o.signer.KeyID()
	return &k
}

func (o *opaque) Algs() []jose.SignatureAlgorithm { return []jose.SignatureAlgorithm{jose.ES256} }

func (o *opaque) SignPayload(payload []byte, alg jose.SignatureAlgorithm) ([]byte, error) {
	if alg != jose.ES256 {
		return nil, jose.ErrUnsupportedAlgorithm
	}
	digest := sha256.Sum256(payload)
	sig, err := o.signer.Sign(o.ctx, digest[:])
	if err != nil {
		return nil, fmt.Errorf("sign with key %s: %w", o.signer.KeyID(), err)
	}
	if len(sig) != sigSize {
		return nil, fmt.Errorf("sign with key %s: signature of %d bytes, want %d", o.signer.KeyID(), len(sig), sigSize)
	}
	return sig, nil
}
