package notify

import "maps"

// letterTemplates are the notices of identity confirmation by registered
// letter (SPEC §2.4). None carries the code: it is in the letter only.
var letterTemplates = map[string]template{
	"letter-sent-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Заказное письмо с кодом подтверждения личности отправлено. Код действует {days} дн."},
		LocaleEN: {Text: "A registered letter with your identity confirmation code is on its way. The code is valid for {days} days."},
	}},
	"letter-sent-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Письмо с кодом подтверждения отправлено",
			Text: "Здравствуйте!\n\n" +
				"Заказное письмо с кодом подтверждения личности передано почте. Обычно оно идёт 4–6 дней, иногда до 2–3 недель.\n" +
				"Код действует {days} дн. с отправки письма. Трек-номер придёт отдельным сообщением.",
		},
		LocaleEN: {
			Subject: "Your confirmation letter has been sent",
			Text: "Hello,\n\n" +
				"The registered letter with your identity confirmation code has been handed to the post. It usually takes 4-6 days, sometimes up to 2-3 weeks.\n" +
				"The code is valid for {days} days from dispatch. The tracking number follows in another message.",
		},
	}},
	"letter-tracking-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Трек-номер письма с кодом: {tracking}. Отследить: {link}"},
		LocaleEN: {Text: "Your confirmation letter's tracking number: {tracking}. Track it: {link}"},
	}},
	"letter-tracking-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Трек-номер письма с кодом подтверждения",
			Text: "Здравствуйте!\n\n" +
				"Почта приняла ваше заказное письмо с кодом подтверждения личности.\n" +
				"Трек-номер: {tracking}\nОтследить письмо: {link}",
		},
		LocaleEN: {
			Subject: "Tracking number of your confirmation letter",
			Text: "Hello,\n\n" +
				"The post has taken your registered letter with the identity confirmation code.\n" +
				"Tracking number: {tracking}\nTrack the letter: {link}",
		},
	}},
	"letter-reminder-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Код из заказного письма ещё не введён. Он действует ещё {days} дн."},
		LocaleEN: {Text: "You have not entered the code from your registered letter yet. It is valid for {days} more days."},
	}},
	"letter-reminder-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Введите код из заказного письма",
			Text: "Здравствуйте!\n\n" +
				"Вы ещё не ввели код подтверждения личности из заказного письма. Он действует ещё {days} дн.\n" +
				"Если письмо не пришло, проверьте его по трек-номеру или спросите в своём почтовом отделении.",
		},
		LocaleEN: {
			Subject: "Enter the code from your registered letter",
			Text: "Hello,\n\n" +
				"You have not entered the identity confirmation code from your registered letter yet. It is valid for {days} more days.\n" +
				"If the letter has not come, track it by its number or ask at your post office.",
		},
	}},
	"letter-expired-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Срок кода из заказного письма истёк. Закажите новое письмо в личном кабинете."},
		LocaleEN: {Text: "The code from your registered letter has expired. You may order a new letter in your account."},
	}},
	"letter-expired-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Срок кода подтверждения истёк",
			Text: "Здравствуйте!\n\n" +
				"Код подтверждения личности из заказного письма больше не действует: его срок истёк.\n" +
				"Новое письмо можно заказать в личном кабинете сразу.",
		},
		LocaleEN: {
			Subject: "Your confirmation code has expired",
			Text: "Hello,\n\n" +
				"The identity confirmation code from your registered letter is no longer valid: it has expired.\n" +
				"You may order a new letter in your account right away.",
		},
	}},
	"letter-undelivered-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Заказное письмо с кодом не доставлено. Подробности в личном кабинете."},
		LocaleEN: {Text: "Your registered letter with the confirmation code was not delivered. See your account for details."},
	}},
	"letter-undelivered-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Письмо с кодом подтверждения не доставлено",
			Text: "Здравствуйте!\n\n" +
				"Заказное письмо с кодом подтверждения личности не дошло до вас: почта не приняла адрес, потеряла письмо или вернула его.\n" +
				"Код из этого письма не действует. В личном кабинете видно, что случилось и когда можно заказать новое письмо.",
		},
		LocaleEN: {
			Subject: "Your confirmation letter was not delivered",
			Text: "Hello,\n\n" +
				"The registered letter with your identity confirmation code did not reach you: the post refused the address, lost the letter or returned it.\n" +
				"The code in that letter is not valid. Your account shows what happened and when you may order a new letter.",
		},
	}},
	"letter-void-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Код из заказного письма заблокирован после неверных попыток. Если это были не вы, смените пароль."},
		LocaleEN: {Text: "The code from your registered letter was blocked after wrong attempts. If it was not you, change your password."},
	}},
	"letter-void-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Код подтверждения заблокирован",
			Text: "Здравствуйте!\n\n" +
				"Код подтверждения личности из заказного письма введён неверно слишком много раз и больше не действует.\n" +
				"Если это были не вы, смените пароль. Новое письмо можно заказать в личном кабинете.",
		},
		LocaleEN: {
			Subject: "Your confirmation code was blocked",
			Text: "Hello,\n\n" +
				"The identity confirmation code from your registered letter was entered wrongly too many times and is no longer valid.\n" +
				"If it was not you, change your password. You may order a new letter in your account.",
		},
	}},
	"letter-confirmed-sms": {channel: channelSMS, text: map[string]Message{
		LocaleRU: {Text: "Личность подтверждена заказным письмом. Ваша учётная запись теперь подтверждённая."},
		LocaleEN: {Text: "Your identity was confirmed by registered letter. Your account is now confirmed."},
	}},
	"letter-confirmed-mail": {channel: channelMail, text: map[string]Message{
		LocaleRU: {
			Subject: "Личность подтверждена",
			Text: "Здравствуйте!\n\n" +
				"Вы ввели код из заказного письма: ваша личность подтверждена, учётная запись на портале теперь подтверждённая.\n" +
				"Если это были не вы, немедленно восстановите пароль.",
		},
		LocaleEN: {
			Subject: "Your identity was confirmed",
			Text: "Hello,\n\n" +
				"You entered the code from the registered letter: your identity is confirmed and your portal account is now confirmed.\n" +
				"If it was not you, recover your password at once.",
		},
	}},
}

func init() { maps.Copy(templates, letterTemplates) }
