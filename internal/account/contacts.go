package account

// contactKinds are the kinds of login contact, in the order an account
// lists them.
var contactKinds = [...]string{"phone", "email"}

// WithContact returns the account's contacts with c in place of the one
// of its kind, or added when the account has none of that kind, phone
// first. The account itself is unchanged.
func (a Account) WithContact(c Contact) []Contact {
	var out []Contact
	for _, k := range contactKinds {
		if k == c.Kind {
			out = append(out, c)
			continue
		}
		if x, ok := a.Contact(k); ok {
			out = append(out, x)
		}
	}
	return out
}
