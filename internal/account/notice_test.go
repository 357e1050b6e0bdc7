package account

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNoticeContacts(t *testing.T) {
	t.Parallel()
	phone := Contact{Kind: "phone", Address: "+79161234567"}
	email := Contact{Kind: "email", Address: "anna@example.org"}
	tests := []struct {
		name     string
		contacts []Contact
		channels []string
		want     []string
	}{
		{"no preference: every contact", []Contact{phone, email}, nil, []string{"phone", "email"}},
		{"sms only", []Contact{phone, email}, []string{ChannelSMS}, []string{"phone"}},
		{"e-mail only", []Contact{phone, email}, []string{ChannelEmail}, []string{"email"}},
		{"both", []Contact{phone, email}, []string{ChannelEmail, ChannelSMS}, []string{"phone", "email"}},
		{"preferred channel without its contact", []Contact{email}, []string{ChannelSMS}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := Account{Contacts: tt.contacts, NotificationChannels: tt.channels}
			var got []string
			for _, c := range a.NoticeContacts() {
				got = append(got, c.Kind)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NoticeContacts() kinds (-want +got):\n%s", diff)
			}
		})
	}
}
