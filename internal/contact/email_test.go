package contact

import (
	"errors"
	"strings"
	"testing"
)

func TestParseEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "ivan@example.ru", "ivan@example.ru"},
		{"lower-cased", "Ivan.Petrov@Example.RU", "ivan.petrov@example.ru"},
		{"trimmed", "  ivan@example.ru\t\n", "ivan@example.ru"},
		{"plus tag", "ivan+portal@mail.example.com", "ivan+portal@mail.example.com"},
		{"apostrophe", "o'brien@example.ie", "o'brien@example.ie"},
		{"atext symbols", "a!#$%&*/=?^_`{|}~-b@example.org", "a!#$%&*/=?^_`{|}~-b@example.org"},
		{"punycode domain", "ivan@xn--d1acufc.xn--p1ai", "ivan@xn--d1acufc.xn--p1ai"},
		{"digits in labels", "1@123.example.com", "1@123.example.com"},
		{"hyphen inside label", "a@my-host.example", "a@my-host.example"},
		{"local part of 64", strings.Repeat("a", 64) + "@example.ru", strings.Repeat("a", 64) + "@example.ru"},
		{"254 in all", strings.Repeat("a", 64) + "@" + longDomain(189), strings.Repeat("a", 64) + "@" + longDomain(189)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseEmail(tt.in)
			if err != nil {
				t.Fatalf("ParseEmail(%q) error = %v, want nil", tt.in, err)
			}
			if got.Value() != tt.want || got.Kind() != Email {
				t.Errorf("ParseEmail(%q) = %s %q, want email %q", tt.in, got.Kind(), got.Value(), tt.want)
			}
		})
	}
}

func TestParseEmailInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"no at", "ivan.example.ru"},
		{"two ats", "ivan@petrov@example.ru"},
		{"empty local", "@example.ru"},
		{"empty domain", "ivan@"},
		{"no dot in domain", "ivan@localhost"},
		{"display name", "Ivan <ivan@example.ru>"},
		{"angle brackets", "<ivan@example.ru>"},
		{"comment", "ivan(comment)@example.ru"},
		{"quoted local", `"ivan petrov"@example.ru`},
		{"inner space", "ivan petrov@example.ru"},
		{"leading dot", ".ivan@example.ru"},
		{"trailing dot in local", "ivan.@example.ru"},
		{"double dot in local", "iv..an@example.ru"},
		{"ip literal", "ivan@[192.0.2.1]"},
		{"ipv6 literal", "ivan@[IPv6:2001:db8::1]"},
		{"dotted quad", "ivan@192.0.2.1"},
		{"numeric tld", "ivan@example.123"},
		{"trailing dot in domain", "ivan@example.ru."},
		{"double dot in domain", "ivan@example..ru"},
		{"leading hyphen label", "ivan@-example.ru"},
		{"trailing hyphen label", "ivan@example-.ru"},
		{"underscore in domain", "ivan@my_host.example.ru"},
		{"unicode domain", "ivan@пример.рф"},
		{"unicode local", "иван@example.ru"},
		{"local part of 65", strings.Repeat("a", 65) + "@example.ru"},
		{"label of 64", "a@" + strings.Repeat("b", 64) + ".ru"},
		{"255 in all", strings.Repeat("a", 64) + "@" + longDomain(190)},
		{"comma list", "a@example.ru,b@example.ru"},
		{"semicolon", "a@example.ru;"},
		{"newline inside", "ivan@exa\nmple.ru"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseEmail(tt.in)
			if !errors.Is(err, ErrEmailInvalid) {
				t.Fatalf("ParseEmail(%q) error = %v, want %v", tt.in, err, ErrEmailInvalid)
			}
			if !got.IsZero() {
				t.Errorf("ParseEmail(%q) returned a non-zero Address with its error", tt.in)
			}
		})
	}
}

// longDomain returns a valid domain of exactly n characters (n ≥ 4): labels
// of 60 letters, the last one shorter, then ".ru".
func longDomain(n int) string {
	var labels []string
	rest := n - len(".ru")
	for rest > 63 {
		labels = append(labels, strings.Repeat("x", 60))
		rest -= 61
	}
	labels = append(labels, strings.Repeat("y", rest))
	d := strings.Join(labels, ".") + ".ru"
	if len(d) != n {
		panic("longDomain: wrong length")
	}
	return d
}
