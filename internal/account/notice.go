package account

import "slices"

// NoticeContacts returns the contacts a notice (not a security notice)
// goes to: those on the channels the person prefers, or every confirmed
// contact when no preference is set.
func (a Account) NoticeContacts() []Contact {
	var out []Contact
	for _, c := range a.Contacts {
		channel := ChannelEmail
		if c.Kind == "phone" {
			channel = ChannelSMS
		}
		if len(a.NotificationChannels) == 0 || slices.Contains(a.NotificationChannels, channel) {
			out = append(out, c)
		}
	}
	return out
}
