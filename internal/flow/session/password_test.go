package session_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/flow/session"
	"github.com/portalid/portalid/internal/flow/settings"
)

// TestLongUnicodePasswordSignsIn: a password of the maximum length made of
// 4-byte characters and spaces is accepted by the password change (which
// requires the current one) and signs in whole; the same password cut by a
// character or changed in its last one does not (ASVS 2.1.2-2.1.4, 2.1.6).
func TestLongUnicodePasswordSignsIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	p, _ := e.Principal(t, phone, ip)
	long := strings.Repeat("🦉 ", 63) + "q7" // 128 characters, 321 bytes
	if _, err := e.settings.ChangePassword(context.Background(), p, settings.PasswordInput{Current: "", New: long}); err == nil {
		t.Fatal("ChangePassword() without the current password succeeded")
	}
	if _, err := e.settings.ChangePassword(context.Background(), p, settings.PasswordInput{Current: password, New: long}); err != nil {
		t.Fatalf("ChangePassword(128 emoji and spaces) error = %v", err)
	}
	tests := []struct {
		name, password string
		ok             bool
	}{
		{"whole", long, true},
		{"last character changed", long[:len(long)-1] + "8", false},
		{"last character cut", long[:len(long)-1], false},
		{"old password", password, false},
	}
	for _, tt := range tests {
		_, err := e.login(t, phone, tt.password, ip)
		if tt.ok && err != nil {
			t.Errorf("Login(%s) error = %v, want a session", tt.name, err)
		}
		if !tt.ok && !isLoginFailed(err) {
			t.Errorf("Login(%s) error = %v, want %v", tt.name, err, session.ErrLoginFailed)
		}
	}
}
