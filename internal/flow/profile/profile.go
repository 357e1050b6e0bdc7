// Package profile is the personal data of SPEC §2.3 as a draft: any subset
// may be saved and resumed later ("continue later"); each saved field is
// validated at once, completeness only at submission. The whole profile is
// stored encrypted (envelope encryption, bound to the account), and only
// its owner reads it.
package profile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/person"
)

// The outcomes a client can meet.
var (
	ErrChanged = fault.New(fault.Conflict, "profile-changed")
	ErrLocked  = fault.New(fault.Conflict, "profile-under-check")
)

// Passport is an RF passport as the client sends it.
type Passport struct {
	Series          string `json:"series"`
	Number          string `json:"number"`
	Issuer          string `json:"issuer"`
	IssueDate       string `json:"issueDate"`
	SubdivisionCode string `json:"subdivisionCode"`
}

// ForeignDocument is a foreign citizen's identity document as the client
// sends it (SPEC §2.5): its type (person.ForeignPassport, …), number and
// issuing country (ISO 3166-1 alpha-3).
type ForeignDocument struct {
	Type    string `json:"type"`
	Number  string `json:"number"`
	Country string `json:"country"`
}

// Address is a postal address: postcode and the rest as one line.
type Address struct {
	Postcode string `json:"postcode"`
	Text     string `json:"text"`
}

// Profile is the saved draft, every field normalised; absent fields are
// zero. It is personal data throughout and only travels sealed or to its
// owner.
type Profile struct {
	Patronymic          string    `json:"patronymic,omitempty"`
	NoPatronymic        bool      `json:"noPatronymic,omitempty"`
	Gender              string    `json:"gender,omitempty"`
	BirthDate           string    `json:"birthDate,omitempty"`
	BirthPlace          string    `json:"birthPlace,omitempty"`
	Citizenship         string    `json:"citizenship,omitempty"`
	Passport            *Passport `json:"passport,omitempty"`
	SNILS               string    `json:"snils,omitempty"`
	INN                 string    `json:"inn,omitempty"`
	OMS                 string    `json:"oms,omitempty"`
	RegistrationAddress *Address  `json:"registrationAddress,omitempty"`
	ResidenceAddress    *Address  `json:"residenceAddress,omitempty"`

	// ForeignDocument is a foreign citizen's identity document, in place
	// of the RF passport (SPEC §2.5).
	ForeignDocument *ForeignDocument `json:"foreignDocument,omitempty"`
}

// Patch is a JSON merge patch (RFC 7396) of a Profile: a field with a
// value replaces it, null removes it, absence keeps it.
type Patch map[string]json.RawMessage

// Sealer encrypts and decrypts the stored profile, bound to aad.
type Sealer interface {
	Seal(ctx context.Context, plain, aad []byte) ([]byte, error)
	Open(ctx context.Context, blob, aad []byte) ([]byte, error)
}

// Store keeps one sealed profile per account with a version for
// optimistic locking (0: none yet).
type Store interface {
	Profile(ctx context.Context, accountID string) (sealed []byte, version int64, err error)
	// SaveProfile writes the profile if it is still at version-1.
	SaveProfile(ctx context.Context, accountID string, sealed []byte, version int64) error
}

// Flow reads and saves drafts.
type Flow struct {
	Store  Store
	Sealer Sealer
	Now    func() time.Time
}

func aad(accountID string) []byte { return []byte("profile/" + accountID) }

// Get returns the account's draft (empty when nothing was saved).
func (f *Flow) Get(ctx context.Context, accountID string) (Profile, int64, error) {
	sealed, version, err := f.Store.Profile(ctx, accountID)
	if err != nil || version == 0 {
		return Profile{}, version, err
	}
	p, err := Open(ctx, f.Sealer, accountID, sealed)
	if err != nil {
		return Profile{}, 0, err
	}
	return p, version, nil
}

// Open decrypts the account's stored profile, read by another flow in
// its own round trip (an operator comparing the passport in front of
// them with it).
func (f *Flow) Open(ctx context.Context, accountID string, sealed []byte) (Profile, error) {
	return Open(ctx, f.Sealer, accountID, sealed)
}

// Opener decrypts what a Sealer sealed.
type Opener interface {
	Open(ctx context.Context, blob, aad []byte) ([]byte, error)
}

// Open decrypts and decodes a profile sealed for the account: Get's
// second half, for the flows that read the sealed profile together with
// their own items in one round trip.
func Open(ctx context.Context, o Opener, accountID string, sealed []byte) (Profile, error) {
	plain, err := o.Open(ctx, sealed, aad(accountID))
	if err != nil {
		return Profile{}, fmt.Errorf("open profile of %s: %w", accountID, err)
	}
	var p Profile
	if err := json.Unmarshal(plain, &p); err != nil {
		return Profile{}, fmt.Errorf("decode profile of %s: %w", accountID, err)
	}
	return p, nil
}

// Save applies a patch to the draft: every field in it is validated before
// anything is written, and a bad field changes nothing.
func (f *Flow) Save(ctx context.Context, accountID string, patch Patch) (Profile, error) {
	p, _, err := f.SaveVersion(ctx, accountID, patch)
	return p, err
}

// SaveVersion is Save that also returns the version written, so a caller
// that shows it needs no second read.
func (f *Flow) SaveVersion(ctx context.Context, accountID string, patch Patch) (Profile, int64, error) {
	for race := 0; race < 8; race++ {
		p, version, err := f.Get(ctx, accountID)
		if err != nil {
			return Profile{}, 0, err
		}
		next, err := apply(p, patch, f.Now())
		if err != nil {
			return Profile{}, 0, err
		}
		plain, err := json.Marshal(next)
		if err != nil {
			return Profile{}, 0, err
		}
		sealed, err := f.Sealer.Seal(ctx, plain, aad(accountID))
		if err != nil {
			return Profile{}, 0, fmt.Errorf("seal profile of %s: %w", accountID, err)
		}
		err = f.Store.SaveProfile(ctx, accountID, sealed, version+1)
		if errors.Is(err, ErrChanged) {
			continue
		}
		if err != nil {
			return Profile{}, 0, fmt.Errorf("save profile of %s: %w", accountID, err)
		}
		return next, version + 1, nil
	}
	return Profile{}, 0, ErrChanged
}

// apply validates and merges a patch; it reports every bad field at once.
func apply(p Profile, patch Patch, now time.Time) (Profile, error) {
	var fs fault.Fields
	for key, raw := range patch {
		null := string(raw) == "null"
		set, ok := fields[key]
		if !ok {
			fs.Add("/"+safeKey(key), "unknown-field")
			continue
		}
		if err := set(&p, raw, null, now); err != nil {
			var f *fault.Error
			if errors.As(err, &f) && len(f.Fields) > 0 {
				for _, x := range f.Fields {
					fs.Add("/"+key+x.Pointer, x.Reason)
				}
				continue
			}
			fs.Add("/"+key, reason(err))
		}
	}
	if p.NoPatronymic && p.Patronymic != "" {
		fs.Add("/noPatronymic", "patronymic-invalid")
	}
	if len(fs) == 0 {
		fs = append(fs, mismatches(p, patch)...)
	}
	return p, fs.Err()
}

func reason(err error) string {
	if f, ok := fault.As(err); ok {
		return f.Slug
	}
	return "invalid"
}

func safeKey(k string) string {
	if len(k) > 64 {
		return ""
	}
	for _, r := range k {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return ""
		}
	}
	return k
}

// errWrongType is the reason for a field whose JSON type is wrong.
var errWrongType = fault.New(fault.Invalid, "wrong-type")

func str(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errWrongType
	}
	return s, nil
}

// text checks free text: 1 to max characters, no control characters.
func text(s string, max int, slug string) (string, error) {
	n := utf8.RuneCountInString(s)
	if n == 0 || n > max || !utf8.ValidString(s) {
		return "", fault.New(fault.Invalid, slug)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", fault.New(fault.Invalid, slug)
		}
	}
	return s, nil
}

// setter validates one field of a patch and sets it (or clears it on null).
type setter func(p *Profile, raw json.RawMessage, null bool, now time.Time) error

// scalar makes a setter for a string field with a validating parser.
func scalar(field func(*Profile) *string, parse func(string, time.Time) (string, error)) setter {
	return func(p *Profile, raw json.RawMessage, null bool, now time.Time) error {
		if null {
			*field(p) = ""
			return nil
		}
		s, err := str(raw)
		if err != nil {
			return err
		}
		v, err := parse(s, now)
		if err != nil {
			return err
		}
		*field(p) = v
		return nil
	}
}

// value adapts a person.ParseX to a field parser.
func value[T interface{ Value() string }](parse func(string) (T, error)) func(string, time.Time) (string, error) {
	return func(s string, _ time.Time) (string, error) {
		v, err := parse(s)
		if err != nil {
			return "", err
		}
		return v.Value(), nil
	}
}

var fields = map[string]setter{
	"patronymic": scalar(func(p *Profile) *string { return &p.Patronymic }, value(func(s string) (person.Patronymic, error) {
		return person.ParsePatronymic(s, false)
	})),
	"noPatronymic": func(p *Profile, raw json.RawMessage, null bool, _ time.Time) error {
		if null {
			p.NoPatronymic = false
			return nil
		}
		return json.Unmarshal(raw, &p.NoPatronymic)
	},
	"gender":      scalar(func(p *Profile) *string { return &p.Gender }, value(person.ParseGender)),
	"citizenship": scalar(func(p *Profile) *string { return &p.Citizenship }, value(person.ParseCitizenship)),
	"snils":       scalar(func(p *Profile) *string { return &p.SNILS }, value(person.ParseSNILS)),
	"inn":         scalar(func(p *Profile) *string { return &p.INN }, value(person.ParseINN)),
	"oms":         scalar(func(p *Profile) *string { return &p.OMS }, value(person.ParseOMS)),
	"birthPlace": scalar(func(p *Profile) *string { return &p.BirthPlace }, func(s string, _ time.Time) (string, error) {
		return text(s, 200, "birth-place-invalid")
	}),
	"birthDate": scalar(func(p *Profile) *string { return &p.BirthDate }, func(s string, now time.Time) (string, error) {
		d, err := person.ParseDate(s)
		if err != nil {
			return "", err
		}
		if err := person.ValidBirthDate(d, now); err != nil {
			return "", err
		}
		return d.Value(), nil
	}),
	"passport":            object(func(p *Profile, v *Passport) { p.Passport = v }, parsePassport),
	"foreignDocument":     object(func(p *Profile, v *ForeignDocument) { p.ForeignDocument = v }, parseForeignDocument),
	"registrationAddress": object(func(p *Profile, v *Address) { p.RegistrationAddress = v }, parseAddress),
	"residenceAddress":    object(func(p *Profile, v *Address) { p.ResidenceAddress = v }, parseAddress),
}

// object makes a setter for a nested object that is replaced whole.
func object[T any](set func(*Profile, *T), parse func(T, time.Time) (T, error)) setter {
	return func(p *Profile, raw json.RawMessage, null bool, now time.Time) error {
		if null {
			set(p, nil)
			return nil
		}
		var v T
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return errWrongType
		}
		v, err := parse(v, now)
		if err != nil {
			return err
		}
		set(p, &v)
		return nil
	}
}

func parsePassport(in Passport, now time.Time) (Passport, error) {
	var fs fault.Fields
	var out Passport
	check := func(ptr string, v string, err error) string {
		if err != nil {
			fs.Add(ptr, reason(err))
		}
		return v
	}
	s, err := person.ParsePassportSeries(in.Series)
	out.Series = check("/series", s.Value(), err)
	n, err := person.ParsePassportNumber(in.Number)
	out.Number = check("/number", n.Value(), err)
	is, err := person.ParsePassportIssuer(in.Issuer)
	out.Issuer = check("/issuer", is.Value(), err)
	c, err := person.ParseSubdivisionCode(in.SubdivisionCode)
	out.SubdivisionCode = check("/subdivisionCode", c.Value(), err)
	d, err := person.ParseDate(in.IssueDate)
	if err == nil && d.After(person.DateOf(now)) {
		err = person.ErrIssueDateInvalid
	}
	out.IssueDate = check("/issueDate", d.Value(), err)
	return out, fs.Err()
}

// ParseAddress validates a postal address as a profile keeps it: a
// 6-digit postcode and 1 to 500 characters of text; field errors point
// at /postcode and /text.
func ParseAddress(in Address) (Address, error) { return parseAddress(in, time.Time{}) }

func parseAddress(in Address, _ time.Time) (Address, error) {
	var fs fault.Fields
	pc, err := person.ParsePostcode(in.Postcode)
	if err != nil {
		fs.Add("/postcode", reason(err))
	}
	t, err := text(in.Text, 500, "address-invalid")
	if err != nil {
		fs.Add("/text", reason(err))
	}
	return Address{Postcode: pc.Value(), Text: t}, fs.Err()
}
