package token

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/fault"
)

const testKeyARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// fakeKMS signs with a real ECDSA key and answers like KMS: the public key
// as PKIX DER, signatures as ASN.1 DER. It records the Sign inputs.
type fakeKMS struct {
	key      *ecdsa.PrivateKey
	pubDER   []byte // overrides the public key when set
	spec     types.KeySpec
	usage    types.KeyUsageType
	getErr   error
	signErr  error
	sigDER   []byte // overrides the signature when set
	mu       sync.Mutex
	signedBy []string
	inputs   []kms.SignInput
}

func newFakeKMS(t testing.TB) *fakeKMS {
	return &fakeKMS{key: newKey(t), spec: types.KeySpecEccNistP256, usage: types.KeyUsageTypeSignVerify}
}

func (f *fakeKMS) GetPublicKey(ctx context.Context, in *kms.GetPublicKeyInput, _ ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	if f.getErr != nil {
		return nil, f.getErr
	}
	der := f.pubDER
	if der == nil {
		var err error
		if der, err = x509.MarshalPKIXPublicKey(&f.key.PublicKey); err != nil {
			return nil, err
		}
	}
	return &kms.GetPublicKeyOutput{
		KeyId: aws.String(testKeyARN), KeySpec: f.spec, KeyUsage: f.usage, PublicKey: der,
		SigningAlgorithms: []types.SigningAlgorithmSpec{types.SigningAlgorithmSpecEcdsaSha256},
	}, nil
}

func (f *fakeKMS) Sign(ctx context.Context, in *kms.SignInput, _ ...func(*kms.Options)) (*kms.SignOutput, error) {
	f.mu.Lock()
	f.inputs = append(f.inputs, *in)
	f.mu.Unlock()
	if f.signErr != nil {
		return nil, f.signErr
	}
	if in.MessageType != types.MessageTypeDigest || in.SigningAlgorithm != types.SigningAlgorithmSpecEcdsaSha256 {
		return nil, &types.InvalidKeyUsageException{Message: aws.String("wrong algorithm")}
	}
	if f.sigDER != nil {
		return &kms.SignOutput{Signature: f.sigDER}, nil
	}
	der, err := ecdsa.SignASN1(rand.Reader, f.key, in.Message)
	if err != nil {
		return nil, err
	}
	return &kms.SignOutput{KeyId: in.KeyId, Signature: der, SigningAlgorithm: in.SigningAlgorithm}, nil
}

func TestKMSSignerRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFakeKMS(t)
	s, err := NewKMSSigner(context.Background(), f, "alias/portalid-access-token")
	if err != nil {
		t.Fatalf("NewKMSSigner = %v", err)
	}
	if !s.Public().Equal(&f.key.PublicKey) {
		t.Errorf("NewKMSSigner(…).Public() = another key, want the KMS key")
	}
	if got, want := s.KeyID(), mustKeyID(t, &f.key.PublicKey); got != want {
		t.Errorf("NewKMSSigner(…).KeyID() = %q, want %q", got, want)
	}
	// Many signatures, so that short r or s (left-padded) occur too.
	v := newVerifierAt(t0, s.Public())
	for n := range 64 {
		c := baseClaims()
		c.ID = fmt.Sprintf("jti-%d", n)
		tok := mustIssue(t, newIssuer(s), c)
		got, err := v.Verify(tok)
		if err != nil {
			t.Fatalf("Verify(KMS token %d) = %v, want nil", n, err)
		}
		if got.ID != c.ID {
			t.Errorf("Verify(KMS token %d).ID = %q, want %q", n, got.ID, c.ID)
		}
	}
	in := f.inputs[0]
	want := kms.SignInput{KeyId: aws.String(testKeyARN), Message: in.Message, MessageType: types.MessageTypeDigest, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256}
	if diff := cmp.Diff(want, in, cmp.AllowUnexported(kms.SignInput{})); diff != "" {
		t.Errorf("kms Sign input mismatch (-want +got):\n%s", diff)
	}
	if len(in.Message) != 32 {
		t.Errorf("kms Sign message = %d bytes, want a 32-byte digest", len(in.Message))
	}
}

func apiError(code string) error { return &smithy.GenericAPIError{Code: code, Message: "test"} }

func TestNewKMSSignerRejects(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	rsaDER, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384DER, _ := x509.MarshalPKIXPublicKey(&p384.PublicKey)
	tests := []struct {
		name      string
		setup     func(*fakeKMS)
		wantFault error
	}{
		{name: "symmetric key", setup: func(f *fakeKMS) { f.spec, f.usage = types.KeySpecSymmetricDefault, types.KeyUsageTypeEncryptDecrypt }},
		{name: "P-256 for key agreement", setup: func(f *fakeKMS) { f.usage = types.KeyUsageTypeKeyAgreement }},
		{name: "secp256k1", setup: func(f *fakeKMS) { f.spec = types.KeySpecEccSecgP256k1 }},
		{name: "RSA public key", setup: func(f *fakeKMS) { f.pubDER = rsaDER }},
		{name: "P-384 public key", setup: func(f *fakeKMS) { f.pubDER = p384DER }},
		{name: "garbage public key", setup: func(f *fakeKMS) { f.pubDER = []byte("garbage") }},
		{name: "access denied", setup: func(f *fakeKMS) { f.getErr = apiError("AccessDeniedException") }},
		{name: "not found", setup: func(f *fakeKMS) { f.getErr = &types.NotFoundException{Message: aws.String("no key")} }},
		{name: "throttled", setup: func(f *fakeKMS) { f.getErr = apiError("ThrottlingException") }, wantFault: ErrSignerUnavailable},
		{name: "deadline", setup: func(f *fakeKMS) { f.getErr = fmt.Errorf("op: %w", context.DeadlineExceeded) }, wantFault: ErrSignerUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeKMS(t)
			tt.setup(f)
			s, err := NewKMSSigner(context.Background(), f, "alias/k")
			if err == nil {
				t.Fatalf("NewKMSSigner = %v, nil, want an error", s)
			}
			_, isFault := fault.As(err)
			if tt.wantFault != nil && !errors.Is(err, tt.wantFault) || tt.wantFault == nil && isFault {
				t.Errorf("NewKMSSigner = %v, want fault %v", err, tt.wantFault)
			}
			if f.getErr != nil && !errors.Is(err, f.getErr) {
				t.Errorf("NewKMSSigner = %v, want it to wrap %v", err, f.getErr)
			}
		})
	}
}

func TestKMSSignerSignErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     func(*fakeKMS)
		digest    []byte
		wantFault error
	}{
		{name: "throttled", setup: func(f *fakeKMS) { f.signErr = apiError("ThrottlingException") }, wantFault: ErrSignerUnavailable},
		{name: "internal", setup: func(f *fakeKMS) { f.signErr = &types.KMSInternalException{Message: aws.String("x")} }, wantFault: ErrSignerUnavailable},
		{name: "dependency timeout", setup: func(f *fakeKMS) { f.signErr = &types.DependencyTimeoutException{Message: aws.String("x")} }, wantFault: ErrSignerUnavailable},
		{name: "disabled key", setup: func(f *fakeKMS) { f.signErr = &types.DisabledException{Message: aws.String("x")} }},
		{name: "access denied", setup: func(f *fakeKMS) { f.signErr = apiError("AccessDeniedException") }},
		{name: "signature not DER", setup: func(f *fakeKMS) { f.sigDER = []byte("not der") }},
		{name: "short digest", setup: func(*fakeKMS) {}, digest: make([]byte, 20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeKMS(t)
			s, err := NewKMSSigner(context.Background(), f, "alias/k")
			if err != nil {
				t.Fatalf("NewKMSSigner = %v", err)
			}
			tt.setup(f)
			digest := tt.digest
			if digest == nil {
				digest = make([]byte, 32)
			}
			sig, err := s.Sign(context.Background(), digest)
			if err == nil {
				t.Fatalf("Sign = %x, nil, want an error", sig)
			}
			_, isFault := fault.As(err)
			if tt.wantFault != nil && !errors.Is(err, tt.wantFault) || tt.wantFault == nil && isFault {
				t.Errorf("Sign = %v, want fault %v", err, tt.wantFault)
			}
			if f.signErr != nil && !errors.Is(err, f.signErr) {
				t.Errorf("Sign = %v, want it to wrap %v", err, f.signErr)
			}
			// Issue passes the signer's error on, fault and all.
			_, _, ierr := newIssuer(s).Issue(context.Background(), baseClaims())
			if tt.wantFault != nil && !errors.Is(ierr, tt.wantFault) {
				t.Errorf("Issue = %v, want %v", ierr, tt.wantFault)
			}
		})
	}
}

func derSig(r, s *big.Int) []byte {
	b, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	if err != nil {
		panic(err)
	}
	return b
}

func TestRawSignature(t *testing.T) {
	t.Parallel()
	one := big.NewInt(1)
	n1 := new(big.Int).Sub(p256Order, one)
	high := new(big.Int).Lsh(one, 255) // DER needs a 33rd byte for the sign
	pad := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	be := func(v *big.Int) []byte { return v.FillBytes(make([]byte, 32)) }
	tests := []struct {
		name string
		der  []byte
		want []byte // nil: an error
	}{
		{"small r and s, left-padded", derSig(one, big.NewInt(2)), pad(be(one), be(big.NewInt(2)))},
		{"high bit set (33-byte DER integers)", derSig(high, n1), pad(be(high), be(n1))},
		{"r = 0", derSig(big.NewInt(0), one), nil},
		{"negative s", derSig(one, big.NewInt(-1)), nil},
		{"r = n", derSig(p256Order, one), nil},
		{"s too long", derSig(one, new(big.Int).Lsh(one, 300)), nil},
		{"trailing bytes", append(derSig(one, one), 0), nil},
		{"empty", nil, nil},
		{"raw instead of DER", make([]byte, 64), nil},
		{"non-minimal integer", []byte{0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01}, nil},
		{"long-form length", []byte{0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}, nil},
		{"three integers", func() []byte { b, _ := asn1.Marshal(struct{ R, S, T *big.Int }{one, one, one}); return b }(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := rawSignature(tt.der)
			if tt.want == nil {
				if err == nil {
					t.Errorf("rawSignature(%x) = %x, want an error", tt.der, got)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Errorf("rawSignature(%x) = %x, %v, want %x", tt.der, got, err, tt.want)
			}
		})
	}
}
