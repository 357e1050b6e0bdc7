package cipher

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// KeySource yields the master secret, decoded.
type KeySource interface {
	Master(ctx context.Context) ([]byte, error)
}

// LoadKeys reads the master secret from src and derives the Keys from it.
func LoadKeys(ctx context.Context, src KeySource) (Keys, error) {
	master, err := src.Master(ctx)
	if err != nil {
		return Keys{}, fmt.Errorf("load master key: %w", err)
	}
	defer clear(master)
	return DeriveKeys(master)
}

// SecretGetter is the part of the Secrets Manager client SecretsManagerSource uses.
type SecretGetter interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

var _ SecretGetter = (*secretsmanager.Client)(nil)

// SecretsManagerSource reads the master secret from the SecretString of a
// Secrets Manager secret (AWS). See decodeMaster for the accepted forms.
type SecretsManagerSource struct {
	Client   SecretGetter
	SecretID string // name or ARN
}

// Master implements KeySource.
func (s SecretsManagerSource) Master(ctx context.Context) ([]byte, error) {
	out, err := s.Client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &s.SecretID})
	if err != nil {
		return nil, fmt.Errorf("get secret %s: %w", s.SecretID, err)
	}
	if out.SecretString == nil {
		return nil, fmt.Errorf("secret %s: %w", s.SecretID, ErrNoSecretString)
	}
	master, err := decodeMaster(*out.SecretString)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", s.SecretID, err)
	}
	return master, nil
}

// ErrNoSecretString reports a secret stored as SecretBinary only.
var ErrNoSecretString = errors.New("secret has no string value")

// FileSource reads the master secret from a local file holding the base64 of
// KeySize random bytes (make run, tests; see GenerateKeyFile).
type FileSource struct {
	Path string
}

// Master implements KeySource.
func (s FileSource) Master(context.Context) ([]byte, error) {
	b, err := os.ReadFile(s.Path)
	if err != nil {
		// The *PathError names the file and the operation, never its content.
		return nil, fmt.Errorf("read key file: %w", err)
	}
	defer clear(b)
	master, err := decodeMaster(string(b))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", s.Path, err)
	}
	return master, nil
}

// decodeMaster turns a stored secret into master bytes. The rule is fixed
// for good, because a different reading of the same secret would change
// every derived key and so every stored index and hash:
//   - surrounding white space is ignored;
//   - if the text is standard padded base64 decoding to ≥ KeySize bytes, the
//     decoded bytes are the master (GenerateKeyFile writes this form; a
//     64-character alphanumeric secret, as the template generates, is valid
//     base64 too and decodes to 48 bytes, losing no entropy);
//   - otherwise a text of ≥ 43 characters (the length of 32 bytes in base64)
//     is used as raw bytes;
//   - anything else is too short.
//
// Errors never contain the secret.
func decodeMaster(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := base64.StdEncoding.Strict().DecodeString(s); err == nil && len(b) >= KeySize {
		return b, nil
	}
	if len(s) >= 43 {
		return []byte(s), nil
	}
	return nil, ErrMasterTooShort
}

// GenerateKeyFile creates path with the base64 of KeySize crypto-random bytes,
// mode 0600, creating its directory (0700). An existing file is left
// untouched (O_EXCL), so make run may call it on every start.
func GenerateKeyFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create key directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	key := make([]byte, KeySize)
	_, _ = rand.Read(key) // never fails (crypto/rand, Go ≥ 1.24)
	text := base64.StdEncoding.EncodeToString(key) + "\n"
	clear(key)
	_, werr := f.WriteString(text)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(path) // never leave a half-written key behind for the next start
		return fmt.Errorf("write key file: %w", err)
	}
	return nil
}
