package contact

import (
	"errors"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/redacttest"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		kind    Kind
		in      string
		want    string
		wantErr error
	}{
		{"phone", Phone, "8 912 345 67 89", "+79123456789", nil},
		{"email", Email, "Ivan@Example.ru", "ivan@example.ru", nil},
		{"phone refused", Phone, "ivan@example.ru", "", ErrPhoneInvalid},
		{"email refused", Email, "+79123456789", "", ErrEmailInvalid},
		{"unknown kind", Kind("post"), "ivan@example.ru", "", ErrKindInvalid},
		{"empty kind", Kind(""), "+79123456789", "", ErrKindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.kind, tt.in)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Parse(%q, %q) error = %v, want %v", tt.kind, tt.in, err, tt.wantErr)
			}
			if got.Value() != tt.want {
				t.Errorf("Parse(%q, %q) = %q, want %q", tt.kind, tt.in, got.Value(), tt.want)
			}
			if err == nil && got.Kind() != tt.kind {
				t.Errorf("Parse(%q, %q).Kind() = %q, want %q", tt.kind, tt.in, got.Kind(), tt.kind)
			}
		})
	}
}

func TestAddressIsZero(t *testing.T) {
	t.Parallel()
	if !(Address{}).IsZero() {
		t.Errorf("Address{}.IsZero() = false, want true")
	}
	a, err := ParsePhone("+79123456789")
	if err != nil {
		t.Fatal(err)
	}
	if a.IsZero() {
		t.Errorf("ParsePhone(...).IsZero() = true, want false")
	}
}

func TestAddressEqualAfterNormalising(t *testing.T) {
	t.Parallel()
	a, _ := ParsePhone("8 (912) 345-67-89")
	b, _ := ParsePhone("+7 912 345 67 89")
	if a != b {
		t.Errorf("two spellings of one phone parse to different Addresses")
	}
	c, _ := ParseEmail("Ivan@Example.RU")
	d, _ := ParseEmail("ivan@example.ru")
	if c != d {
		t.Errorf("two casings of one e-mail parse to different Addresses")
	}
}

// The canary values below must never appear in any printed form.
func TestAddressRedacts(t *testing.T) {
	t.Parallel()
	phone, _ := ParsePhone("+79123456789")
	email, _ := ParseEmail("canary@example.ru")
	for _, a := range []Address{phone, email} {
		for _, out := range redacttest.Printed(a) {
			if strings.Contains(out, "912345") || strings.Contains(out, "canary") {
				t.Errorf("Address printed as %q, want it redacted", out)
			}
			if !strings.Contains(out, "[redacted]") {
				t.Errorf("Address printed as %q, want [redacted]", out)
			}
		}
	}
}
