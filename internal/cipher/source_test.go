package cipher

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

func TestDecodeMaster(t *testing.T) {
	t.Parallel()
	raw32 := bytes.Repeat([]byte{0xA5}, 32)
	alnum64 := strings.Repeat("aZ09", 16)
	alnum64Bytes, _ := base64.StdEncoding.DecodeString(alnum64)
	punct43 := strings.Repeat("k!", 21) + "x"
	tests := []struct {
		name    string
		in      string
		want    []byte
		wantErr error
	}{
		{"base64 of 32 bytes", base64.StdEncoding.EncodeToString(raw32), raw32, nil},
		{"base64 with newline", " " + base64.StdEncoding.EncodeToString(raw32) + "\n", raw32, nil},
		{"64 alphanumerics are base64", alnum64, alnum64Bytes, nil},
		{"43 characters, not base64, raw", punct43, []byte(punct43), nil},
		{"base64 of 24 bytes is too short", base64.StdEncoding.EncodeToString(raw32[:24]), nil, ErrMasterTooShort},
		{"42 characters", strings.Repeat("!", 42), nil, ErrMasterTooShort},
		{"empty", "", nil, ErrMasterTooShort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeMaster(tt.in)
			if !errors.Is(err, tt.wantErr) || !bytes.Equal(got, tt.want) {
				t.Errorf("decodeMaster(%q) = %x, %v, want %x, %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err != nil && tt.in != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.in)) {
				t.Errorf("decodeMaster error %q contains the secret", err)
			}
		})
	}
}

type fakeSecrets struct {
	value *string
	err   error
	gotID string
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.gotID = *in.SecretId
	if f.err != nil {
		return nil, f.err
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: f.value}, nil
}

func ptr(s string) *string { return &s }

func TestSecretsManagerSource(t *testing.T) {
	t.Parallel()
	const id = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:portalid-keys-AbCdEf"
	secret := "Xq7" + strings.Repeat("pL9mZ2", 10) + "a" // 64 characters, as the template generates
	wantMaster, _ := decodeMaster(secret)
	want, _ := DeriveKeys(wantMaster)
	errAccess := errors.New("AccessDeniedException")
	tests := []struct {
		name    string
		fake    *fakeSecrets
		wantErr error
	}{
		{"secret string", &fakeSecrets{value: ptr(secret)}, nil},
		{"binary only", &fakeSecrets{}, ErrNoSecretString},
		{"too short", &fakeSecrets{value: ptr("short-secret-CANARY")}, ErrMasterTooShort},
		{"client error", &fakeSecrets{err: errAccess}, errAccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := LoadKeys(context.Background(), SecretsManagerSource{Client: tt.fake, SecretID: id})
			if tt.fake.gotID != id {
				t.Errorf("SecretId = %q, want %q", tt.fake.gotID, id)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("LoadKeys = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), "CANARY") {
					t.Errorf("LoadKeys error %q contains the secret", err)
				}
				return
			}
			if !bytes.Equal(got.Index, want.Index) || !bytes.Equal(got.Code, want.Code) {
				t.Error("LoadKeys keys differ from DeriveKeys of the decoded secret")
			}
		})
	}
}

func TestFileSource(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	raw := bytes.Repeat([]byte{3}, KeySize)
	good := filepath.Join(dir, "good")
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(good, []byte(base64.StdEncoding.EncodeToString(raw)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(short, []byte("c2hvcnQ="), 0o600); err != nil {
		t.Fatal(err)
	}
	want, _ := DeriveKeys(raw)
	tests := []struct {
		name    string
		path    string
		wantErr error
	}{
		{"base64 file", good, nil},
		{"short file", short, ErrMasterTooShort},
		{"missing file", filepath.Join(dir, "missing"), fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := LoadKeys(context.Background(), FileSource{Path: tt.path})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("LoadKeys(%s) = %v, want %v", tt.name, err, tt.wantErr)
			}
			if err == nil && (!bytes.Equal(got.Index, want.Index) || !bytes.Equal(got.Code, want.Code)) {
				t.Error("LoadKeys keys differ from DeriveKeys of the file's bytes")
			}
		})
	}
}

func TestGenerateKeyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ".local", "keys", "master.key")
	if err := GenerateKeyFile(path); err != nil {
		t.Fatalf("GenerateKeyFile = %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %o, want 600", perm)
	}
	first, _ := os.ReadFile(path)
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(first)))
	if err != nil || len(raw) != KeySize {
		t.Fatalf("key file holds %d bytes (%v), want base64 of %d", len(raw), err, KeySize)
	}
	if bytes.Equal(raw, make([]byte, KeySize)) {
		t.Error("key file holds zero bytes, want random bytes")
	}

	if err := GenerateKeyFile(path); err != nil {
		t.Fatalf("second GenerateKeyFile = %v", err)
	}
	second, _ := os.ReadFile(path)
	if !bytes.Equal(first, second) {
		t.Error("second GenerateKeyFile replaced the existing key")
	}
	if _, err := LoadKeys(context.Background(), FileSource{Path: path}); err != nil {
		t.Errorf("LoadKeys of a generated file = %v", err)
	}

	other := filepath.Join(t.TempDir(), "other.key")
	if err := GenerateKeyFile(other); err != nil {
		t.Fatal(err)
	}
	if third, _ := os.ReadFile(other); bytes.Equal(first, third) {
		t.Error("two generated key files are equal")
	}
}
