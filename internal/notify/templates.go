// Package notify sends the portal's outbound messages: SMS through SNS,
// e-mail through SES in AWS or a local outbox file, from templates in
// Russian and English.
package notify

import (
	"errors"
	"fmt"
	"strings"
)

// Message is a rendered template. Subject is set for mail templates only.
type Message struct {
	Subject, Text string
}

// The locales; DefaultLocale is used for an empty or unknown locale.
const (
	LocaleRU      = "ru"
	LocaleEN      = "en"
	DefaultLocale = LocaleRU
)

// The channels a template is written for.
const (
	channelSMS  = "sms"
	channelMail = "mail"
)

// Template errors.
var (
	ErrUnknownTemplate = errors.New("unknown template")
	ErrMissingParam    = errors.New("missing template parameter")
)

type template struct {
	channel string
	text    map[string]Message // by locale
}

// templates holds every message text. Placeholders are {name}; a parameter
// value is inserted once and never expanded again. Units are abbreviated
// ("мин.", "дн.") so no plural forms are needed. The Russian registration
// code fits one UCS-2 SMS segment (70 characters).
var templates = map[string]template{
	"registration-code": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Код подтверждения: {code}. Действует {minutes} мин. Никому не сообщайте его."},
		LocaleEN: {Text: "Confirmation code: {code}. Valid for {minutes} min. Never tell it to anyone."},
	}},
	"registration-link": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Подтвердите адрес электронной почты",
			Text: "Здравствуйте!\n\n" +
				"Чтобы завершить регистрацию на портале, перейдите по ссылке:\n{link}\n\n" +
				"Ссылка действует {days} дн. Никому не пересылайте это письмо.\n" +
				"Если вы не регистрировались, просто проигнорируйте его.",
		},
		LocaleEN: {
			Subject: "Confirm your e-mail address",
			Text: "Hello,\n\n" +
				"To complete your registration on the portal, follow this link:\n{link}\n\n" +
				"The link is valid for {days} day(s). Never forward this message to anyone.\n" +
				"If you did not register, simply ignore it.",
		},
	}},
	"registration-attempt-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Кто-то пытался зарегистрироваться на портале с вашим номером. " +
			"Если это вы, войдите или восстановите пароль. Если нет, ничего делать не нужно."},
		LocaleEN: {Text: "Someone tried to register on the portal with your phone number. " +
			"If it was you, sign in or recover your password. If not, ignore this message."},
	}},
	"registration-attempt-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Попытка регистрации с вашим адресом",
			Text: "Здравствуйте!\n\n" +
				"Кто-то пытался зарегистрироваться на портале с этим адресом электронной почты, " +
				"но учётная запись с ним уже есть.\n\n" +
				"Если это были вы, войдите в свою учётную запись или восстановите пароль.\n" +
				"Если нет, просто проигнорируйте это письмо: ничего не изменилось.",
		},
		LocaleEN: {
			Subject: "Registration attempt with your address",
			Text: "Hello,\n\n" +
				"Someone tried to register on the portal with this e-mail address, " +
				"but an account with it already exists.\n\n" +
				"If it was you, sign in to your account or recover your password.\n" +
				"If not, simply ignore this message: nothing has changed.",
		},
	}},
}

// Templates returns the names of all templates.
func Templates() []string {
	names := make([]string, 0, len(templates))
	for name := range templates {
		names = append(names, name)
	}
	return names
}

// Locale returns the supported locale for a requested one ("en", "en-GB",
// "EN_us" → "en"), or DefaultLocale.
func Locale(requested string) string {
	lang, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(requested)), "-")
	lang, _, _ = strings.Cut(lang, "_")
	if lang == LocaleEN {
		return LocaleEN
	}
	return DefaultLocale
}

// Render fills the named template in the given locale. Every placeholder
// must have a parameter; parameters the template does not use are ignored.
// Errors name the template and the parameter, never a value.
func Render(name, locale string, params map[string]string) (Message, error) {
	t, ok := templates[name]
	if !ok {
		return Message{}, fmt.Errorf("render %s: %w", name, ErrUnknownTemplate)
	}
	m := t.text[Locale(locale)]
	var err error
	if m.Subject, err = expand(m.Subject, params); err != nil {
		return Message{}, fmt.Errorf("render %s subject: %w", name, err)
	}
	if m.Text, err = expand(m.Text, params); err != nil {
		return Message{}, fmt.Errorf("render %s: %w", name, err)
	}
	return m, nil
}

// expand replaces each {name} in s by params[name], in one left-to-right
// pass so that braces inside values are copied, not expanded.
func expand(s string, params map[string]string) (string, error) {
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("unclosed placeholder")
		}
		key := s[open+1 : open+end]
		v, ok := params[key]
		if !ok {
			return "", fmt.Errorf("%w %q", ErrMissingParam, key)
		}
		b.WriteString(s[:open])
		b.WriteString(v)
		s = s[open+end+1:]
	}
}
