package session_test

import (
	"testing"

	"github.com/portalid/portalid/internal/secret"
)

// TestLoginRehashes: after the argon2id parameters are raised, the next
// successful sign-in replaces the account's hash with one of the new
// parameters (in the login's own transaction), which the password still
// opens; a hash of the current parameters is left alone, and a failed
// sign-in never rehashes.
func TestLoginRehashes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone, _, id := e.Register(t, false)
	hash := func() string {
		t.Helper()
		a, err := e.store.Account(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a.PasswordHash
	}
	old := hash()
	if e.flow.Argon2.NeedsRehash(old) {
		t.Fatalf("the registration's hash needs a rehash under the same parameters")
	}
	raised := e.flow.Argon2
	raised.Time++
	e.flow.Argon2 = raised

	if _, err := e.login(t, phone, "Wrong-password-1", ip); !isLoginFailed(err) {
		t.Fatalf("Login(wrong) error = %v", err)
	}
	if hash() != old {
		t.Fatalf("a failed sign-in changed the hash")
	}
	if _, err := e.login(t, phone, password, ip); err != nil {
		t.Fatalf("Login() error = %v", err)
	}
	upgraded := hash()
	if upgraded == old || raised.NeedsRehash(upgraded) {
		t.Fatalf("after the sign-in the hash is %s, want one of the raised parameters", phcParams(upgraded))
	}
	if ok, err := secret.VerifyPassword(upgraded, password); !ok || err != nil {
		t.Fatalf("the new hash does not open with the password: %v, %v", ok, err)
	}
	if _, err := e.login(t, phone, password, ip); err != nil {
		t.Fatalf("Login() with the new hash error = %v", err)
	}
	if hash() != upgraded {
		t.Errorf("a hash of the current parameters was replaced")
	}
}

// phcParams is the parameter part of a PHC string, for messages (no key).
func phcParams(h string) string {
	n := 0
	for i, r := range h {
		if r == '$' {
			n++
			if n == 4 {
				return h[:i]
			}
		}
	}
	return "?"
}
