package organisation_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/organisation"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/flow/session"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

// Every test account is "Петрова Анна" (flowtest registers her so); the
// profile adds the patronymic and a SNILS of her own.
const (
	surname    = "Петрова"
	given      = "Анна"
	patronymic = "Сергеевна"
	orgName    = "ООО «Ромашка»"
)

var ctx = context.Background()

// world is one test's system: the flows over a fresh table and a PKI whose
// root the verifier trusts.
type world struct {
	*flowtest.Env
	Flow     *organisation.Flow
	Sig      *sigflow.Flow
	Profiles *profile.Flow
	issuing  *devca.Authority
}

func newWorld(t testing.TB, maxMembers int) *world {
	t.Helper()
	e := flowtest.New(t)
	// The CMS signing time is the real time, which must fall within the
	// certificates' validity, so the clock starts now.
	e.Clock.Advance(time.Since(e.Clock.Now()))
	sealer := flowtest.Sealer(t)
	w := &world{Env: e, Profiles: &profile.Flow{Store: e.Store, Sealer: sealer, Now: e.Clock.Now}}
	root, err := devca.NewRoot("test root", devca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w.issuing, err = root.Intermediate("test issuing CA", devca.Options{}); err != nil {
		t.Fatal(err)
	}
	w.Sig = &sigflow.Flow{
		Store: e.Store, Verifier: signature.NewVerifier(signature.TrustList{root.Cert}), Opener: sealer,
		Sender: e.Sent, Index: e.Index, TTL: config.Defaults().Signature.ChallengeTTL, Now: e.Clock.Now, Rand: rand.Reader,
	}
	w.Flow = &organisation.Flow{Store: e.Store, Signatures: w.Sig, Index: e.Index, MaxMembers: maxMembers, AddsPerHour: config.Defaults().Organisation.MemberAddsPerHour, Now: e.Clock.Now, Rand: rand.Reader}
	return w
}

var (
	people atomic.Int64
	ips    atomic.Int64
	orgs   atomic.Int64
)

// member is a signed-in test account with its SNILS.
type member struct {
	ID, Phone, SNILS string
	Principal        session.Principal
}

// standard registers a person with a profile (patronymic, SNILS) whose
// SNILS the registry check verified: the level, the SNILS index on the
// account, and the SNILS claim that names the account.
func (w *world) standard(t testing.TB) member {
	t.Helper()
	phone, _, id := w.Register(t, true)
	s := snils(people.Add(1))
	index := w.Index.Index("snils", s)
	w.SetAccount(t, id, map[string]any{"level": string(account.Standard), "snilsIndex": index})
	patch := profile.Patch{"patronymic": raw(patronymic), "snils": raw(s)}
	if _, err := w.Profiles.Save(ctx, id, patch); err != nil {
		t.Fatalf("profile Save() error = %v", err)
	}
	_, err := w.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(w.Table), Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "SNILS#" + index}, "sk": &types.AttributeValueMemberS{Value: "CONTACT"},
		"accountId": &types.AttributeValueMemberS{Value: id},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return member{ID: id, Phone: phone, SNILS: s, Principal: w.signIn(t, phone)}
}

// confirmed is a standard person confirmed by signature.
func (w *world) confirmed(t testing.TB) member {
	t.Helper()
	m := w.standard(t)
	w.SetAccount(t, m.ID, map[string]any{"level": string(account.Confirmed), "confirmationMethod": string(account.MethodSignature)})
	m.Principal = w.signIn(t, m.Phone)
	return m
}

func (w *world) signIn(t testing.TB, phone string) session.Principal {
	t.Helper()
	n := ips.Add(1)
	p, _ := w.Principal(t, phone, fmt.Sprintf("198.51.%d.%d", n>>8&255, n&255))
	return p
}

// numbers are an organisation's OGRN and INN.
type numbers struct{ OGRN, INN string }

// fresh makes the numbers of a new organisation, valid and unused.
func fresh() numbers {
	n := orgs.Add(1)
	return numbers{OGRN: checked(person.ParseOGRN, fmt.Sprintf("1%011d", 27700000000+n)), INN: checked(person.ParseOrgINN, fmt.Sprintf("%09d", 770000000+n))}
}

// checked appends the check digit the parser accepts.
func checked[T interface{ Value() string }](parse func(string) (T, error), base string) string {
	for c := range 10 {
		if v, err := parse(fmt.Sprintf("%s%d", base, c)); err == nil {
			return v.Value()
		}
	}
	panic("no check digit for " + base)
}

// snils makes the n-th valid SNILS.
func snils(n int64) string {
	base := fmt.Sprintf("%09d", 700000000+n)
	for c := range 100 {
		if s, err := person.ParseSNILS(fmt.Sprintf("%s%02d", base, c)); err == nil {
			return s.Value()
		}
	}
	panic("no check digits for SNILS " + base)
}

func raw(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// head is the certificate subject of m as the head of the organisation
// with nums.
func head(nums numbers) devca.Person {
	return devca.Person{Surname: surname, GivenName: given + " " + patronymic, Organisation: orgName, OGRN: nums.OGRN, OrgINN: nums.INN}
}

// challenge issues an organisation challenge to m.
func (w *world) challenge(t testing.TB, m member) sigflow.Challenge {
	t.Helper()
	c, err := w.Flow.Challenge(ctx, m.Principal.Account)
	if err != nil {
		t.Fatalf("Challenge() error = %v", err)
	}
	return c
}

// signed is a signature over content by a certificate for whom.
func (w *world) signed(t testing.TB, whom devca.Person, content []byte) []byte {
	t.Helper()
	cred, err := w.issuing.Issue(whom, devca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	der, err := cred.Sign(content)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// creation is m's request to create the organisation nums, signed for c.
func creation(m member, c sigflow.Challenge, nums numbers, cms []byte) organisation.Creation {
	return organisation.Creation{
		Account: m.Principal.Account, Origin: m.Principal.Client, Name: "  ООО   «Ромашка» ",
		OGRN: nums.OGRN, INN: nums.INN, ChallengeID: c.ID, CMS: cms,
	}
}

// create makes m the head of a new organisation.
func (w *world) create(t testing.TB, m member) organisation.Organisation {
	t.Helper()
	nums := fresh()
	c := w.challenge(t, m)
	o, err := w.Flow.Create(ctx, creation(m, c, nums, w.signed(t, head(nums), c.Bytes)))
	if err != nil {
		t.Fatalf("Create() error = %v", err)
	}
	return o
}

// add adds m to o as an employee, by the head.
func (w *world) add(by member, o organisation.Organisation, m member, role organisation.Role) error {
	_, err := w.Flow.Add(ctx, organisation.Addition{
		Account: by.Principal.Account, Origin: by.Principal.Client, OrganisationID: o.ID, SNILS: m.SNILS, Surname: surname, Role: string(role),
	})
	return err
}

// orgEvents lists an organisation's events oldest first as "kind
// accountId role", failing the test when its chain does not verify.
func (w *world) orgEvents(t testing.TB, orgID string) []string {
	t.Helper()
	o, _, err := w.Store.OrganisationOf(ctx, orgID, "")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := w.Store.OrganisationEvents(ctx, orgID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(evs)
	if broken := event.Verify(evs, o.Events); broken != 0 {
		t.Errorf("organisation %s: event chain broken at %d", orgID, broken)
	}
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = strings.Join([]string{string(e.Kind), e.Details["accountId"], e.Details["role"]}, " ")
	}
	return out
}

// last is the kind of the account's last event and its details'
// organisation and role.
func (w *world) last(t testing.TB, accountID string) string {
	t.Helper()
	kinds := strings.Fields(w.EventKinds(t, accountID)) // verifies the chain
	evs, err := w.Store.Events(ctx, accountID, 0, 1)
	if err != nil || len(evs) != 1 {
		t.Fatalf("Events() = %v, %v", evs, err)
	}
	e := evs[0]
	if string(e.Kind) != kinds[len(kinds)-1] {
		t.Fatalf("the newest event %s is not the chain's last %s", e.Kind, kinds[len(kinds)-1])
	}
	return strings.Join([]string{string(e.Kind), e.Details["organisationId"], e.Details["role"]}, " ")
}
