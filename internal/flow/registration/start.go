package registration

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/person"
)

// StartInput is a request to register. Fields are raw client input.
type StartInput struct {
	Surname      string
	GivenName    string
	Phone        string
	Email        string
	TermsVersion string
	Locale       string
	ClientIP     string
}

var termsVersionPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// start is a validated StartInput.
type start struct {
	surname, givenName person.Name
	contacts           []contact.Address
	termsVersion       string
	locale             string
	ipKey              string
}

func (f *Flow) parseStart(in StartInput) (start, error) {
	var s start
	var fs fault.Fields
	var err error
	if s.surname, err = person.ParseName(in.Surname); err != nil {
		fs.Add("/surname", slugOf(err))
	}
	if s.givenName, err = person.ParseName(in.GivenName); err != nil {
		fs.Add("/givenName", slugOf(err))
	}
	if in.Phone != "" {
		if a, err := contact.ParsePhone(in.Phone); err != nil {
			fs.Add("/phone", slugOf(err))
		} else {
			s.contacts = append(s.contacts, a)
		}
	}
	if in.Email != "" {
		if a, err := contact.ParseEmail(in.Email); err != nil {
			fs.Add("/email", slugOf(err))
		} else {
			s.contacts = append(s.contacts, a)
		}
	}
	if in.Phone == "" && in.Email == "" {
		fs.Add("/phone", "contact-required")
	}
	if !termsVersionPattern.MatchString(in.TermsVersion) {
		fs.Add("/termsVersion", "terms-not-accepted")
	}
	s.termsVersion = in.TermsVersion
	s.locale = in.Locale
	s.ipKey = f.challenge.AddressKey(in.ClientIP)
	return s, fs.Err()
}

// Start begins a registration and sends a code to each new contact. A
// contact that already belongs to an account gets the same answer, no code,
// and a notice to its owner.
func (f *Flow) Start(ctx context.Context, in StartInput) (Status, error) {
	s, err := f.parseStart(in)
	if err != nil {
		return Status{}, err
	}
	id, err := account.NewID(f.Rand)
	if err != nil {
		return Status{}, err
	}
	keys := make([]ContactKey, len(s.contacts))
	logKeys := []string{s.ipKey}
	for i, a := range s.contacts {
		keys[i] = ContactKey{Kind: a.Kind(), Index: f.Index.Index(string(a.Kind()), a.Value())}
		logKeys = append(logKeys, keys[i].SendKey())
	}
	var r Registration
	var codes map[contact.Kind]string
	err = challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error {
		r, codes, err = f.tryStart(ctx, id, s, keys, logKeys)
		return err
	})
	if err != nil {
		return Status{}, err
	}
	if err := f.sendCodes(ctx, r, codes); err != nil {
		return Status{}, err
	}
	return f.status(r), nil
}

func (f *Flow) tryStart(ctx context.Context, id string, s start, keys []ContactKey, logKeys []string) (Registration, map[contact.Kind]string, error) {
	taken, logs, err := f.Store.Lookup(ctx, keys, logKeys)
	if err != nil {
		return Registration{}, nil, fmt.Errorf("start registration %s: %w", id, err)
	}
	now := f.Now()
	// Every contact is one send from this client address.
	sends := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		sends = append(sends, s.ipKey, k.SendKey())
	}
	writes, err := f.challenge.Take(logs, sends, now)
	if err != nil {
		return Registration{}, nil, err
	}
	r := Registration{
		ID: id, Version: 1,
		Surname: s.surname.Value(), GivenName: s.givenName.Value(),
		Locale: s.locale, TermsVersion: s.termsVersion, TermsAcceptedAt: now,
		CreatedAt: now, ExpiresAt: now.Add(f.Limits.RegistrationTTL),
		Channels: map[contact.Kind]Channel{},
	}
	codes := map[contact.Kind]string{}
	for i, a := range s.contacts {
		ch := Channel{Address: a.Value(), Index: keys[i].Index, Taken: taken[keys[i]]}
		code, err := f.issue(&ch, r.ID, a.Kind(), now)
		if err != nil {
			return Registration{}, nil, err
		}
		r.Channels[a.Kind()] = ch
		codes[a.Kind()] = code
	}
	if err := f.Store.Save(ctx, r, writes); err != nil {
		return Registration{}, nil, fmt.Errorf("start registration %s: %w", id, err)
	}
	return r, codes, nil
}

// issue puts a fresh code (SMS) or token (e-mail link) on the channel and
// returns it in clear for sending; only its keyed hash is stored. A taken
// channel gets a hash of a code nobody is told.
func (f *Flow) issue(ch *Channel, regID string, kind contact.Kind, now time.Time) (string, error) {
	issue, purpose := f.challenge.Issue, purposeSMSCode
	if kind != contact.Phone {
		issue, purpose = f.challenge.IssueToken, purposeEmailToken
	}
	clear, code, err := issue(purpose, regID, now)
	if err != nil {
		return "", err
	}
	ch.Code = code
	return clear, nil
}

// slugOf returns the fault slug of a validation error, for a field error.
func slugOf(err error) string {
	if f, ok := fault.As(err); ok {
		return f.Slug
	}
	return "invalid"
}
