package secret

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/redacttest"
)

func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"123456", "000000", " 123456\n", "12345", "1234567", "123 456", "١٢٣٤٥٦", "12345\x00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseCode(s)
		if err != nil {
			if !errors.Is(err, ErrCodeInvalid) || got != "" {
				t.Fatalf("ParseCode(%q) = %q, %v; want \"\", %v", s, got, err, ErrCodeInvalid)
			}
			return
		}
		if len(got) != CodeLength || strings.Trim(got, "0123456789") != "" {
			t.Fatalf("ParseCode(%q) = %q, not six digits", s, got)
		}
		if again, err := ParseCode(got); err != nil || again != got {
			t.Fatalf("ParseCode(%q) = %q, %v; want it unchanged", got, again, err)
		}
		// A code drawn from the same digits prints only as [redacted].
		c := Code{v: got}
		if got, zero := redacttest.Quick(c), redacttest.Quick(Code{}); got != zero {
			t.Fatalf("Code printed as %q, want %q as the zero Code", got, zero)
		}
	})
}

func FuzzParseToken(f *testing.F) {
	f.Add(strings.Repeat("A", 43))
	f.Add(strings.Repeat("-_-_", 10) + "-_8")
	f.Add(strings.Repeat("A", 42) + "B")
	f.Add(strings.Repeat("A", 20) + "\n" + strings.Repeat("A", 22))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseToken(s)
		if err != nil {
			if !errors.Is(err, ErrTokenInvalid) || got != "" {
				t.Fatalf("ParseToken(%q) = %q, %v; want \"\", %v", s, got, err, ErrTokenInvalid)
			}
			return
		}
		if len(got) != TokenLength || strings.Trim(got, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			t.Fatalf("ParseToken(%q) = %q, not 43 base64url characters", s, got)
		}
		if again, err := ParseToken(got); err != nil || again != got {
			t.Fatalf("ParseToken(%q) = %q, %v; want it unchanged", got, again, err)
		}
		if out, zero := redacttest.Quick(Token{v: got}), redacttest.Quick(Token{}); out != zero {
			t.Fatalf("Token printed as %q, want %q as the zero Token", out, zero)
		}
	})
}

func FuzzPolicyCheck(f *testing.F) {
	for _, s := range [][3]string{
		{"vT7#kq9!Lm2Zx", "+79123456789", "9123456789"},
		{"a9123456789", "+79123456789", "9123456789"},
		{"Ivan.Petrov2024", "ivan.petrov@example.ru", "ivan.petrov"},
		{"password1", "", ""},
		{"qwerty123", "Иван", "Петров"},
		{"пароль123", "", ""},
		{"Жук7 ест кварц", "Ян", "17.05.1990"},
		{"short1", "", ""},
		{"no digits here", "", ""},
		{"12345678", "", ""},
		{"mad90817263", "", ""},
		{"\xff\xfe1aaaaaaa", "\xff", ""},
	} {
		f.Add(s[0], s[1], s[2])
	}
	p := Policy{MinLength: 8, MaxLength: 128}
	slugs := map[string]bool{}
	for _, e := range []*fault.Error{ErrPasswordTooShort, ErrPasswordTooLong, ErrPasswordNeedsLetter,
		ErrPasswordNeedsDigit, ErrPasswordPersonalData, ErrPasswordTooCommon} {
		slugs[e.Slug] = true
	}
	f.Fuzz(func(t *testing.T, password, personal1, personal2 string) {
		personal := []string{personal1, personal2}
		err := p.Check(password, personal)
		if err != nil {
			fe, ok := fault.As(err)
			if !ok || fe.Kind != fault.Invalid || !slugs[fe.Slug] || err.Error() != fe.Slug {
				t.Fatalf("Check(%q) = %#v, want an Invalid fault with a password slug", password, err)
			}
			if again := p.Check(password, personal); !errors.Is(again, err) {
				t.Fatalf("Check(%q) = %v then %v, want the same", password, err, again)
			}
			return
		}
		n := utf8.RuneCountInString(password)
		if n < p.MinLength || n > p.MaxLength ||
			strings.IndexFunc(password, unicode.IsLetter) < 0 || strings.IndexFunc(password, unicode.IsDigit) < 0 {
			t.Fatalf("Check(%q) = nil, but it breaks a length or character rule", password)
		}
		if _, listed := commonPasswords()[strings.ToLower(password)]; listed {
			t.Fatalf("Check(%q) = nil, but it is in the common list", password)
		}
		lower := strings.ToLower(password)
		for _, s := range personal {
			if s := strings.ToLower(s); utf8.RuneCountInString(s) >= minPersonal && strings.Contains(lower, s) {
				t.Fatalf("Check(%q, %q) = nil, but the password contains it", password, s)
			}
		}
	})
}

// FuzzParsePHC reads arbitrary stored hashes: no panic, parameters within
// bounds whenever it succeeds (so VerifyPassword never runs away), and only
// canonical strings accepted.
func FuzzParsePHC(f *testing.F) {
	f.Add(knownFast)
	f.Add(knownDefaults)
	f.Add("$argon2id$v=19$m=1048577,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$rAjuexKlLdAHLvqk7TeeiWZjW4OPoRGwldJXdHbTuKI")
	f.Add("$argon2id$v=19$m=064,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$rAjuexKlLdAHLvqk7TeeiWZjW4OPoRGwldJXdHbTuKI")
	f.Add("$argon2i$v=19$m=64,t=1,p=1$c2FsdA$c2FsdA")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			if !errors.Is(err, ErrHashMalformed) && !errors.Is(err, ErrArgon2Params) {
				t.Fatalf("parsePHC(%q) error = %v, want ErrHashMalformed or ErrArgon2Params", s, err)
			}
			return
		}
		if checkParams(h.memory, h.time, h.threads) != nil || len(h.salt) < minSalt || len(h.salt) > maxSalt ||
			len(h.key) < minKey || len(h.key) > maxKey {
			t.Fatalf("parsePHC(%q) accepted out-of-range values", s)
		}
		if got := h.String(); got != s {
			t.Fatalf("parsePHC(%q).String() = %q, want the input back", s, got)
		}
	})
}

func FuzzParseLetterCode(f *testing.F) {
	for _, s := range []string{"7K3QM-9ZP2D", "7k3qm9zp2d", "IL1iLABCDE", "Oo0 OoABCDE", "UK3QM9ZP2D", "7К3QM9ZP2D", "7K3QM9ZP2DA", " - ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseLetterCode(s)
		if err != nil {
			if !errors.Is(err, ErrLetterCodeInvalid) || got != "" {
				t.Fatalf("ParseLetterCode(%q) = %q, %v; want \"\", %v", s, got, err, ErrLetterCodeInvalid)
			}
			return
		}
		if len(got) != LetterCodeLength || strings.Trim(got, crockford) != "" {
			t.Fatalf("ParseLetterCode(%q) = %q, not 10 Crockford symbols", s, got)
		}
		// Canonical, its grouped form and its lower case all read back the same.
		c := LetterCode{v: got}
		for _, form := range []string{got, c.Grouped(), strings.ToLower(c.Grouped())} {
			if again, err := ParseLetterCode(form); err != nil || again != got {
				t.Fatalf("ParseLetterCode(%q) = %q, %v; want %q", form, again, err, got)
			}
		}
		if out, zero := redacttest.Quick(c), redacttest.Quick(LetterCode{}); out != zero {
			t.Fatalf("LetterCode printed as %q, want %q as the zero LetterCode", out, zero)
		}
	})
}
