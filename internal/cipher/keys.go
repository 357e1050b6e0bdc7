// Package cipher holds the application's secret keys: the HMAC keys of the
// blind indexes and of the code hashes, derived from one master secret, and
// the envelope encryption of personal data (AES-256-GCM under KMS data
// keys). Key material never appears in an error, a log line or a formatted
// value.
package cipher

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
)

// KeySize is the length in bytes of every derived key and the minimum length
// of the master secret.
const KeySize = 32

// The HKDF info strings: one per purpose, so a key for one purpose says
// nothing about another. Changing one changes every stored index or hash.
const (
	infoIndex = "portalid/index/v1"
	infoCode  = "portalid/code/v1"
)

// ErrMasterTooShort reports a master secret shorter than KeySize bytes.
var ErrMasterTooShort = errors.New("master key too short")

// Keys are the derived secret keys. Formatting, logging or marshalling a
// Keys value prints "[redacted]".
type Keys struct {
	Index []byte // HMAC-SHA256 key of the blind indexes (phone, e-mail, SNILS lookups)
	Code  []byte // HMAC-SHA256 key of the stored code and token hashes
}

// DeriveKeys derives Keys from the master secret with HKDF-SHA256 (no salt;
// the master is already uniformly random) and one info string per purpose.
// The same master always gives the same keys.
func DeriveKeys(master []byte) (Keys, error) {
	if len(master) < KeySize {
		return Keys{}, fmt.Errorf("derive keys: %w (need %d bytes)", ErrMasterTooShort, KeySize)
	}
	index, err := hkdf.Key(sha256.New, master, nil, infoIndex, KeySize)
	if err != nil {
		return Keys{}, fmt.Errorf("derive index key: %w", err)
	}
	code, err := hkdf.Key(sha256.New, master, nil, infoCode, KeySize)
	if err != nil {
		return Keys{}, fmt.Errorf("derive code key: %w", err)
	}
	return Keys{Index: index, Code: code}, nil
}

// Format prints "[redacted]" for every verb, so %v, %+v, %#v, %x and %s of
// Keys (or of a struct holding it) never show key material.
func (Keys) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// String returns "[redacted]".
func (Keys) String() string { return redacted }

// LogValue returns "[redacted]".
func (Keys) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON returns the JSON string "[redacted]".
func (Keys) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

const redacted = "[redacted]"
