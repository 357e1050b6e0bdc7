package cipher

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
)

func localEnvelope(t *testing.T) *Envelope {
	t.Helper()
	keys, err := NewLocalDataKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &Envelope{Keys: keys}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := localEnvelope(t)
	aad := []byte("account/a1/snils")
	blob, err := e.Seal(ctx, []byte("11223344595"), aad)
	if err != nil {
		t.Fatalf("Seal() error = %v", err)
	}
	if bytes.Contains(blob, []byte("11223344595")) {
		t.Fatalf("Seal() output contains the plaintext")
	}
	// Another instance with the same master opens it (a cold start).
	got, err := localEnvelope(t).Open(ctx, blob, aad)
	if err != nil || string(got) != "11223344595" {
		t.Fatalf("Open() = %q, %v; want the plaintext", got, err)
	}
	tests := []struct {
		name string
		blob []byte
		aad  []byte
	}{
		{"other field", blob, []byte("account/a1/passport")},
		{"other account", blob, []byte("account/a2/snils")},
		{"flipped byte", flip(blob, len(blob)-1), aad},
		{"flipped key byte", flip(blob, 5), aad},
		{"truncated", blob[:len(blob)-3], aad},
		{"empty", nil, aad},
		{"wrong version", flip(blob, 0), aad},
	}
	for _, tt := range tests {
		if _, err := e.Open(ctx, tt.blob, tt.aad); err == nil {
			t.Errorf("Open(%s) = nil error, want a failure", tt.name)
		}
	}
	otherMaster, _ := NewLocalDataKeys(bytes.Repeat([]byte{8}, 32))
	if _, err := (&Envelope{Keys: otherMaster}).Open(ctx, blob, aad); !errors.Is(err, ErrSealed) {
		t.Errorf("Open() under another master = %v, want %v", err, ErrSealed)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

// fakeKMS wraps with a local key and counts calls.
type fakeKMS struct {
	local             LocalDataKeys
	generate, decrypt atomic.Int32
}

func (f *fakeKMS) GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, _ ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error) {
	f.generate.Add(1)
	p, w, err := f.local.New(ctx)
	return &kms.GenerateDataKeyOutput{Plaintext: p, CiphertextBlob: w, KeyId: in.KeyId}, err
}

func (f *fakeKMS) Decrypt(ctx context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	f.decrypt.Add(1)
	p, err := f.local.Unwrap(ctx, in.CiphertextBlob)
	return &kms.DecryptOutput{Plaintext: p}, err
}

func TestEnvelopeKMSCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	local, _ := NewLocalDataKeys(bytes.Repeat([]byte{9}, 32))
	fake := &fakeKMS{local: local}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := &Envelope{Keys: KMSDataKeys{Client: fake, KeyID: "k"}, MaxUses: 3, MaxAge: time.Hour, Now: func() time.Time { return now }}
	var blobs [][]byte
	for range 7 {
		b, err := e.Seal(ctx, []byte("x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		blobs = append(blobs, b)
	}
	if got := fake.generate.Load(); got != 3 {
		t.Errorf("7 seals at 3 uses per key made %d data keys, want 3", got)
	}
	now = now.Add(2 * time.Hour)
	if _, err := e.Seal(ctx, []byte("x"), nil); err != nil || fake.generate.Load() != 4 {
		t.Errorf("a seal after MaxAge made %d data keys in all, want 4", fake.generate.Load())
	}
	cold := &Envelope{Keys: KMSDataKeys{Client: fake, KeyID: "k"}}
	for _, b := range blobs {
		if _, err := cold.Open(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := fake.decrypt.Load(); got != 3 {
		t.Errorf("opening 7 blobs under 3 data keys called Decrypt %d times, want 3", got)
	}
}

func FuzzEnvelopeOpen(f *testing.F) {
	keys, _ := NewLocalDataKeys(bytes.Repeat([]byte{7}, 32))
	e := &Envelope{Keys: keys}
	good, _ := e.Seal(context.Background(), []byte("secret"), []byte("aad"))
	f.Add(good)
	f.Add([]byte{1, 0, 0})
	f.Fuzz(func(t *testing.T, blob []byte) {
		// Only blobs Seal made (here: of "secret") open; any other input,
		// however close, fails, since GCM authenticates the wrapped key,
		// the nonce and the ciphertext.
		if plain, err := e.Open(context.Background(), blob, []byte("aad")); err == nil && string(plain) != "secret" {
			t.Errorf("Open() accepted a forged blob")
		}
	})
}
