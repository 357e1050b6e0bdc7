package cipher

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// ErrSealed reports a blob that does not open: tampered, truncated, bound
// to other data, or sealed under a key this deployment does not have.
var ErrSealed = errors.New("sealed data does not open")

// DataKeys is where data keys come from: KMS in AWS (GenerateDataKey and
// Decrypt), a local key-encryption key for make run and tests.
type DataKeys interface {
	// New returns a fresh 32-byte data key and the same key wrapped.
	New(ctx context.Context) (plain, wrapped []byte, err error)
	// Unwrap returns the data key inside wrapped.
	Unwrap(ctx context.Context, wrapped []byte) ([]byte, error)
}

// Envelope encrypts personal data (passport, SNILS, INN, addresses, birth
// date; SPEC §4) with AES-256-GCM under a data key, and stores the data key
// wrapped by KMS beside the ciphertext. One data key serves up to MaxUses
// seals or MaxAge, so a Lambda container calls KMS rarely; unwrapped keys
// are kept for Open in a small cache.
type Envelope struct {
	Keys    DataKeys
	MaxUses int
	MaxAge  time.Duration
	Now     func() time.Time

	mu      sync.Mutex
	current *dataKey
	opened  map[string][]byte // wrapped → plain, bounded by maxOpened
}

type dataKey struct {
	plain, wrapped []byte
	uses           int
	born           time.Time
}

const (
	blobVersion = 1
	maxOpened   = 256
	nonceSize   = 12
)

// Seal encrypts plain, bound to aad (say "account/<id>/snils"), so that a
// blob cannot be moved to another account or field. The blob is
// version | len(wrapped) | wrapped | nonce | ciphertext+tag.
func (e *Envelope) Seal(ctx context.Context, plain, aad []byte) ([]byte, error) {
	k, err := e.key(ctx)
	if err != nil {
		return nil, err
	}
	aead, err := gcm(k.plain)
	if err != nil {
		return nil, err
	}
	if len(k.wrapped) > 0xffff {
		return nil, errors.New("seal: wrapped key too long")
	}
	out := make([]byte, 0, 3+len(k.wrapped)+nonceSize+len(plain)+aead.Overhead())
	out = append(out, blobVersion)
	out = binary.BigEndian.AppendUint16(out, uint16(len(k.wrapped)))
	out = append(out, k.wrapped...)
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plain, aad), nil
}

// Open decrypts a blob Seal made with the same aad.
func (e *Envelope) Open(ctx context.Context, blob, aad []byte) ([]byte, error) {
	if len(blob) < 3 || blob[0] != blobVersion {
		return nil, ErrSealed
	}
	n := int(binary.BigEndian.Uint16(blob[1:3]))
	if len(blob) < 3+n+nonceSize {
		return nil, ErrSealed
	}
	wrapped, nonce, ct := blob[3:3+n], blob[3+n:3+n+nonceSize], blob[3+n+nonceSize:]
	plainKey, err := e.unwrap(ctx, wrapped)
	if err != nil {
		return nil, err
	}
	aead, err := gcm(plainKey)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, nonce, ct, aad)
	if err != nil {
		return nil, ErrSealed
	}
	return plain, nil
}

func (e *Envelope) key(ctx context.Context) (*dataKey, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	if k := e.current; k != nil && k.uses < e.maxUses() && now.Sub(k.born) < e.maxAge() {
		k.uses++
		return k, nil
	}
	plain, wrapped, err := e.Keys.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("new data key: %w", err)
	}
	e.current = &dataKey{plain: plain, wrapped: wrapped, uses: 1, born: now}
	e.remember(wrapped, plain)
	return e.current, nil
}

func (e *Envelope) unwrap(ctx context.Context, wrapped []byte) ([]byte, error) {
	e.mu.Lock()
	plain, ok := e.opened[string(wrapped)]
	e.mu.Unlock()
	if ok {
		return plain, nil
	}
	plain, err := e.Keys.Unwrap(ctx, wrapped)
	if err != nil {
		return nil, fmt.Errorf("unwrap data key: %w", err)
	}
	e.mu.Lock()
	e.remember(wrapped, plain)
	e.mu.Unlock()
	return plain, nil
}

// remember caches an unwrapped key; the caller holds mu. When full, the
// cache starts over: simple, and bounded.
func (e *Envelope) remember(wrapped, plain []byte) {
	if e.opened == nil || len(e.opened) >= maxOpened {
		e.opened = map[string][]byte{}
	}
	e.opened[string(wrapped)] = plain
}

func (e *Envelope) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Envelope) maxUses() int {
	if e.MaxUses > 0 {
		return e.MaxUses
	}
	return 10000
}

func (e *Envelope) maxAge() time.Duration {
	if e.MaxAge > 0 {
		return e.MaxAge
	}
	return time.Hour
}

func gcm(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, errors.New("data key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// KMSClient is the part of the KMS client the envelope uses.
type KMSClient interface {
	GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, opts ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
	Decrypt(ctx context.Context, in *kms.DecryptInput, opts ...func(*kms.Options)) (*kms.DecryptOutput, error)
}

// KMSDataKeys makes AES-256 data keys under a KMS key; the key ARN is part
// of every Decrypt, so a blob wrapped under another key never opens here.
type KMSDataKeys struct {
	Client KMSClient
	KeyID  string
}

// New implements DataKeys with kms:GenerateDataKey.
func (k KMSDataKeys) New(ctx context.Context) ([]byte, []byte, error) {
	out, err := k.Client.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(k.KeyID), KeySpec: kmstypes.DataKeySpecAes256})
	if err != nil {
		return nil, nil, err
	}
	return out.Plaintext, out.CiphertextBlob, nil
}

// Unwrap implements DataKeys with kms:Decrypt.
func (k KMSDataKeys) Unwrap(ctx context.Context, wrapped []byte) ([]byte, error) {
	out, err := k.Client.Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(k.KeyID), CiphertextBlob: wrapped})
	if err != nil {
		return nil, err
	}
	return out.Plaintext, nil
}

// LocalDataKeys wraps data keys with AES-256-GCM under a key-encryption key
// derived from the local master secret, for make run and tests.
type LocalDataKeys struct{ kek []byte }

// NewLocalDataKeys derives the key-encryption key from master.
func NewLocalDataKeys(master []byte) (LocalDataKeys, error) {
	if len(master) < KeySize {
		return LocalDataKeys{}, ErrMasterTooShort
	}
	kek, err := hkdf.Key(sha256.New, master, nil, "portalid/kek/v1", KeySize)
	if err != nil {
		return LocalDataKeys{}, err
	}
	return LocalDataKeys{kek: kek}, nil
}

// New implements DataKeys.
func (l LocalDataKeys) New(context.Context) ([]byte, []byte, error) {
	plain := make([]byte, KeySize)
	if _, err := rand.Read(plain); err != nil {
		return nil, nil, err
	}
	aead, err := gcm(l.kek)
	if err != nil {
		return nil, nil, err
	}
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	return plain, aead.Seal(nonce, nonce, plain, []byte("data-key")), nil
}

// Unwrap implements DataKeys.
func (l LocalDataKeys) Unwrap(_ context.Context, wrapped []byte) ([]byte, error) {
	aead, err := gcm(l.kek)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < nonceSize {
		return nil, ErrSealed
	}
	plain, err := aead.Open(nil, wrapped[:nonceSize], wrapped[nonceSize:], []byte("data-key"))
	if err != nil {
		return nil, ErrSealed
	}
	return plain, nil
}
