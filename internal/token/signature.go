package token

import (
	"errors"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// sigSize is the length of an ES256 signature: r and s, 32 bytes each.
const sigSize = 64

var errSignatureDER = errors.New("malformed ECDSA signature")

// p256Order is the order n of P-256; r and s lie in [1, n-1].
var p256Order, _ = new(big.Int).SetString("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16)

// rawSignature converts an ASN.1 DER ECDSA-Sig-Value (what KMS and
// ecdsa.SignASN1 return) into the JWS form: r||s, each 32 bytes
// big-endian, left-padded with zeros. cryptobyte is strict where
// encoding/asn1 is not: it refuses extra elements in the SEQUENCE and
// non-minimal integers.
func rawSignature(der []byte) ([]byte, error) {
	r, s := new(big.Int), new(big.Int)
	in, seq := cryptobyte.String(der), cryptobyte.String(nil)
	if !in.ReadASN1(&seq, asn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(r) || !seq.ReadASN1Integer(s) || !seq.Empty() {
		return nil, errSignatureDER
	}
	for _, v := range []*big.Int{r, s} {
		if v.Sign() <= 0 || v.Cmp(p256Order) >= 0 {
			return nil, errSignatureDER
		}
	}
	out := make([]byte, sigSize)
	r.FillBytes(out[:sigSize/2])
	s.FillBytes(out[sigSize/2:])
	return out, nil
}
