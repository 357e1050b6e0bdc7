package signature

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"log/slog"
	"strings"
	"unicode"

	"github.com/portalid/portalid/internal/person"
)

// The subject attributes of the Russian qualified-certificate profile
// (FSB order No. 795 of 27.12.2011, as amended), besides the X.520 ones.
var (
	OIDSNILS  = asn1.ObjectIdentifier{1, 2, 643, 100, 3}       // СНИЛС, NumericString of 11 digits
	OIDINN    = asn1.ObjectIdentifier{1, 2, 643, 3, 131, 1, 1} // ИНН of a person, NumericString of 12 digits
	OIDOGRN   = asn1.ObjectIdentifier{1, 2, 643, 100, 1}       // ОГРН of a legal entity, 13 digits
	OIDINNLE  = asn1.ObjectIdentifier{1, 2, 643, 100, 4}       // ИНН ЮЛ, the legal entity's INN, 10 digits
	oidCN     = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidSN     = asn1.ObjectIdentifier{2, 5, 4, 4}
	oidGiven  = asn1.ObjectIdentifier{2, 5, 4, 42}
	oidOrg    = asn1.ObjectIdentifier{2, 5, 4, 10}
	redaction = "[redacted]"
)

// Subject is whom a certificate names, read per the qualified profile:
// a person by surname (SN) and given name with patronymic (G, "Анна
// Сергеевна"), with SNILS and INN; an organisation by name (O), OGRN and
// its INN. Absent attributes are zero. It is personal data: it prints as
// "[redacted]" every way (fmt, JSON, slog); read the fields.
type Subject struct {
	CommonName   string
	Surname      string
	GivenName    string // given name and patronymic, space separated
	Organization string
	SNILS        person.SNILS
	INN          person.INN
	OGRN         person.OGRN
	OrgINN       person.OrgINN // INNLE, or the legacy "00"+10 digits in INN
}

// ParseSubject reads the certificate's subject. A SNILS, INN, OGRN or
// INNLE that fails its format or checksum makes it ErrSubjectInvalid: a
// trusted CA issues only valid numbers, so such a certificate is not what
// the profile describes.
func ParseSubject(c *x509.Certificate) (Subject, error) {
	var s Subject
	var inn, innLE string
	for _, n := range c.Subject.Names {
		v, ok := n.Value.(string)
		if !ok {
			continue
		}
		switch t := n.Type; {
		case t.Equal(oidCN):
			s.CommonName = v
		case t.Equal(oidSN):
			s.Surname = v
		case t.Equal(oidGiven):
			s.GivenName = v
		case t.Equal(oidOrg):
			s.Organization = v
		case t.Equal(OIDSNILS):
			sn, err := person.ParseSNILS(v)
			if err != nil {
				return Subject{}, ErrSubjectInvalid
			}
			s.SNILS = sn
		case t.Equal(OIDINN):
			inn = v
		case t.Equal(OIDINNLE):
			innLE = v
		case t.Equal(OIDOGRN):
			o, err := person.ParseOGRN(v)
			if err != nil {
				return Subject{}, ErrSubjectInvalid
			}
			s.OGRN = o
		}
	}
	// Before INNLE (2021) a legal entity's INN was written in the INN
	// attribute as "00" and its 10 digits.
	if innLE == "" && len(inn) == 12 && strings.HasPrefix(inn, "00") {
		innLE, inn = inn[2:], ""
	}
	if inn != "" {
		n, err := person.ParseINN(inn)
		if err != nil {
			return Subject{}, ErrSubjectInvalid
		}
		s.INN = n
	}
	if innLE != "" {
		n, err := person.ParseOrgINN(innLE)
		if err != nil {
			return Subject{}, ErrSubjectInvalid
		}
		s.OrgINN = n
	}
	return s, nil
}

// String returns "[redacted]".
func (Subject) String() string { return redaction }

// GoString returns "[redacted]".
func (Subject) GoString() string { return redaction }

// Format writes "[redacted]" for every verb.
func (Subject) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redaction)) }

// LogValue returns "[redacted]".
func (Subject) LogValue() slog.Value { return slog.StringValue(redaction) }

// MarshalJSON returns "[redacted]".
func (Subject) MarshalJSON() ([]byte, error) { return []byte(`"` + redaction + `"`), nil }

// SameName reports whether two spellings name the same person: letters
// compared without case, ё as е (certificates and registries write it
// either way, composed or as е with a combining diaeresis), a decomposed й
// as й, the apostrophes ' and ’ as one, and any run of white space as one
// space. Nothing else is forgiven: a transliteration or a missing
// patronymic is another name.
func SameName(a, b string) bool {
	fa, fb := fold(a), fold(b)
	return fa != "" && fa == fb
}

func fold(s string) string {
	out := make([]rune, 0, len(s))
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		r = unicode.ToLower(r)
		last := len(out) - 1
		switch {
		case r == '\u0308' && last >= 0 && out[last] == 'е':
			continue // е + combining diaeresis is ё, folded to е
		case r == '\u0306' && last >= 0 && out[last] == 'и':
			out[last] = 'й'
			continue
		case r == 'ё':
			r = 'е'
		case r == '’':
			r = '\''
		}
		out = append(out, r)
	}
	return string(out)
}
