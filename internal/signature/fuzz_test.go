package signature_test

import (
	"bytes"
	"errors"
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
