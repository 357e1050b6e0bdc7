package signature_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"testing"

	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

func TestSameName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"Анна Сергеевна", "Анна Сергеевна", true},
		{"АННА СЕРГЕЕВНА", "анна сергеевна", true},
		{"Пётр Семёнович", "Петр Семенович", true},
		{"Пе\u0308тр", "Пётр", true},     // decomposed ё
		{"Андреи\u0306", "Андрей", true}, // decomposed й
		{"  Анна \t Сергеевна ", "Анна Сергеевна", true},
		{"Д’Артаньян", "Д'Артаньян", true},
		{"Анна-Мария", "Анна-Мария", true},
		{"Анна", "Анна Сергеевна", false},   // patronymic missing
		{"Anna", "Анна", false},             // no transliteration
		{"Андрей", "Андреи", false},         // й is not и
		{"Анна-Мария", "Анна Мария", false}, // a hyphen is not a space
		{"", "", false},
	}
	for _, tt := range tests {
		if got := signature.SameName(tt.a, tt.b); got != tt.want {
			t.Errorf("SameName(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParseSubject(t *testing.T) {
	t.Parallel()
	root := mustRoot(t, "root", devca.Options{})
	numeric := func(s string) asn1.RawValue { return asn1.RawValue{Tag: asn1.TagNumericString, Bytes: []byte(s)} }
	org := func(extra ...pkix.AttributeTypeAndValue) func(*x509.Certificate) {
		return func(c *x509.Certificate) {
			c.Subject.Organization = []string{`ООО "Ромашка"`}
			c.Subject.ExtraNames = append(c.Subject.ExtraNames, extra...)
		}
	}
	tests := []struct {
		name                     string
		person                   devca.Person
		edit                     func(*x509.Certificate)
		wantOGRN, wantINNLE, inn string
		wantErr                  error
	}{
		{name: "a person", person: anna, inn: anna.INN},
		{name: "a person without SNILS or INN", person: devca.Person{Surname: "Петрова", GivenName: "Анна"}},
		{name: "a head of an organisation", person: anna, inn: anna.INN, wantOGRN: "1027700132195", wantINNLE: "7707083893",
			edit: org(pkix.AttributeTypeAndValue{Type: signature.OIDOGRN, Value: numeric("1027700132195")},
				pkix.AttributeTypeAndValue{Type: signature.OIDINNLE, Value: numeric("7707083893")})},
		{name: "legacy INN of a legal entity", person: devca.Person{Surname: "Петрова", GivenName: "Анна", INN: "007707083893"},
			wantINNLE: "7707083893"},
		{name: "bad OGRN", person: anna, wantErr: signature.ErrSubjectInvalid,
			edit: org(pkix.AttributeTypeAndValue{Type: signature.OIDOGRN, Value: numeric("1027700132196")})},
		{name: "bad INNLE", person: anna, wantErr: signature.ErrSubjectInvalid,
			edit: org(pkix.AttributeTypeAndValue{Type: signature.OIDINNLE, Value: numeric("7707083894")})},
		{name: "bad INN", person: devca.Person{Surname: "Петрова", GivenName: "Анна", INN: "500100732258"}, wantErr: signature.ErrSubjectInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cred := mustIssue(t, root, tt.person, devca.Options{Edit: tt.edit})
			s, err := signature.ParseSubject(cred.Cert)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("ParseSubject() error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if s.Surname != tt.person.Surname || s.GivenName != tt.person.GivenName || s.CommonName != tt.person.Surname+" "+tt.person.GivenName {
				t.Errorf("ParseSubject() names = %q %q %q", s.Surname, s.GivenName, s.CommonName)
			}
			if s.SNILS.Value() != tt.person.SNILS || s.INN.Value() != tt.inn || s.OGRN.Value() != tt.wantOGRN || s.OrgINN.Value() != tt.wantINNLE {
				t.Errorf("ParseSubject() numbers = SNILS %q INN %q OGRN %q INNLE %q, want %q %q %q %q",
					s.SNILS.Value(), s.INN.Value(), s.OGRN.Value(), s.OrgINN.Value(), tt.person.SNILS, tt.inn, tt.wantOGRN, tt.wantINNLE)
			}
			if tt.wantOGRN != "" && s.Organization != `ООО "Ромашка"` {
				t.Errorf("ParseSubject() organisation = %q", s.Organization)
			}
		})
	}
}
