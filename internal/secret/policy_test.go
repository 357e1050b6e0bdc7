package secret

import (
	"errors"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/fault"
)

func TestPolicyCheck(t *testing.T) {
	t.Parallel()
	policy := Policy{MinLength: 8, MaxLength: 128}
	// What the registration flow passes for Иван Петров, +7 912 345-67-89,
	// ivan.petrov@example.ru, born 17.05.1990.
	personal := []string{
		"+79123456789", "9123456789", "ivan.petrov@example.ru", "ivan.petrov",
		"Иван", "Петров", "17.05.1990", "1990-05-17",
	}
	tests := []struct {
		name     string
		password string
		personal []string
		want     error
	}{
		{"strong", "vT7#kq9!Lm2Zx", personal, nil},
		{"strong cyrillic", "Жук7 ест кварц", personal, nil},
		{"exactly 8", "k7Gq2mZx", nil, nil},
		{"exactly 128", strings.Repeat("aZ3x", 32), nil, nil},
		{"128 cyrillic letters count as runes", strings.Repeat("ж", 127) + "7", nil, nil},

		{"empty", "", nil, ErrPasswordTooShort},
		{"7 characters", "k7Gq2mZ", nil, ErrPasswordTooShort},
		{"7 runes in 14 bytes", "жжжжжж7", nil, ErrPasswordTooShort},
		{"129 characters", strings.Repeat("aZ3x", 32) + "a", nil, ErrPasswordTooLong},
		{"no letter", "1234-5678-90", nil, ErrPasswordNeedsLetter},
		{"no digit", "correct horse battery", nil, ErrPasswordNeedsDigit},
		{"short wins over no digit", "abc", nil, ErrPasswordTooShort},
		{"letter wins over personal", "+79123456789", personal, ErrPasswordNeedsLetter},

		{"equal to the phone with a letter", "a9123456789", personal, ErrPasswordPersonalData},
		{"phone with separators", "x912-345-67-89", personal, ErrPasswordPersonalData},
		{"phone with dots", "tel.912.345.67.89", personal, ErrPasswordPersonalData},
		{"e-mail local part", "Ivan.Petrov2024", personal, ErrPasswordPersonalData},
		{"e-mail local part without dot", "ivanpetrov7!", personal, ErrPasswordPersonalData},
		{"whole e-mail", "ivan.petrov@example.ru1", personal, ErrPasswordPersonalData},
		{"name any case", "ПЕТРОВ-the-1st", personal, ErrPasswordPersonalData},
		{"birth date digits", "born17051990x", personal, ErrPasswordPersonalData},
		{"birth date as typed", "x17.05.1990", personal, ErrPasswordPersonalData},
		{"birth date iso", "d19900517!", personal, ErrPasswordPersonalData},
		{"personal wins over common", "qwerty123", []string{"qwerty"}, ErrPasswordPersonalData},

		{"common", "password1", nil, ErrPasswordTooCommon},
		{"common keyboard walk", "qwerty123", nil, ErrPasswordTooCommon},
		{"common any case", "PassWord1", nil, ErrPasswordTooCommon},
		{"common stem and digits", "dragon2024", nil, ErrPasswordTooCommon},
		{"common stem and punctuation", "Qwerty_123!", nil, ErrPasswordTooCommon},
		{"russian keyboard walk", "1q2w3e4r", nil, ErrPasswordTooCommon},
		{"russian word on latin layout", "gfhjkm123", nil, ErrPasswordTooCommon},
		{"russian word", "пароль123", nil, ErrPasswordTooCommon},
		{"cyrillic keyboard walk", "Йцукен123", nil, ErrPasswordTooCommon},
		{"transliterated", "parol2000", nil, ErrPasswordTooCommon},
		{"privet", "privet123", nil, ErrPasswordTooCommon},
		{"zaq", "zaq12wsx", nil, ErrPasswordTooCommon},
		{"only a trailing run is stripped", "7dragon2024", nil, nil},
		{"listed stem shorter than 4 is not looked up", "mad90817263", nil, nil},

		{"short personal strings ignored", "Ян2024-xyzq", []string{"Ян", "Ли", "+7", "a.b"}, nil},
		{"empty personal string ignored", "vT7#kq9!Lm2Zx", []string{"", " ", "--"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := policy.Check(tt.password, tt.personal)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.password, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Check(%q) = %v, want %v", tt.password, err, tt.want)
			}
			if f, ok := fault.As(err); !ok || f.Kind != fault.Invalid {
				t.Errorf("Check(%q) = %#v, want an Invalid fault", tt.password, err)
			}
		})
	}
}

func TestPolicyCheckReturnsFreshFaults(t *testing.T) {
	t.Parallel()
	p := Policy{MinLength: 8, MaxLength: 128}
	a, b := p.Check("short", nil), p.Check("short", nil)
	if a == b || a == error(ErrPasswordTooShort) {
		t.Errorf("Check() returned a shared fault value; callers may change it")
	}
}
