package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"

	"github.com/portalid/portalid/internal/person"
)

// Password is the password of every account the bench makes; Password2
// is the one it changes to.
const (
	Password  = "Lantern-Orbit-47"
	Password2 = "Harbour-Comet-93"
)

// seq numbers the contacts and client addresses of one run, so that no
// two requests share a rate limit they did not mean to.
var seq atomic.Int64

// Fresh returns a new phone, e-mail and client address.
func Fresh() (phone, email, ip string) {
	n := seq.Add(1)
	return fmt.Sprintf("+7955%07d", n), fmt.Sprintf("bench%d@example.org", n), fmt.Sprintf("10.%d.%d.%d", 100+n>>16&127, n>>8&255, n&255)
}

// Account is an account the bench registered through the API.
type Account struct {
	ID, Phone, Password string
}

// Tokens are a sign-in's tokens.
type Tokens struct {
	Access  string `json:"accessToken"`
	Refresh string `json:"refreshToken"`
}

// Bearer is the Authorization header of the access token.
func (t Tokens) Bearer() map[string]string {
	return map[string]string{"authorization": "Bearer " + t.Access}
}

func decodeJSON(body string, v any) error {
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// StartRegistration starts a registration of phone and returns its id.
func (s *System) StartRegistration(ctx context.Context, phone, ip string) (string, error) {
	res, err := s.Do(ctx, Request{Method: "POST", Path: "/v1/registrations", IP: ip,
		Body: fmt.Sprintf(`{"surname":"Иванова","givenName":"Анна","phone":%q,"termsVersion":"2026-01"}`, phone)})
	if err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"registrationId"`
	}
	return out.ID, decodeJSON(res.Body, &out)
}

// ConfirmRegistration enters the code the phone got.
func (s *System) ConfirmRegistration(ctx context.Context, id, phone, ip string) error {
	code, err := s.LastCode(phone)
	if err != nil {
		return err
	}
	_, err = s.Do(ctx, Request{Method: "POST", Path: "/v1/registrations/" + id + "/confirm", IP: ip, Body: fmt.Sprintf(`{"code":%q}`, code)})
	return err
}

// Register makes a simplified account with a fresh phone.
func (s *System) Register(ctx context.Context) (Account, error) {
	phone, _, ip := Fresh()
	id, err := s.StartRegistration(ctx, phone, ip)
	if err != nil {
		return Account{}, err
	}
	if err := s.ConfirmRegistration(ctx, id, phone, ip); err != nil {
		return Account{}, err
	}
	res, err := s.Do(ctx, Request{Method: "POST", Path: "/v1/registrations/" + id + "/password", IP: ip, Body: fmt.Sprintf(`{"password":%q}`, Password)})
	if err != nil {
		return Account{}, err
	}
	var out struct {
		ID string `json:"accountId"`
	}
	return Account{ID: out.ID, Phone: phone, Password: Password}, decodeJSON(res.Body, &out)
}

// Login signs a in from a fresh client address.
func (s *System) Login(ctx context.Context, a Account) (Tokens, error) {
	_, _, ip := Fresh()
	res, err := s.Do(ctx, Request{Method: "POST", Path: "/v1/sessions", IP: ip, Body: loginBody(a)})
	if err != nil {
		return Tokens{}, err
	}
	var t Tokens
	return t, decodeJSON(res.Body, &t)
}

func loginBody(a Account) string {
	return fmt.Sprintf(`{"login":%q,"password":%q}`, a.Phone, a.Password)
}

// SignedIn registers an account and signs it in.
func (s *System) SignedIn(ctx context.Context) (Account, Tokens, error) {
	a, err := s.Register(ctx)
	if err != nil {
		return Account{}, Tokens{}, err
	}
	t, err := s.Login(ctx, a)
	return a, t, err
}

// StartRecovery starts a password recovery for a and returns its id.
func (s *System) StartRecovery(ctx context.Context, a Account, ip string) (string, error) {
	res, err := s.Do(ctx, Request{Method: "POST", Path: "/v1/recovery", IP: ip, Body: fmt.Sprintf(`{"login":%q}`, a.Phone)})
	if err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"recoveryId"`
	}
	return out.ID, decodeJSON(res.Body, &out)
}

// profileBody is a complete profile (ready for the registry check) with
// the n-th SNILS and passport number, unique in the run and clear of the
// values the registry simulator rejects or never answers.
func profileBody(n int64) string {
	return fmt.Sprintf(`{"noPatronymic":true,"gender":"female","birthDate":"1990-05-17","birthPlace":"г. Тверь","citizenship":"RUS",`+
		`"snils":%q,"passport":{"series":"2804","number":"%06d","issuer":"ОВД Заволжского района г. Твери","issueDate":"2010-06-01","subdivisionCode":"692-001"}}`,
		snils(n), 200000+n%700000)
}

// snils makes the n-th valid SNILS: the check digits are the ones the
// domain's parser accepts.
func snils(n int64) string {
	base := fmt.Sprintf("%09d", 500000000+n%400000000)
	for c := range 100 {
		if s, err := person.ParseSNILS(fmt.Sprintf("%s%02d", base, c)); err == nil {
			return s.Value()
		}
	}
	panic("bench: no check digits for SNILS " + base)
}

// Submitted registers an account with a complete profile and submits it
// for the registry check; it returns the account, its tokens and the
// check id.
func (s *System) Submitted(ctx context.Context) (Account, Tokens, string, error) {
	a, t, err := s.SignedIn(ctx)
	if err != nil {
		return Account{}, Tokens{}, "", err
	}
	if _, err := s.Do(ctx, Request{Method: "PATCH", Path: "/v1/me/profile", Header: mergePatch(t), Body: profileBody(seq.Add(1))}); err != nil {
		return Account{}, Tokens{}, "", err
	}
	res, err := s.Do(ctx, Request{Method: "POST", Path: "/v1/me/identity-checks", Header: t.Bearer(), Body: `{"consent":true}`})
	if err != nil {
		return Account{}, Tokens{}, "", err
	}
	var out struct {
		ID string `json:"checkId"`
	}
	return a, t, out.ID, decodeJSON(res.Body, &out)
}

func mergePatch(t Tokens) map[string]string {
	return map[string]string{"authorization": "Bearer " + t.Access, "content-type": "application/merge-patch+json"}
}
