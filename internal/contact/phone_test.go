package contact

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"russian trunk 8 with formatting", "8 (912) 345-67-89", "+79123456789"},
		{"e164 with spaces", "+7 912 345 67 89", "+79123456789"},
		{"7 without plus", "7 912 3456789", "+79123456789"},
		{"ten digits starting with 9", "9123456789", "+79123456789"},
		{"canonical", "+79123456789", "+79123456789"},
		{"dots", "8.912.345.67.89", "+79123456789"},
		{"parentheses after plus", "+7(912)3456789", "+79123456789"},
		{"outer spaces", "  +79123456789  ", "+79123456789"},
		{"german mobile", "+49 151 23456789", "+4915123456789"},
		{"us number", "+1 (202) 555-0143", "+12025550143"},
		{"shortest e164", "+4712345678", "+4712345678"},
		{"eight digits", "+47 1234 5678", "+4712345678"},
		{"fifteen digits", "+123456789012345", "+123456789012345"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePhone(tt.in)
			if err != nil {
				t.Fatalf("ParsePhone(%q) error = %v, want nil", tt.in, err)
			}
			if got.Value() != tt.want || got.Kind() != Phone {
				t.Errorf("ParsePhone(%q) = %s %q, want phone %q", tt.in, got.Kind(), got.Value(), tt.want)
			}
		})
	}
}

func TestParsePhoneInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"spaces only", "   "},
		{"plus only", "+"},
		{"letters", "+7 912 ABC 67 89"},
		{"russian landline", "+7 495 123-45-67"},
		{"russian landline with 8", "8 (495) 123-45-67"},
		{"kazakh +7 7xx", "+7 701 234 5678"},
		{"+7 too short", "+7912345678"},
		{"+7 too long", "+791234567890"},
		{"ten digits not starting with 9", "4951234567"},
		{"eleven digits starting with 9", "91234567890"},
		{"foreign without plus", "4915123456789"},
		{"short without plus", "12345"},
		{"seven digits", "+1234567"},
		{"sixteen digits", "+1234567890123456"},
		{"country code 0", "+0123456789"},
		{"double plus", "++79123456789"},
		{"plus in the middle", "7+9123456789"},
		{"plus inside parentheses", "(+7) 912 345 67 89"},
		{"unbalanced open", "+7 (912 345 67 89"},
		{"unbalanced close", "+7 912) 345 67 89"},
		{"nested parentheses", "+7 ((912)) 3456789"},
		{"slash", "+7/912/3456789"},
		{"tab", "+7\t9123456789"},
		{"non-ascii digits", "+٧٩١٢٣٤٥٦٧٨٩"},
		{"fullwidth digits", "+７９１２３４５６７８９"},
		{"extension", "+79123456789 ext 12"},
		{"very long input", "+7" + strings.Repeat(" ", 100) + "9123456789"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePhone(tt.in)
			if !errors.Is(err, ErrPhoneInvalid) {
				t.Fatalf("ParsePhone(%q) error = %v, want %v", tt.in, err, ErrPhoneInvalid)
			}
			if !got.IsZero() {
				t.Errorf("ParsePhone(%q) returned a non-zero Address with its error", tt.in)
			}
		})
	}
}
