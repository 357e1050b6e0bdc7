package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// errKeyNotP256 is returned for a key that is nil, on another curve, or
// not a point of P-256.
var errKeyNotP256 = errors.New("not an ECDSA P-256 public key")

// checkKey reports whether pub is a usable P-256 public key.
func checkKey(pub *ecdsa.PublicKey) error {
	if pub == nil || pub.Curve != elliptic.P256() {
		return errKeyNotP256
	}
	//lint:ignore SA1019 only read, because Bytes panics on nil coordinates.
	if pub.X == nil || pub.Y == nil {
		return errKeyNotP256
	}
	if _, err := pub.Bytes(); err != nil { // also checks the point is on the curve
		return errKeyNotP256
	}
	return nil
}

// jwk is pub as a JSON Web Key for signing access tokens.
func jwk(pub *ecdsa.PublicKey) jose.JSONWebKey {
	return jose.JSONWebKey{Key: pub, Algorithm: string(jose.ES256), Use: "sig"}
}

// KeyID returns pub's "kid": the base64url (unpadded) RFC 7638 SHA-256
// thumbprint of its JWK, which anyone holding the JWKS can recompute.
func KeyID(pub *ecdsa.PublicKey) (string, error) {
	if err := checkKey(pub); err != nil {
		return "", fmt.Errorf("key id: %w", err)
	}
	k := jwk(pub)
	sum, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("key id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

// JWKS returns the JSON Web Key Set that publishes keys for verifiers:
// {"keys":[{"kty":"EC","crv":"P-256","x","y","kid","alg":"ES256","use":"sig"}]}.
// A key given twice is listed once; during a rotation pass the old and the
// new key.
func JWKS(keys ...*ecdsa.PublicKey) ([]byte, error) {
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(keys))}
	seen := make(map[string]bool, len(keys))
	for i, pub := range keys {
		kid, err := KeyID(pub)
		if err != nil {
			return nil, fmt.Errorf("jwks key %d: %w", i, err)
		}
		if seen[kid] {
			continue
		}
		seen[kid] = true
		k := jwk(pub)
		k.KeyID = kid
		set.Keys = append(set.Keys, k)
	}
	b, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("marshal jwks: %w", err)
	}
	return b, nil
}
