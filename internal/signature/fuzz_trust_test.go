package signature_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

func pemOf(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// FuzzParseTrustList: whatever the file, parsing never panics; an
// accepted list holds only CA certificates, and writing it back as PEM
// reads as the same certificates.
func FuzzParseTrustList(f *testing.F) {
	p := newPKI(f)
	leaf := mustIssue(f, p.issuing, anna, devca.Options{})
	f.Add(pemOf(p.root.Cert, p.stranger.Cert))
	f.Add(append([]byte("a comment\n"), pemOf(p.root.Cert)...))
	f.Add(pemOf(p.root.Cert, leaf.Cert))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.root.Cert.Raw[:len(p.root.Cert.Raw)/2]}))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := signature.ParseTrustList(b)
		if err != nil {
			if list != nil {
				t.Fatalf("ParseTrustList() = %d certificates and %v, want none", len(list), err)
			}
			return
		}
		for i, c := range list {
			if !c.BasicConstraintsValid || !c.IsCA {
				t.Fatalf("ParseTrustList() accepted certificate %d, not a CA", i+1)
			}
		}
		again, err := signature.ParseTrustList(pemOf(list...))
		if err != nil || len(again) != len(list) {
			t.Fatalf("ParseTrustList(written back) = %d certificates, %v; want %d", len(again), err, len(list))
		}
		for i := range list {
			if !again[i].Equal(list[i]) {
				t.Fatalf("certificate %d changed when written back", i+1)
			}
		}
	})
}

// FuzzParseSubject feeds certificate DER (a genuine one's mutations
// among it) to ParseSubject: never a panic; a refusal is
// ErrSubjectInvalid; whatever numbers it accepts pass their parsers again.
func FuzzParseSubject(f *testing.F) {
	p := newPKI(f)
	f.Add(mustIssue(f, p.issuing, anna, devca.Options{}).Cert.Raw)
	f.Add(mustIssue(f, p.issuing, devca.Person{Surname: "Петрова", GivenName: "Анна"}, devca.Options{}).Cert.Raw)
	f.Add(mustIssue(f, p.issuing, devca.Person{Surname: "Петрова", GivenName: "Анна", SNILS: "11223344596"}, devca.Options{}).Cert.Raw)
	f.Add(p.root.Cert.Raw)
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return
		}
		s, err := signature.ParseSubject(c)
		if err != nil {
			if !errors.Is(err, signature.ErrSubjectInvalid) {
				t.Fatalf("ParseSubject() error = %v, want ErrSubjectInvalid", err)
			}
			return
		}
		if v := s.SNILS.Value(); v != "" {
			if again, err := person.ParseSNILS(v); err != nil || again != s.SNILS {
				t.Fatalf("ParseSubject() SNILS does not parse again: %v", err)
			}
		}
		if v := s.INN.Value(); v != "" {
			if _, err := person.ParseINN(v); err != nil {
				t.Fatalf("ParseSubject() INN does not parse again: %v", err)
			}
		}
		if v := s.OGRN.Value(); v != "" {
			if _, err := person.ParseOGRN(v); err != nil {
				t.Fatalf("ParseSubject() OGRN does not parse again: %v", err)
			}
		}
		if v := s.OrgINN.Value(); v != "" {
			if _, err := person.ParseOrgINN(v); err != nil {
				t.Fatalf("ParseSubject() organisation INN does not parse again: %v", err)
			}
		}
	})
}

// FuzzSameName: the comparison of a certificate's name with the
// profile's is symmetric, holds between a name and itself (unless it is
// blank), and forgives case and runs of white space.
func FuzzSameName(f *testing.F) {
	for _, s := range [][2]string{
		{"Анна Сергеевна", "АННА  сергеевна"}, {"Пётр", "Пе\u0308тр"}, {"Андреи\u0306", "Андрей"},
		{"Д’Артаньян", "Д'Артаньян"}, {"", " "}, {"Anna", "Анна"}, {"\u0308", "е"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		same := signature.SameName(a, b)
		if same != signature.SameName(b, a) {
			t.Fatalf("SameName(%q, %q) = %v, but not the other way round", a, b, same)
		}
		blank := strings.TrimSpace(a) == ""
		if got := signature.SameName(a, a); got == blank {
			t.Fatalf("SameName(%q, itself) = %v", a, got)
		}
		if !blank && !signature.SameName(a, " "+strings.ToUpper(a)+"\t") && strings.ToLower(strings.ToUpper(a)) == strings.ToLower(a) {
			t.Fatalf("SameName(%q, in capitals and padded) = false", a)
		}
	})
}
