package registration

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/secret"
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
	s.ipKey = "send#ip#" + f.Index.Index(purposeIP, limit.AddressBucket(in.ClientIP))
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
		logKeys = append(logKeys, sendKey(keys[i]))
	}
	for race := 0; race < maxRaces; race++ {
		if err := backoff(ctx, race); err != nil {
			return Status{}, err
		}
		r, codes, err := f.tryStart(ctx, id, s, keys, logKeys)
		if errors.Is(err, ErrChanged) {
			continue
		}
		if err != nil {
			return Status{}, err
		}
		if err := f.sendCodes(ctx, r, codes); err != nil {
			return Status{}, err
		}
		return f.status(r), nil
	}
	return Status{}, ErrBusy
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
		sends = append(sends, s.ipKey, sendKey(k))
	}
	writes, err := f.take(logs, sends, now)
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

// take counts one send under each key (a key may repeat) and returns the
// logs to write, or ErrSendLimit with the time until every key allows it.
func (f *Flow) take(logs map[string]limit.Log, keys []string, now time.Time) ([]LogWrite, error) {
	next := map[string]limit.Log{}
	var order []string
	var wait time.Duration
	for _, k := range keys {
		l, ok := next[k]
		if !ok {
			l = logs[k]
			l.Key = k
			order = append(order, k)
		}
		n, retry, ok := f.sends.Take(l, now)
		if !ok {
			wait = max(wait, retry)
			continue
		}
		// Several takes under one key still write the item once, at the
		// version it was read at plus one.
		n.Version = logs[k].Version + 1
		next[k] = n
	}
	if wait > 0 {
		return nil, fault.Limited(ErrSendLimit.Slug, wait)
	}
	writes := make([]LogWrite, len(order))
	for i, k := range order {
		writes[i] = LogWrite{Log: next[k], Expires: f.sends.Expires(next[k])}
	}
	return writes, nil
}

// issue puts a fresh code (SMS) or token (e-mail link) on the channel and
// returns it in clear for sending; only its keyed hash is stored. A taken
// channel gets a hash of a code nobody is told.
func (f *Flow) issue(ch *Channel, regID string, kind contact.Kind, now time.Time) (string, error) {
	var clear, purpose string
	ttl := f.Limits.SMSCodeTTL
	if kind == contact.Phone {
		c, err := secret.NewCode(f.Rand)
		if err != nil {
			return "", err
		}
		clear, purpose = c.Reveal(), purposeSMSCode
	} else {
		t, err := secret.NewToken(f.Rand)
		if err != nil {
			return "", err
		}
		clear, purpose, ttl = t.Reveal(), purposeEmailToken, f.Limits.EmailLinkTTL
	}
	ch.CodeHash = f.Codes.Sum(purpose, regID+":"+clear)
	ch.SentAt = now
	ch.ExpiresAt = now.Add(ttl)
	ch.Attempts = 0
	return clear, nil
}

func sendKey(k ContactKey) string { return "send#" + string(k.Kind) + "#" + k.Index }

// slugOf returns the fault slug of a validation error, for a field error.
func slugOf(err error) string {
	if f, ok := fault.As(err); ok {
		return f.Slug
	}
	return "invalid"
}
