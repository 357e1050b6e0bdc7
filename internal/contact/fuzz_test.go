package contact

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/redacttest"
)

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{
		"8 (912) 345-67-89", "+7 912 345 67 89", "7 912 3456789", "9123456789",
		"+4915123456789", "+1 (202) 555-0143", "+7 495 123-45-67", "(+7) 912", "++7",
		"+0123456789", "", "+", "8.912.345.67.89", "+٧٩١٢",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParsePhone(s)
		if err != nil {
			if !errors.Is(err, ErrPhoneInvalid) || !a.IsZero() {
				t.Fatalf("ParsePhone(%q) = %v, %v; want zero, %v", s, a.Value(), err, ErrPhoneInvalid)
			}
			return
		}
		v := a.Value()
		if a.Kind() != Phone || len(v) < 9 || len(v) > 16 || v[0] != '+' || v[1] == '0' ||
			strings.Trim(v[1:], "0123456789") != "" {
			t.Fatalf("ParsePhone(%q) = %q, not E.164", s, v)
		}
		if strings.HasPrefix(v, "+7") && (len(v) != 12 || v[2] != '9') {
			t.Fatalf("ParsePhone(%q) = %q, not a Russian mobile", s, v)
		}
		again, err := ParsePhone(v)
		if err != nil || again != a {
			t.Fatalf("ParsePhone(%q) = %q, %v; want it unchanged", v, again.Value(), err)
		}
		assertRedacted(t, a)
	})
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{
		"ivan@example.ru", "Ivan.Petrov@Example.RU", " a+b@x.y ", "o'brien@example.ie",
		"ivan@xn--d1acufc.xn--p1ai", `"q"@example.ru`, "Ivan <ivan@example.ru>", "a@[192.0.2.1]",
		"a@192.0.2.1", "a@b", "@", "", "a..b@c.d", "иван@пример.рф", "a@b.c\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseEmail(s)
		if err != nil {
			if !errors.Is(err, ErrEmailInvalid) || !a.IsZero() {
				t.Fatalf("ParseEmail(%q) = %v, %v; want zero, %v", s, a.Value(), err, ErrEmailInvalid)
			}
			return
		}
		v := a.Value()
		if a.Kind() != Email || len(v) > maxEmail || strings.Count(v, "@") != 1 ||
			v != strings.ToLower(v) || !utf8.ValidString(v) || strings.ContainsAny(v, " \t\r\n<>()[]\",;:\\") {
			t.Fatalf("ParseEmail(%q) = %q, not a bare lower-case address", s, v)
		}
		again, err := ParseEmail(v)
		if err != nil || again != a {
			t.Fatalf("ParseEmail(%q) = %q, %v; want it unchanged", v, again.Value(), err)
		}
		assertRedacted(t, a)
	})
}

// assertRedacted fails when a prints differently from the zero Address,
// that is when any printing path depends on the value.
func assertRedacted(t *testing.T, a Address) {
	t.Helper()
	if got, zero := redacttest.Quick(a), redacttest.Quick(Address{}); got != zero {
		t.Fatalf("Address printed as %q, want %q as the zero Address", got, zero)
	}
}
