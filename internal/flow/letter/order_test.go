package letter_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/letter"
	"github.com/portalid/portalid/internal/flow/profile"
)

// TestOrderRefusals: an order the rules refuse writes nothing and starts
// nothing.
func TestOrderRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	std := w.standard(t, home)
	// A standard account whose profile has no residence address.
	_, _, bare := w.Register(t, false)
	w.SetAccount(t, bare, map[string]any{"level": string(account.Standard)})
	_, _, simple := w.Register(t, false)
	_, _, confirmed := w.Register(t, false)
	w.SetAccount(t, confirmed, map[string]any{"level": string(account.Confirmed), "confirmationMethod": "in_person"})
	tests := []struct {
		name    string
		account string
		in      letter.OrderInput
		want    error
		fields  []string
	}{
		{"simplified account", simple, letter.OrderInput{Source: letter.SourceRegistration}, account.ErrNotStandard, nil},
		{"confirmed account", confirmed, letter.OrderInput{Source: letter.SourceRegistration}, account.ErrAlreadyConfirmed, nil},
		{"no address", std.acc.ID, letter.OrderInput{}, nil, []string{"/address:required"}},
		{"source and address", std.acc.ID, letter.OrderInput{Source: letter.SourceResidence, Address: &home}, nil, []string{"/source:source-or-address"}},
		{"unknown source", std.acc.ID, letter.OrderInput{Source: "work"}, nil, []string{"/source:source-invalid"}},
		{"bad address", std.acc.ID, letter.OrderInput{Address: &profile.Address{Postcode: "012345", Text: ""}}, nil,
			[]string{"/address/postcode:postcode-invalid", "/address/text:address-invalid"}},
		{"profile lacks the address", bare, letter.OrderInput{Source: letter.SourceResidence}, nil, []string{"/source:address-missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := w.Items(t)
			_, err := w.Letters.Order(t.Context(), w.account(t, tt.account), tt.in)
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Order() = %v, want %v", err, tt.want)
			}
			if tt.fields != nil {
				got := flowtest.Fields(err)
				slices.Sort(got)
				if diff := cmp.Diff(tt.fields, got); diff != "" {
					t.Errorf("Order() fields (-want +got):\n%s", diff)
				}
			}
			if after := w.Items(t); after != before {
				t.Errorf("a refused order changed the table: %d items, was %d", after, before)
			}
		})
	}
}

// TestOrderToGivenAddress: an address typed (or edited) in the order
// goes on the letter, with the profile's patronymic in the name.
func TestOrderToGivenAddress(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	p := w.standard(t, home)
	given := profile.Address{Postcode: " 630099 ", Text: "г. Новосибирск, Красный пр., д. 18"}
	v := w.order(t, p, letter.OrderInput{Address: &given})
	w.until(t, p.acc.ID, v.LetterID, letter.Delivered)
	w.Post.mu.Lock()
	l := w.Post.letters[v.LetterID]
	w.Post.mu.Unlock()
	if l.Postcode.Value() != "630099" || l.Address.Value() != given.Text || l.Recipient.Value() != p.acc.Surname+" "+p.acc.GivenName+" Сергеевна" {
		t.Errorf("the letter goes to %q %q for %q", l.Postcode.Value(), l.Address.Value(), l.Recipient.Value())
	}
	got, err := w.Store.Letter(t.Context(), p.acc.ID, v.LetterID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Sealed != nil || got.SealedCode != nil {
		t.Errorf("the sealed address or code outlived the hand-over")
	}
}

// TestExpiryOnRead: a code past its lifetime is refused and shown expired
// even before the workflow records it.
func TestExpiryOnRead(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{day: 10 * time.Second}) // the workflow would take 10 minutes
	p := w.standard(t, home)
	id := w.delivered(t, p)
	v := w.view(t, p, id)
	if v.ExpiresAt.Sub(v.DispatchedAt) != 60*24*time.Hour || v.Reminder.DueAt.Sub(v.DispatchedAt) != 14*24*time.Hour {
		t.Errorf("view %+v: want the code valid 60 days from dispatch and the reminder due after 14", v)
	}
	if v.AttemptsLeft != 5 {
		t.Errorf("a delivered letter shows %d attempts left, want 5", v.AttemptsLeft)
	}
	if v.TrackingNumber == "" || v.TrackingURL != "https://www.pochta.ru/tracking?barcode="+v.TrackingNumber {
		t.Errorf("tracking %q at %q, want the number and the carrier's link", v.TrackingNumber, v.TrackingURL)
	}
	w.Clock.Advance(v.ExpiresAt.Sub(w.Clock.Now()) + time.Second)
	if v := w.view(t, p, id); v.Status != letter.Expired || v.AttemptsLeft != 0 {
		t.Errorf("after the lifetime the view shows %s with %d attempts, want expired with 0", v.Status, v.AttemptsLeft)
	}
	w.enter(t, p, id, w.Post.code(t, id), challenge.ErrCodeExpired)
	if l, _ := w.Store.Letter(t.Context(), p.acc.ID, id); l.Attempts != 0 {
		t.Errorf("an expired code counted an attempt")
	}
}

// TestEnterCodeRefusals: malformed input and others' letters.
func TestEnterCodeRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	p := w.standard(t, home)
	other := w.standard(t, home)
	id := w.delivered(t, p)
	code := w.Post.code(t, id)
	if _, _, err := w.Letters.EnterCode(t.Context(), p.acc, id, "not a code", origin); !slices.Equal(flowtest.Fields(err), []string{"/code:code-invalid"}) {
		t.Errorf("malformed code: %v, want /code code-invalid", err)
	}
	if _, _, err := w.Letters.EnterCode(t.Context(), p.acc, "nope", code, origin); !errors.Is(err, letter.ErrNotFound) {
		t.Errorf("malformed letter id: %v, want %v", err, letter.ErrNotFound)
	}
	if _, _, err := w.Letters.EnterCode(t.Context(), other.acc, id, code, origin); !errors.Is(err, letter.ErrNotFound) {
		t.Errorf("another account's letter: %v, want %v", err, letter.ErrNotFound)
	}
	if _, err := w.Letters.Get(t.Context(), other.acc.ID, id); !errors.Is(err, letter.ErrNotFound) {
		t.Errorf("another account reads the letter: %v, want %v", err, letter.ErrNotFound)
	}
	// Case, grouping and the look-alikes do not matter.
	typed := []byte(code)
	for i, c := range typed {
		switch c {
		case '1':
			typed[i] = 'l'
		case '0':
			typed[i] = 'o'
		default:
			if c >= 'A' && c <= 'Z' {
				typed[i] = c + 'a' - 'A'
			}
		}
	}
	w.enter(t, p, id, " "+string(typed)+" ", nil)
	if l, _ := w.Store.Letter(t.Context(), p.acc.ID, id); l.Attempts != 1 {
		t.Errorf("the malformed and foreign attempts counted: %d attempts, want 1", l.Attempts)
	}
}
