package contact

import (
	"errors"
	"testing"
)

// FuzzParse: Parse by kind is ParsePhone or ParseEmail, the same result
// and the same refusal, and any other kind is refused with
// ErrKindInvalid, whatever the value.
func FuzzParse(f *testing.F) {
	for _, s := range [][2]string{
		{"phone", "+7 912 345 67 89"}, {"email", "Ivan@Example.RU"}, {"phone", "ivan@example.ru"},
		{"email", "+79123456789"}, {"", "+79123456789"}, {"Phone", "+79123456789"}, {"sms", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, kind, s string) {
		a, err := Parse(Kind(kind), s)
		var want Address
		var wantErr error
		switch Kind(kind) {
		case Phone:
			want, wantErr = ParsePhone(s)
		case Email:
			want, wantErr = ParseEmail(s)
		default:
			if !errors.Is(err, ErrKindInvalid) || !a.IsZero() {
				t.Fatalf("Parse(%q, %q) = %v, want zero, %v", kind, s, err, ErrKindInvalid)
			}
			return
		}
		if a != want || (err == nil) != (wantErr == nil) || (err != nil && !errors.Is(err, wantErr)) {
			t.Fatalf("Parse(%q, %q) = %q, %v; the kind's parser gives %q, %v", kind, s, a.Value(), err, want.Value(), wantErr)
		}
		if err == nil && a.Kind() != Kind(kind) {
			t.Fatalf("Parse(%q, %q) has kind %q", kind, s, a.Kind())
		}
	})
}
