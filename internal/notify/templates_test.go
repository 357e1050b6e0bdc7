package notify

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// allParams holds every parameter any template uses.
var allParams = map[string]string{
	"code":     "123456",
	"minutes":  "5",
	"link":     "https://portal.example/confirm?registration=r1&token=t1",
	"days":     "3",
	"tracking": "10100003123457",
}

func TestRenderEveryTemplate(t *testing.T) {
	t.Parallel()
	for _, name := range Templates() {
		for _, locale := range []string{LocaleRU, LocaleEN} {
			t.Run(name+"/"+locale, func(t *testing.T) {
				t.Parallel()
				m, err := Render(name, locale, allParams)
				if err != nil {
					t.Fatalf("Render(%s, %s) = %v", name, locale, err)
				}
				if strings.ContainsAny(m.Subject+m.Text, "{}") {
					t.Errorf("Render(%s, %s) left a placeholder: %q %q", name, locale, m.Subject, m.Text)
				}
				if m.Text == "" {
					t.Errorf("Render(%s, %s) has no text", name, locale)
				}
				if mail := templates[name].channel == channelMail; mail != (m.Subject != "") {
					t.Errorf("Render(%s, %s) subject = %q, want a subject exactly for mail", name, locale, m.Subject)
				}
				if cyrillic := strings.ContainsFunc(m.Subject+m.Text, isCyrillic); cyrillic != (locale == LocaleRU) {
					t.Errorf("Render(%s, %s) Cyrillic = %v, want %v", name, locale, cyrillic, locale == LocaleRU)
				}
			})
		}
	}
}

func isCyrillic(r rune) bool { return r >= 'А' && r <= 'я' || r == 'ё' || r == 'Ё' }

var placeholder = regexp.MustCompile(`\{([^}]*)\}`)

// TestTemplatesSameParamsInEveryLocale keeps the locales interchangeable:
// a caller passes the same parameters whatever the person's locale.
func TestTemplatesSameParamsInEveryLocale(t *testing.T) {
	t.Parallel()
	params := func(m Message) []string {
		var names []string
		for _, match := range placeholder.FindAllStringSubmatch(m.Subject+m.Text, -1) {
			names = append(names, match[1])
		}
		slices.Sort(names)
		return slices.Compact(names)
	}
	for name, tpl := range templates {
		if len(tpl.text) != 2 {
			t.Errorf("template %s has %d locales, want ru and en", name, len(tpl.text))
		}
		if diff := cmp.Diff(params(tpl.text[LocaleRU]), params(tpl.text[LocaleEN])); diff != "" {
			t.Errorf("template %s parameters differ between ru and en (-ru +en):\n%s", name, diff)
		}
	}
}

func TestRenderRegistrationCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		locale string
		want   string
	}{
		{"ru", "Код подтверждения: 123456. Действует 5 мин. Никому не сообщайте его."},
		{"", "Код подтверждения: 123456. Действует 5 мин. Никому не сообщайте его."},
		{"de", "Код подтверждения: 123456. Действует 5 мин. Никому не сообщайте его."},
		{"en-GB", "Confirmation code: 123456. Valid for 5 min. Never tell it to anyone."},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			t.Parallel()
			m, err := Render("registration-code", tt.locale, map[string]string{"code": "123456", "minutes": "5"})
			if err != nil || m.Text != tt.want || m.Subject != "" {
				t.Errorf("Render(registration-code, %q) = %+v, %v, want %q", tt.locale, m, err, tt.want)
			}
		})
	}
	// One UCS-2 segment: a Cyrillic SMS longer than 70 characters costs two.
	for _, name := range []string{"registration-code", "recovery-code-sms", "contact-code-sms"} {
		m, _ := Render(name, LocaleRU, map[string]string{"code": "123456", "minutes": "10"})
		if n := utf8.RuneCountInString(m.Text); n > 70 {
			t.Errorf("Russian %s SMS has %d characters, want at most 70 (one segment)", name, n)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		template string
		params   map[string]string
		want     error
	}{
		{"unknown template", "registration-letter", allParams, ErrUnknownTemplate},
		{"no params", "registration-code", nil, ErrMissingParam},
		{"missing minutes", "registration-code", map[string]string{"code": "123456"}, ErrMissingParam},
		{"missing link", "registration-link", map[string]string{"days": "3"}, ErrMissingParam},
		{"missing days", "registration-link", map[string]string{"link": "https://x"}, ErrMissingParam},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, locale := range []string{LocaleRU, LocaleEN} {
				if _, err := Render(tt.template, locale, tt.params); !errors.Is(err, tt.want) {
					t.Errorf("Render(%s, %s) = %v, want %v", tt.template, locale, err, tt.want)
				}
			}
		})
	}
}

func TestRenderDoesNotExpandValues(t *testing.T) {
	t.Parallel()
	m, err := Render("registration-code", LocaleEN, map[string]string{"code": "{minutes}", "minutes": "5"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Confirmation code: {minutes}. Valid for 5 min. Never tell it to anyone."; m.Text != want {
		t.Errorf("Render = %q, want %q", m.Text, want)
	}
}

func TestLocale(t *testing.T) {
	t.Parallel()
	tests := map[string]string{"": "ru", "ru": "ru", "ru-RU": "ru", "en": "en", "EN": "en", "en-US": "en", "en_GB": "en", "english": "ru", "fr": "ru"}
	for in, want := range tests {
		if got := Locale(in); got != want {
			t.Errorf("Locale(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNoticePairs: the flows send a notice or code as <name>-sms to a
// phone and <name>-mail to an e-mail address; each needs both.
func TestNoticePairs(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"recovery-code", "contact-code", "contact-attempt", "contact-changed", "password-changed", "password-reset"} {
		for suffix, channel := range map[string]string{"-sms": channelSMS, "-mail": channelMail} {
			if tpl, ok := templates[name+suffix]; !ok || tpl.channel != channel {
				t.Errorf("template %s%s missing or not for %s", name, suffix, channel)
			}
		}
	}
}
