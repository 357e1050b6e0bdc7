package token

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/portalid/portalid/internal/fault"
)

// ErrSignerUnavailable is the fault for a signing key service that stayed
// throttled or failing after the SDK's retries.
var ErrSignerUnavailable = fault.New(fault.Unavailable, "signer-unavailable")

// KMSAPI is the part of the KMS client a KMSSigner uses.
type KMSAPI interface {
	Sign(ctx context.Context, in *kms.SignInput, optFns ...func(*kms.Options)) (*kms.SignOutput, error)
	GetPublicKey(ctx context.Context, in *kms.GetPublicKeyInput, optFns ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error)
}

var (
	_ KMSAPI = (*kms.Client)(nil)
	_ Signer = (*KMSSigner)(nil)
)

// KMSSigner signs with an asymmetric KMS key (KeySpec ECC_NIST_P256,
// KeyUsage SIGN_VERIFY); the private key never leaves KMS.
type KMSSigner struct {
	client KMSAPI
	keyARN string
	pub    *ecdsa.PublicKey
	kid    string
}

// NewKMSSigner fetches the public key of keyID (id, ARN or alias) once and
// returns a signer for it. Signing then names the key by the ARN KMS
// returned, so re-pointing an alias cannot make signatures disagree with
// the public key and kid held here.
func NewKMSSigner(ctx context.Context, client KMSAPI, keyID string) (*KMSSigner, error) {
	out, err := client.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		return nil, translate("get public key "+keyID, err)
	}
	if out.KeySpec != types.KeySpecEccNistP256 || out.KeyUsage != types.KeyUsageTypeSignVerify {
		return nil, fmt.Errorf("kms key %s: spec %s usage %s, want %s %s", keyID,
			out.KeySpec, out.KeyUsage, types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify)
	}
	parsed, err := x509.ParsePKIXPublicKey(out.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("kms key %s: parse public key: %w", keyID, err)
	}
	pub, ok := parsed.(*ecdsa.PublicKey)
	if !ok || checkKey(pub) != nil {
		return nil, fmt.Errorf("kms key %s: %w", keyID, errKeyNotP256)
	}
	kid, err := KeyID(pub)
	if err != nil {
		return nil, fmt.Errorf("kms key %s: %w", keyID, err)
	}
	arn := aws.ToString(out.KeyId)
	if arn == "" {
		arn = keyID
	}
	return &KMSSigner{client: client, keyARN: arn, pub: pub, kid: kid}, nil
}

// KeyID returns the key's RFC 7638 thumbprint.
func (s *KMSSigner) KeyID() string { return s.kid }

// Public returns the key's public half.
func (s *KMSSigner) Public() *ecdsa.PublicKey { return s.pub }

// Sign has KMS sign the SHA-256 digest (ECDSA_SHA_256, MessageType DIGEST)
// and returns the signature as raw r||s.
func (s *KMSSigner) Sign(ctx context.Context, digest []byte) ([]byte, error) {
	if len(digest) != sha256.Size {
		return nil, fmt.Errorf("kms sign %s: digest of %d bytes, want %d", s.keyARN, len(digest), sha256.Size)
	}
	out, err := s.client.Sign(ctx, &kms.SignInput{
		KeyId:            aws.String(s.keyARN),
		Message:          digest,
		MessageType:      types.MessageTypeDigest,
		SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256,
	})
	if err != nil {
		return nil, translate("kms sign "+s.keyARN, err)
	}
	sig, err := rawSignature(out.Signature)
	if err != nil {
		return nil, fmt.Errorf("kms sign %s: %w", s.keyARN, err)
	}
	return sig, nil
}

// translate turns throttling, KMS server faults and an expired deadline,
// which the SDK has already retried, into ErrSignerUnavailable; anything
// else (access denied, disabled or missing key) is a deployment fault and
// is only wrapped.
func translate(op string, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ThrottlingException", "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException":
			return fmt.Errorf("%s: %w: %w", op, fault.New(fault.Unavailable, ErrSignerUnavailable.Slug), err)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w: %w", op, fault.New(fault.Unavailable, ErrSignerUnavailable.Slug), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
