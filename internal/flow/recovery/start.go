package recovery

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/challenge"
)

// StartInput asks to recover the password of the account a login names.
type StartInput struct {
	Login    string // a phone or an e-mail address
	Locale   string
	ClientIP string
}

// parseLogin reads a phone or an e-mail address: recovery proves control
// of a contact, so a SNILS, which names no contact, is not a login here.
func parseLogin(login string) (contact.Address, error) {
	login = strings.TrimSpace(login)
	parse := contact.ParsePhone
	if strings.Contains(login, "@") {
		parse = contact.ParseEmail
	}
	a, err := parse(login)
	if err != nil {
		return contact.Address{}, fault.InvalidFields(fault.Field{Pointer: "/login", Reason: "login-invalid"})
	}
	return a, nil
}

// Start begins a recovery and sends a code to the contact the login names.
// The answer is the same whether or not an account has that contact; when
// none has, the recovery is a decoy and nothing is sent. Sends count
// against the contact and the client address either way.
func (f *Flow) Start(ctx context.Context, in StartInput) (Status, error) {
	addr, err := parseLogin(in.Login)
	if err != nil {
		return Status{}, err
	}
	id, err := account.NewID(f.Rand)
	if err != nil {
		return Status{}, err
	}
	key := f.contactKey(addr)
	sends := []string{f.challenge.AddressKey(in.ClientIP), key.SendKey()}
	var r Recovery
	var code string
	err = challenge.Retry(ctx, ErrChanged, ErrBusy, func(int) error {
		owners, logs, err := f.Store.Owners(ctx, []challenge.ContactKey{key}, sends)
		if err != nil {
			return fmt.Errorf("start recovery %s: %w", id, err)
		}
		now := f.Now()
		writes, err := f.challenge.Take(logs, sends, now)
		if err != nil {
			return err
		}
		r = Recovery{
			ID: id, Version: 1, AccountID: owners[key], Kind: addr.Kind(), Index: key.Index,
			Locale: in.Locale, CreatedAt: now, ExpiresAt: now.Add(f.TTL),
		}
		if !r.Decoy() {
			r.Address = addr.Value()
		}
		// A decoy gets a code too, which nobody is told.
		if code, r.Code, err = f.challenge.Issue(purposeCode, id, now); err != nil {
			return err
		}
		if err := f.Store.SaveRecovery(ctx, r, writes); err != nil {
			return fmt.Errorf("start recovery %s: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return Status{}, err
	}
	return f.deliver(ctx, r, code)
}

// deliver sends the code, after the recovery is stored, so a lost send is
// repaired by a resend, and answers with the recovery's status. A decoy
// sends nothing.
func (f *Flow) deliver(ctx context.Context, r Recovery, code string) (Status, error) {
	if r.Decoy() {
		return f.status(r), nil
	}
	tmpl := challenge.Template("recovery-code", r.Kind)
	err := f.Sender.Send(ctx, string(r.Kind), r.Address, tmpl, r.Locale, map[string]string{
		"code": code, "minutes": strconv.Itoa(int(f.challenge.TTL() / time.Minute)),
	})
	if err != nil {
		return Status{}, fmt.Errorf("send %s for recovery %s: %w", tmpl, r.ID, err)
	}
	return f.status(r), nil
}
