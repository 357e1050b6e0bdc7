package signature_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

// FuzzVerify feeds arbitrary bytes, and mutations of a valid signature,
// to the CMS parsing and verification: it must never panic, and refuse
// everything but the genuine signature with one of its faults.
func FuzzVerify(f *testing.F) {
	p := newPKI(f)
	content := bytes.Repeat([]byte{0x5a}, 32)
	good := mustSign(f, mustIssue(f, p.issuing, anna, devca.Options{}), content)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(gost(f, good))
	f.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80, 0x30, 0x80, 0x00, 0x00})
	f.Add([]byte{})
	now := time.Now()
	f.Fuzz(func(t *testing.T, cms []byte) {
		s, err := p.verifier.Verify(cms, content, now)
		if err == nil {
			if s.Subject.SNILS.Value() != anna.SNILS {
				t.Fatalf("Verify() accepted a signature whose subject is not Anna's")
			}
			return
		}
		if f, ok := fault.As(err); !ok || f.Kind == fault.Unknown {
			t.Fatalf("Verify() error = %v, want a fault", err)
		}
		if errors.Is(err, signature.ErrSubjectInvalid) && bytes.Equal(cms, good) {
			t.Fatalf("Verify(good) = %v", err)
		}
	})
}

// FuzzDecodeBase64 checks the client's encoding: never a panic, a
// decoded value re-encodes to the input less white space and padding,
// and a refusal is ErrEncoding.
func FuzzDecodeBase64(f *testing.F) {
	for _, s := range []string{"MIAGCSqGSIb3DQEHAqCAMIACAQEx", "MIAG\r\nCSqG SIb3\tDQ==", "", "====", "not base64!", "QQ", "QQ=", "QQ=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := signature.DecodeBase64(s)
		if err != nil {
			if !errors.Is(err, signature.ErrEncoding) {
				t.Fatalf("DecodeBase64(%q) error = %v, want ErrEncoding", s, err)
			}
			return
		}
		stripped := strings.TrimRight(strings.NewReplacer(" ", "", "\t", "", "\r", "", "\n", "").Replace(s), "=")
		if got := base64.RawStdEncoding.EncodeToString(b); got != stripped {
			t.Fatalf("DecodeBase64(%q) = %x, which encodes as %q", s, b, got)
		}
	})
}

// FuzzClientSignature runs the whole path of a client's signature field:
// base64 with white space, then the CMS. It never panics, and only the
// genuine signature, however wrapped, is accepted.
func FuzzClientSignature(f *testing.F) {
	p := newPKI(f)
	content := bytes.Repeat([]byte{0xa5}, 32)
	good := base64.StdEncoding.EncodeToString(mustSign(f, mustIssue(f, p.issuing, anna, devca.Options{}), content))
	f.Add(good)
	f.Add(good[:64] + "\r\n" + good[64:])
	f.Add(strings.TrimRight(good, "="))
	f.Add(good[:len(good)/2])
	f.Add("MIAGCSqGSIb3DQEHAqCAMIACAQEx")
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		cms, err := signature.DecodeBase64(s)
		if err != nil {
			return
		}
		if _, err := p.verifier.Verify(cms, content, now); err != nil {
			if f, ok := fault.As(err); !ok || f.Kind == fault.Unknown {
				t.Fatalf("Verify() error = %v, want a fault", err)
			}
		}
	})
}
