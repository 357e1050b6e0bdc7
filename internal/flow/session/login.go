package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/contact"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/limit"
	"github.com/portalid/portalid/internal/metric"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/retry"
	"github.com/portalid/portalid/internal/secret"
)

// LoginInput is a sign-in request; Login is a phone, an e-mail or a SNILS.
type LoginInput struct {
	Login    string
	Password string
	Client   Client
}

// maxPasswordInput bounds what is fed to argon2id, whatever the policy.
const maxPasswordInput = 1024

// candidates turns a login into the keys it may name and the key its
// failures count under. Eleven bare digits may be a phone or a SNILS, so
// both are looked up (in the same round trip).
func (f *Flow) candidates(login string) ([]Key, string, error) {
	var keys []Key
	lockID := ""
	add := func(kind, value string) {
		keys = append(keys, Key{Kind: kind, Index: f.Index.Index(kind, value)})
		if lockID == "" {
			lockID = kind + ":" + value
		}
	}
	login = strings.TrimSpace(login)
	if strings.Contains(login, "@") {
		if a, err := contact.ParseEmail(login); err == nil {
			add(string(contact.Email), a.Value())
		}
	} else {
		if a, err := contact.ParsePhone(login); err == nil {
			add(string(contact.Phone), a.Value())
		}
		if s, err := person.ParseSNILS(login); err == nil && !strings.HasPrefix(login, "+") {
			add(account.IndexSNILS, s.Value())
		}
	}
	if len(keys) == 0 {
		return nil, "", fault.InvalidFields(fault.Field{Pointer: "/login", Reason: "login-invalid"})
	}
	return keys, "login#" + f.Index.Index("login", lockID), nil
}

// Login checks the password and opens a session. Every failure looks the
// same whether or not the identifier exists, and costs the same argon2id
// work; failures lock the identifier and are limited per client address.
func (f *Flow) Login(ctx context.Context, in LoginInput) (Tokens, error) {
	keys, lockKey, err := f.candidates(in.Login)
	if err != nil {
		return Tokens{}, err
	}
	if in.Password == "" || len(in.Password) > maxPasswordInput {
		return Tokens{}, fault.InvalidFields(fault.Field{Pointer: "/password", Reason: "password-invalid"})
	}
	ipKey := "login#ip#" + f.Index.Index("client-ip", limit.AddressBucket(in.Client.IP))
	st, err := f.Store.LoginState(ctx, keys, lockKey, ipKey)
	if err != nil {
		return Tokens{}, fmt.Errorf("login: %w", err)
	}
	if err := f.blocked(st, f.Now()); err != nil {
		return Tokens{}, err
	}
	acct, ok, err := f.check(ctx, st.AccountIDs, in.Password)
	if err != nil {
		return Tokens{}, err
	}
	// A hash made with other argon2id parameters than the configured
	// ones is replaced now that the password is known to be right.
	verified, rehash := acct.PasswordHash, ""
	if ok && f.Argon2.NeedsRehash(verified) {
		if rehash, err = f.Argon2.Hash(in.Password, f.Rand); err != nil {
			return Tokens{}, fmt.Errorf("login %s: rehash: %w", acct.ID, err)
		}
	}
	for race := 0; race < maxRaces; race++ {
		if err := retry.Backoff(ctx, race); err != nil {
			return Tokens{}, err
		}
		if race > 0 {
			if st, err = f.Store.LoginState(ctx, keys, lockKey, ipKey); err != nil {
				return Tokens{}, fmt.Errorf("login: %w", err)
			}
			if acct.ID != "" {
				if acct, err = f.Store.Account(ctx, acct.ID); err != nil {
					return Tokens{}, fmt.Errorf("login: %w", err)
				}
			}
		}
		now := f.Now()
		if !ok {
			err = f.fail(ctx, st, acct, in.Client, now)
		} else {
			var t Tokens
			if acct.PasswordHash != verified {
				// Changed meanwhile: the password given is not the
				// account's any more (and must not be put back).
				return Tokens{}, ErrLoginFailed
			}
			t, err = f.open(ctx, st, acct, in.Client, now, rehash)
			if err == nil {
				return t, nil
			}
		}
		if !errors.Is(err, ErrChanged) {
			return Tokens{}, err
		}
	}
	return Tokens{}, ErrBusy
}

// blocked refuses a sign-in while the identifier is locked or the client
// address has failed too often.
func (f *Flow) blocked(st LoginState, now time.Time) error {
	if wait := st.Lock.LockedUntil.Sub(now); wait > 0 {
		return fault.Limited(ErrLoginLocked.Slug, wait)
	}
	if _, wait, ok := f.ipFailures.Take(st.IPLog, now); !ok {
		return fault.Limited(ErrTooManyFailures.Slug, wait)
	}
	return nil
}

// check verifies the password against the account the login names, or
// against the dummy hash when it names none.
func (f *Flow) check(ctx context.Context, ids []string, password string) (account.Account, bool, error) {
	for _, id := range ids {
		if id == "" {
			continue
		}
		a, err := f.Store.Account(ctx, id)
		if err != nil {
			return account.Account{}, false, fmt.Errorf("login: %w", err)
		}
		ok, err := secret.VerifyPassword(a.PasswordHash, password)
		if err != nil {
			return account.Account{}, false, fmt.Errorf("login %s: %w", a.ID, err)
		}
		if ok {
			return a, true, nil
		}
		// A failure counts against the first account the login names.
		return a, false, nil
	}
	_, _ = secret.VerifyPassword(f.dummy, password)
	return account.Account{}, false, nil
}

// fail records a failed sign-in: on the identifier's lock (which trips
// after LoginMaxFailures in LoginWindow, for LockoutBase doubled per
// repeat), on the client address, and as events of the account if any.
func (f *Flow) fail(ctx context.Context, st LoginState, acct account.Account, c Client, now time.Time) error {
	if err := f.blocked(st, now); err != nil {
		// Locked meanwhile by concurrent failures: this one is not counted.
		return err
	}
	lock := st.Lock
	if now.After(lock.LockedUntil.Add(24 * time.Hour)) {
		lock.Lockouts = 0
	}
	log, _, _ := f.failures.Take(limit.Log{Times: lock.Failures}, now)
	lock.Failures = log.Times
	kinds := []event.Kind{event.LoginFailed}
	if len(lock.Failures) >= f.Limits.LoginMaxFailures {
		lock.LockedUntil = now.Add(f.Limits.LockoutBase << min(lock.Lockouts, 10))
		lock.Lockouts++
		lock.Failures = nil
		kinds = append(kinds, event.Lockout)
	}
	lock.Version++
	ipLog, _, _ := f.ipFailures.Take(st.IPLog, now)
	var ev *event.Append
	if acct.ID != "" {
		ap := seal(acct, c, now, kinds, nil)
		ev = &ap
	}
	if err := f.Store.RecordFailure(ctx, lock, ipLog, f.ipFailures.Expires(ipLog), ev); err != nil {
		return err
	}
	// blocked passed, so a lock that reaches past now tripped just now.
	if lock.LockedUntil.After(now) {
		metric.Add(ctx, metric.Count(metric.Lockouts))
	}
	return ErrLoginFailed
}

func (f *Flow) open(ctx context.Context, st LoginState, acct account.Account, c Client, now time.Time, rehash string) (Tokens, error) {
	if acct.ResetRequired {
		return Tokens{}, ErrResetRequired
	}
	sid, err := account.NewID(f.Rand)
	if err != nil {
		return Tokens{}, err
	}
	refresh, hash, err := f.newRefresh(acct.ID, sid)
	if err != nil {
		return Tokens{}, err
	}
	s := Session{ID: sid, AccountID: acct.ID, Hash: hash, CreatedAt: now, ExpiresAt: f.expiry(now, now), Version: 1}
	lock := st.Lock
	lock.Failures, lock.Lockouts = nil, 0
	lock.Version++
	if err := f.Store.OpenSession(ctx, s, seal(acct, c, now, []event.Kind{event.Login}, map[string]string{"sessionId": sid}), lock, rehash); err != nil {
		return Tokens{}, err
	}
	return f.tokens(ctx, acct, s, refresh)
}
