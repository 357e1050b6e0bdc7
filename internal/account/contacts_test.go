package account

import (
	"reflect"
	"testing"
)

func TestWithContact(t *testing.T) {
	t.Parallel()
	phone := Contact{Kind: "phone", Address: "+79160000001"}
	email := Contact{Kind: "email", Address: "a@example.org"}
	newPhone := Contact{Kind: "phone", Address: "+79160000002"}
	newEmail := Contact{Kind: "email", Address: "b@example.org"}
	tests := []struct {
		name string
		has  []Contact
		c    Contact
		want []Contact
	}{
		{"replaces the phone, keeps the e-mail", []Contact{phone, email}, newPhone, []Contact{newPhone, email}},
		{"replaces the e-mail", []Contact{phone, email}, newEmail, []Contact{phone, newEmail}},
		{"adds a phone before the e-mail", []Contact{email}, newPhone, []Contact{newPhone, email}},
		{"adds an e-mail after the phone", []Contact{phone}, newEmail, []Contact{phone, newEmail}},
		{"orders what was out of order", []Contact{email, phone}, newEmail, []Contact{phone, newEmail}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := Account{Contacts: tt.has}
			if got := a.WithContact(tt.c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("WithContact(%v) = %v, want %v", tt.c, got, tt.want)
			}
			if !reflect.DeepEqual(a.Contacts, tt.has) {
				t.Errorf("WithContact changed the account's own contacts to %v", a.Contacts)
			}
		})
	}
}
