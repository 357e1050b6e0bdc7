package token

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"math/big"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// FuzzRawSignature feeds any bytes, as KMS might answer, to the DER to
// JWS conversion: a refusal is errSignatureDER; an accepted signature is
// r||s in range, and written back as DER it is the input byte for byte
// (the DER is strict, so each signature has one encoding).
func FuzzRawSignature(f *testing.F) {
	key := fuzzKey(f)
	digest := sha256.Sum256([]byte("header.payload"))
	der, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(der)
	f.Add(append(der[:len(der):len(der)], 0))
	f.Add([]byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01})
	f.Add([]byte{0x30, 0x08, 0x02, 0x02, 0x00, 0x01, 0x02, 0x02, 0x00, 0x01})
	f.Add([]byte{0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		raw, err := rawSignature(in)
		if err != nil {
			if !errors.Is(err, errSignatureDER) || raw != nil {
				t.Fatalf("rawSignature(%x) = %x, %v", in, raw, err)
			}
			return
		}
		if len(raw) != sigSize {
			t.Fatalf("rawSignature(%x) = %d bytes", in, len(raw))
		}
		r, s := new(big.Int).SetBytes(raw[:32]), new(big.Int).SetBytes(raw[32:])
		var b cryptobyte.Builder
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1BigInt(r)
			b.AddASN1BigInt(s)
		})
		if back, err := b.Bytes(); err != nil || !bytes.Equal(back, in) {
			t.Fatalf("rawSignature(%x) = %x, which is %x as DER", in, raw, back)
		}
	})
}
