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
// ("мин.", "дн.") so no plural forms are needed. The Russian SMS that carry
// a code fit one UCS-2 SMS segment (70 characters). A notice goes out as
// <name>-sms to a phone and <name>-mail to an e-mail address.
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
	"recovery-code-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Код восстановления: {code}. Действует {minutes} мин. Никому не сообщайте."},
		LocaleEN: {Text: "Password recovery code: {code}. Valid for {minutes} min. Never tell it to anyone."},
	}},
	"recovery-code-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Код восстановления пароля",
			Text: "Здравствуйте!\n\n" +
				"Код для восстановления пароля на портале: {code}\n" +
				"Он действует {minutes} мин. Никому не сообщайте его.\n\n" +
				"Если вы не восстанавливали пароль, просто проигнорируйте это письмо: без кода никто не сможет его сменить.",
		},
		LocaleEN: {
			Subject: "Your password recovery code",
			Text: "Hello,\n\n" +
				"Your code to recover your portal password: {code}\n" +
				"It is valid for {minutes} min. Never tell it to anyone.\n\n" +
				"If you did not ask to recover your password, simply ignore this message: nobody can change it without the code.",
		},
	}},
	"contact-code-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Код для смены номера: {code}. Действует {minutes} мин. Никому не сообщайте."},
		LocaleEN: {Text: "Code to confirm this phone: {code}. Valid for {minutes} min. Never tell it to anyone."},
	}},
	"contact-code-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Подтвердите адрес электронной почты",
			Text: "Здравствуйте!\n\n" +
				"Код для подтверждения этого адреса в учётной записи портала: {code}\n" +
				"Он действует {minutes} мин. Никому не сообщайте его.\n\n" +
				"Если вы не меняли адрес, просто проигнорируйте это письмо.",
		},
		LocaleEN: {
			Subject: "Confirm your e-mail address",
			Text: "Hello,\n\n" +
				"Your code to confirm this address for your portal account: {code}\n" +
				"It is valid for {minutes} min. Never tell it to anyone.\n\n" +
				"If you did not change your address, simply ignore this message.",
		},
	}},
	"contact-attempt-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Кто-то пытался привязать ваш номер к другой учётной записи портала. " +
			"Номер остался вашим, ничего делать не нужно."},
		LocaleEN: {Text: "Someone tried to add your phone number to another portal account. " +
			"The number is still yours; nothing needs doing."},
	}},
	"contact-attempt-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Попытка привязать ваш адрес к другой учётной записи",
			Text: "Здравствуйте!\n\n" +
				"Кто-то пытался привязать этот адрес электронной почты к другой учётной записи портала.\n\n" +
				"Адрес остался за вашей учётной записью, ничего делать не нужно.",
		},
		LocaleEN: {
			Subject: "Attempt to add your address to another account",
			Text: "Hello,\n\n" +
				"Someone tried to add this e-mail address to another portal account.\n\n" +
				"The address still belongs to your account; nothing needs doing.",
		},
	}},
	"password-changed-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Пароль вашей учётной записи изменён. Если это были не вы, восстановите пароль."},
		LocaleEN: {Text: "Your portal password was changed. If it was not you, recover your password now."},
	}},
	"password-changed-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Пароль изменён",
			Text: "Здравствуйте!\n\n" +
				"Пароль вашей учётной записи на портале изменён, все другие сеансы завершены.\n\n" +
				"Если это были не вы, немедленно восстановите пароль.",
		},
		LocaleEN: {
			Subject: "Your password was changed",
			Text: "Hello,\n\n" +
				"The password of your portal account was changed and every other session was ended.\n\n" +
				"If it was not you, recover your password at once.",
		},
	}},
	"password-reset-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Пароль вашей учётной записи восстановлен, все сеансы завершены. Если это были не вы, восстановите пароль."},
		LocaleEN: {Text: "Your portal password was reset and every session ended. If it was not you, recover your password now."},
	}},
	"password-reset-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Пароль восстановлен",
			Text: "Здравствуйте!\n\n" +
				"Пароль вашей учётной записи на портале восстановлен, все сеансы завершены.\n\n" +
				"Если это были не вы, немедленно восстановите пароль.",
		},
		LocaleEN: {
			Subject: "Your password was reset",
			Text: "Hello,\n\n" +
				"The password of your portal account was reset and every session was ended.\n\n" +
				"If it was not you, recover your password at once.",
		},
	}},
	"contact-changed-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Телефон или почта вашей учётной записи изменены. Если это были не вы, восстановите пароль."},
		LocaleEN: {Text: "The phone or e-mail of your portal account was changed. If it was not you, recover your password."},
	}},
	"contact-changed-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Контактные данные изменены",
			Text: "Здравствуйте!\n\n" +
				"В вашей учётной записи на портале изменён номер телефона или адрес электронной почты.\n\n" +
				"Если это были не вы, немедленно восстановите пароль.",
		},
		LocaleEN: {
			Subject: "Your contact details were changed",
			Text: "Hello,\n\n" +
				"The phone number or e-mail address of your portal account was changed.\n\n" +
				"If it was not you, recover your password at once.",
		},
	}},
	"signature-confirmed-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Личность подтверждена электронной подписью. Учётная запись теперь подтверждённая. Если это были не вы, восстановите пароль."},
		LocaleEN: {Text: "Your identity was confirmed by electronic signature; your account is now confirmed. If it was not you, recover your password."},
	}},
	"signature-confirmed-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Личность подтверждена электронной подписью",
			Text: "Здравствуйте!\n\n" +
				"Ваша личность подтверждена квалифицированной электронной подписью, " +
				"учётная запись на портале теперь подтверждённая: вам доступны все услуги.\n\n" +
				"Если это были не вы, немедленно восстановите пароль и обратитесь в поддержку.",
		},
		LocaleEN: {
			Subject: "Your identity was confirmed by electronic signature",
			Text: "Hello,\n\n" +
				"Your identity was confirmed with a qualified electronic signature, " +
				"and your portal account is now confirmed: every service is open to you.\n\n" +
				"If it was not you, recover your password at once and contact support.",
		},
	}},
	"identity-check-passed-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Паспорт и СНИЛС подтверждены. Ваша учётная запись теперь стандартная."},
		LocaleEN: {Text: "Your passport and SNILS were confirmed. Your account is now standard."},
	}},
	"identity-check-passed-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Личные данные подтверждены",
			Text: "Здравствуйте!\n\n" +
				"Пенсионный фонд подтвердил ваш СНИЛС, миграционная служба — паспорт.\n" +
				"Ваша учётная запись на портале теперь стандартная: вам доступно больше услуг.",
		},
		LocaleEN: {
			Subject: "Your personal data was confirmed",
			Text: "Hello,\n\n" +
				"The pension fund confirmed your SNILS and the migration service your passport.\n" +
				"Your portal account is now standard: more services are open to you.",
		},
	}},
	"identity-check-failed-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Проверка личных данных не пройдена. Исправьте данные в профиле и отправьте снова."},
		LocaleEN: {Text: "Your personal data did not pass the check. Correct your profile and submit it again."},
	}},
	"identity-check-failed-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Личные данные не подтверждены",
			Text: "Здравствуйте!\n\n" +
				"Ведомство не подтвердило часть ваших личных данных. В профиле на портале указано, " +
				"какие данные не прошли проверку и почему.\n\n" +
				"Исправьте их и отправьте на проверку снова.",
		},
		LocaleEN: {
			Subject: "Your personal data was not confirmed",
			Text: "Hello,\n\n" +
				"A registry did not confirm part of your personal data. Your portal profile shows " +
				"which item failed the check and why.\n\n" +
				"Correct it and submit it for the check again.",
		},
	}},
	"identity-check-stalled-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Проверка личных данных не завершена: ведомство не ответило. Обратитесь в поддержку."},
		LocaleEN: {Text: "Your personal data check did not finish: a registry did not answer. Please contact support."},
	}},
	"identity-check-stalled-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Проверка личных данных не завершена",
			Text: "Здравствуйте!\n\n" +
				"Ведомство не ответило на запрос о проверке ваших личных данных в отведённый срок.\n\n" +
				"Обратитесь в службу поддержки портала: операторы видят вашу проверку и помогут её завершить.",
		},
		LocaleEN: {
			Subject: "Your personal data check did not finish",
			Text: "Hello,\n\n" +
				"A registry did not answer the check of your personal data in time.\n\n" +
				"Please contact the portal's support: operators can see your check and will help finish it.",
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
