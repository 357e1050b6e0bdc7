package signature_test

import (
	"context"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

// TestSubmit runs one submission per case on a fresh standard account:
// what it answers, whether it confirms, and that it spends the challenge
// either way.
func TestSubmit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	day := 24 * time.Hour
	tests := []struct {
		name string
		// sign makes the CMS for the challenge bytes.
		sign func(w *world, content []byte) []byte
		want error // nil: confirmed
	}{
		{name: "the person's certificate", sign: func(w *world, c []byte) []byte { return w.signed(t, w.issuing, anna, devca.Options{}, c) }},
		{name: "names in capitals, ё for е", sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, devca.Person{Surname: "ПЕТРОВА", GivenName: "АННА  СЕРГЕЕВНА", SNILS: snils}, devca.Options{}, c)
		}},
		{name: "a certificate without SNILS", sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, devca.Person{Surname: surname, GivenName: anna.GivenName}, devca.Options{}, c)
		}},
		{name: "another surname", want: sigflow.ErrSubjectMismatch, sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, devca.Person{Surname: "Иванова", GivenName: anna.GivenName, SNILS: snils}, devca.Options{}, c)
		}},
		{name: "another patronymic", want: sigflow.ErrSubjectMismatch, sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, devca.Person{Surname: surname, GivenName: "Анна Петровна", SNILS: snils}, devca.Options{}, c)
		}},
		{name: "no patronymic", want: sigflow.ErrSubjectMismatch, sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, devca.Person{Surname: surname, GivenName: given, SNILS: snils}, devca.Options{}, c)
		}},
		{name: "another SNILS", want: sigflow.ErrSubjectMismatch, sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, devca.Person{Surname: surname, GivenName: anna.GivenName, SNILS: "12345678964"}, devca.Options{}, c)
		}},
		{name: "an expired certificate", want: signature.ErrExpired, sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, anna, devca.Options{NotBefore: time.Now().Add(-400 * day), NotAfter: time.Now().Add(-day)}, c)
		}},
		{name: "a certificate not yet valid", want: signature.ErrNotYetValid, sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, anna, devca.Options{NotBefore: time.Now().Add(day), NotAfter: time.Now().Add(400 * day)}, c)
		}},
		{name: "a CA not on the trust list", want: signature.ErrUntrusted, sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.stranger, anna, devca.Options{}, c)
		}},
		{name: "no digital-signature key usage", want: signature.ErrUsage, sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, anna, devca.Options{Edit: func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageContentCommitment }}, c)
		}},
		{name: "a signature over other bytes", want: signature.ErrSignatureInvalid, sign: func(w *world, c []byte) []byte {
			return w.signed(t, w.issuing, anna, devca.Options{}, append([]byte("x"), c...))
		}},
		{name: "not a signature", want: signature.ErrSignatureInvalid, sign: func(*world, []byte) []byte { return []byte("garbage") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := w.standard(t)
			c := w.challenge(t, p)
			out, err := w.submit(p, c, tt.sign(w, c.Bytes))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Submit() error = %v, want %v", err, tt.want)
			}
			lvl, method := w.level(t, p.ID)
			events := w.EventKinds(t, p.ID)
			if tt.want == nil {
				if out.Level != account.Confirmed || out.Method != account.MethodSignature || lvl != account.Confirmed || method != account.MethodSignature {
					t.Errorf("Submit() = %+v; account %s by %q, want confirmed by signature", out, lvl, method)
				}
				if !strings.HasSuffix(events, "level-changed") {
					t.Errorf("events = %s, want a level-changed event last", events)
				}
				if told := notices(w, p); !slices.Equal(told, []string{"signature-confirmed-sms", "signature-confirmed-mail"}) {
					t.Errorf("notices = %q, want one SMS and one mail", told)
				}
			} else {
				if lvl != account.Standard || method != "" || strings.Contains(events, "level-changed") {
					t.Errorf("after a refusal the account is %s by %q with events %s, want standard and unchanged", lvl, method, events)
				}
				if told := notices(w, p); len(told) > 0 {
					t.Errorf("a refusal sent %q", told)
				}
			}
			// Spent, whatever the outcome: the person's own valid
			// signature over it is refused now.
			if _, err := w.submit(p, c, w.signed(t, w.issuing, anna, devca.Options{}, c.Bytes)); !errors.Is(err, sigflow.ErrChallengeUsed) && !errors.Is(err, account.ErrAlreadyConfirmed) {
				t.Errorf("second Submit() error = %v, want %v", err, sigflow.ErrChallengeUsed)
			}
			if tt.want != nil {
				// A new challenge confirms.
				c2 := w.challenge(t, p)
				if _, err := w.submit(p, c2, w.signed(t, w.issuing, anna, devca.Options{}, c2.Bytes)); err != nil {
					t.Errorf("Submit() on a new challenge after a refusal: %v", err)
				}
			}
		})
	}
}

// TestRefusalsLeakNothing checks that a refusal names no personal data:
// the fault is its slug.
func TestRefusalsLeakNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.standard(t)
	c := w.challenge(t, p)
	_, err := w.submit(p, c, w.signed(t, w.issuing, devca.Person{Surname: "Иванова", GivenName: "Мария Ивановна", SNILS: "12345678964"}, devca.Options{}, c.Bytes))
	f, ok := fault.As(err)
	if !ok || f.Slug != "certificate-subject-mismatch" || len(f.Fields) > 0 {
		t.Fatalf("Submit() = %v, want the bare certificate-subject-mismatch fault", err)
	}
	for _, canary := range []string{"Иванова", "Мария", "12345678964", "Петрова", snils} {
		if strings.Contains(err.Error(), canary) {
			t.Errorf("the error %q names %q", err, canary)
		}
	}
}

// TestLevels checks who may ask and answer: standard accounts only, and
// a refusal writes nothing.
func TestLevels(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	simple := w.simplified(t)
	before := w.Items(t)
	if _, err := w.Flow.Start(ctx, simple.Principal.Account); !errors.Is(err, account.ErrNotStandard) {
		t.Errorf("Start(simplified) error = %v, want %v", err, account.ErrNotStandard)
	}
	if _, err := w.submit(simple, sigflow.Challenge{ID: strings.Repeat("a", 26)}, []byte("x")); !errors.Is(err, account.ErrNotStandard) {
		t.Errorf("Submit(simplified) error = %v, want %v", err, account.ErrNotStandard)
	}
	if after := w.Items(t); after != before {
		t.Errorf("refusals wrote %d items", after-before)
	}

	p := w.standard(t)
	c := w.challenge(t, p)
	if _, err := w.submit(p, c, w.signed(t, w.issuing, anna, devca.Options{}, c.Bytes)); err != nil {
		t.Fatal(err)
	}
	confirmed := w.signIn(t, p.Phone)
	if _, err := w.Flow.Start(ctx, confirmed.Account); !errors.Is(err, account.ErrAlreadyConfirmed) {
		t.Errorf("Start(confirmed) error = %v, want %v", err, account.ErrAlreadyConfirmed)
	}

	// An account that lost standard after its challenge was issued (a
	// re-check failed) is refused at submission, and the challenge spent.
	q := w.standard(t)
	c = w.challenge(t, q)
	w.SetAccount(t, q.ID, map[string]any{"level": string(account.Simplified)})
	if _, err := w.submit(q, c, w.signed(t, w.issuing, anna, devca.Options{}, c.Bytes)); !errors.Is(err, account.ErrNotStandard) {
		t.Errorf("Submit() after a drop to simplified = %v, want %v", err, account.ErrNotStandard)
	}
	if outcome := w.outcome(t, q.ID, c.ID); outcome != "level-too-low" {
		t.Errorf("challenge outcome = %q, want level-too-low", outcome)
	}
}

// TestChallenges checks the challenge: random, valid TTL, the owner's
// only, expired on the injected clock without a write.
func TestChallenges(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.standard(t)
	c1, c2 := w.challenge(t, p), w.challenge(t, p)
	if len(c1.Bytes) != sigflow.ChallengeSize || string(c1.Bytes) == string(c2.Bytes) || c1.ID == c2.ID {
		t.Errorf("challenges %x and %x: want 32 distinct random bytes each", c1.Bytes, c2.Bytes)
	}
	if got := c1.ExpiresAt.Sub(c1.CreatedAt); got != 10*time.Minute {
		t.Errorf("challenge valid %v, want 10m", got)
	}

	other := w.standard(t)
	for _, tt := range []struct {
		name string
		who  person
		id   string
	}{
		{"another account's challenge", other, c1.ID},
		{"an unknown id", p, strings.Repeat("b", 26)},
		{"a malformed id", p, "../../etc"},
	} {
		_, err := w.Flow.Submit(context.Background(), sigflow.Submission{Account: tt.who.Principal.Account, ChallengeID: tt.id, CMS: []byte("x")})
		if !errors.Is(err, sigflow.ErrChallengeNotFound) {
			t.Errorf("%s: Submit() error = %v, want %v", tt.name, err, sigflow.ErrChallengeNotFound)
		}
	}

	cms := w.signed(t, w.issuing, anna, devca.Options{}, c1.Bytes)
	w.Clock.Advance(10 * time.Minute)
	before := w.Items(t)
	if _, err := w.submit(p, c1, cms); !errors.Is(err, sigflow.ErrChallengeExpired) {
		t.Errorf("Submit() at expiry error = %v, want %v", err, sigflow.ErrChallengeExpired)
	}
	if w.outcome(t, p.ID, c1.ID) != "" || w.Items(t) != before {
		t.Errorf("an expired challenge was written to")
	}
	if lvl, _ := w.level(t, p.ID); lvl != account.Standard {
		t.Errorf("level = %s after an expired challenge", lvl)
	}
}

// notices lists the templates of the messages sent to the person's
// phone, then e-mail, leaving out their registration's.
func notices(w *world, p person) []string {
	var out []string
	for _, m := range append(w.Sent.To(p.Phone), w.Sent.To(p.Email)...) {
		if strings.HasPrefix(m.Template, "signature-") {
			out = append(out, m.Template)
		}
	}
	return out
}

// outcome reads what a challenge recorded ("" while unspent).
func (w *world) outcome(t testing.TB, accountID, challengeID string) string {
	t.Helper()
	res, err := w.DB.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(w.Table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}, "sk": &types.AttributeValueMemberS{Value: "SIGCHAL#" + challengeID},
		},
	})
	if err != nil || res.Item == nil {
		t.Fatalf("GetItem(challenge) = %v, %v", res, err)
	}
	if v, ok := res.Item["outcome"].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}
