package signature_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/flow/session"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

// The person every test account is: flowtest registers "Петрова Анна";
// the profile adds the patronymic and the verified SNILS.
const (
	surname    = "Петрова"
	given      = "Анна"
	patronymic = "Сергеевна"
	snils      = "11223344595"
)

// anna is the certificate subject that names the account's person.
var anna = devca.Person{Surname: surname, GivenName: given + " " + patronymic, SNILS: snils}

// world is one test's system: the flows over a fresh table, a PKI whose
// root the verifier trusts, and a stranger root it does not.
type world struct {
	*flowtest.Env
	Flow     *sigflow.Flow
	Profiles *profile.Flow
	root     *devca.Authority
	issuing  *devca.Authority
	stranger *devca.Authority
}

func newWorld(t testing.TB) *world {
	t.Helper()
	e := flowtest.New(t)
	// The CMS signing time is the real time, which must fall within the
	// certificates' validity, so the clock starts now.
	e.Clock.Advance(time.Since(e.Clock.Now()))
	keys, err := cipher.NewLocalDataKeys(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sealer := &cipher.Envelope{Keys: keys}
	w := &world{Env: e, Profiles: &profile.Flow{Store: e.Store, Sealer: sealer, Now: e.Clock.Now}}
	if w.root, err = devca.NewRoot("test root", devca.Options{}); err != nil {
		t.Fatal(err)
	}
	if w.issuing, err = w.root.Intermediate("test issuing CA", devca.Options{}); err != nil {
		t.Fatal(err)
	}
	if w.stranger, err = devca.NewRoot("stranger root", devca.Options{}); err != nil {
		t.Fatal(err)
	}
	w.Flow = &sigflow.Flow{
		Store: e.Store, Verifier: signature.NewVerifier(signature.TrustList{w.root.Cert}), Opener: sealer,
		Sender: e.Sent, Index: e.Index, TTL: config.Defaults().Signature.ChallengeTTL, Now: e.Clock.Now, Rand: rand.Reader,
	}
	return w
}

var ips atomic.Int64

// person is a signed-in test account with a phone and an e-mail.
type person struct {
	ID, Phone, Email string
	Principal        session.Principal
}

// standard registers an account and raises it to standard as a passed
// registry check would: the level, the verified SNILS's blind index, and
// a profile with the patronymic.
func (w *world) standard(t testing.TB) person {
	t.Helper()
	p := w.simplified(t)
	w.SetAccount(t, p.ID, map[string]any{"level": string(account.Standard), "snilsIndex": w.Index.Index("snils", snils)})
	patch := profile.Patch{"patronymic": raw(patronymic), "snils": raw(snils)}
	if _, err := w.Profiles.Save(context.Background(), p.ID, patch); err != nil {
		t.Fatalf("profile Save() error = %v", err)
	}
	p.Principal = w.signIn(t, p.Phone)
	return p
}

// simplified registers an account and signs it in.
func (w *world) simplified(t testing.TB) person {
	t.Helper()
	phone, email, id := w.Register(t, true)
	return person{ID: id, Phone: phone, Email: email, Principal: w.signIn(t, phone)}
}

func (w *world) signIn(t testing.TB, phone string) session.Principal {
	t.Helper()
	n := ips.Add(1)
	p, _ := w.Principal(t, phone, fmt.Sprintf("198.51.%d.%d", n>>8&255, n&255))
	return p
}

func raw(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// challenge issues a challenge to the person.
func (w *world) challenge(t testing.TB, p person) sigflow.Challenge {
	t.Helper()
	c, err := w.Flow.Start(context.Background(), p.Principal.Account)
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	return c
}

// ready is a standard person with a challenge and their own valid
// signature over it.
func (w *world) ready(t testing.TB) (person, sigflow.Challenge, []byte) {
	t.Helper()
	p := w.standard(t)
	c := w.challenge(t, p)
	return p, c, w.signed(t, w.issuing, anna, devca.Options{}, c.Bytes)
}

// signed is a signature over content by a certificate for whom, issued by
// the trusted issuing CA with the options.
func (w *world) signed(t testing.TB, by *devca.Authority, whom devca.Person, o devca.Options, content []byte) []byte {
	t.Helper()
	cred, err := by.Issue(whom, o)
	if err != nil {
		t.Fatal(err)
	}
	der, err := cred.Sign(content)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func (w *world) submit(p person, c sigflow.Challenge, cms []byte) (sigflow.Confirmed, error) {
	return w.Flow.Submit(context.Background(), sigflow.Submission{Account: p.Principal.Account, Origin: p.Principal.Client, ChallengeID: c.ID, CMS: cms})
}

// level reads the account's level and confirmation method.
func (w *world) level(t testing.TB, id string) (account.Level, account.Method) {
	t.Helper()
	a, err := w.Store.Account(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Level, a.ConfirmationMethod
}
