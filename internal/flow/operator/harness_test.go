package operator_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/flow/operator"
	"github.com/portalid/portalid/internal/flow/profile"
	"github.com/portalid/portalid/internal/registry"
)

var ctx = context.Background()

// world is one test's system: the flows over a fresh table, the identity
// check without its workflow (its last step is called directly), and the
// operator flow.
type world struct {
	*flowtest.Env
	Op       *operator.Flow
	Profiles *profile.Flow
	Identity *identity.Flow
}

// noWorkflow starts nothing: the tests call the identity check's outcome
// step themselves, as the workflow would after both registries answered.
type noWorkflow struct{}

func (noWorkflow) Start(context.Context, string, any) error { return nil }

func newWorld(t testing.TB) *world {
	t.Helper()
	e := flowtest.New(t)
	sealer := flowtest.Sealer(t)
	w := &world{Env: e, Profiles: &profile.Flow{Store: e.Store, Sealer: sealer, Now: e.Clock.Now}}
	w.Identity = &identity.Flow{
		Store: e.Store, Sealer: sealer, Workflow: noWorkflow{}, Sender: e.Sent, Index: e.Index, Now: e.Clock.Now, Rand: rand.Reader,
	}
	w.Op = &operator.Flow{
		Store: e.Store, Profiles: w.Profiles, Recoveries: e.Recovery, Sender: e.Sent, Index: e.Index,
		Limits: config.Defaults().Operator, Now: e.Clock.Now, Rand: rand.Reader,
	}
	return w
}

// operator registers an operator credential and returns its principal.
func (w *world) operator(t testing.TB, id, centre string) string {
	t.Helper()
	p := "arn:aws:iam::123456789012:user/operators/" + id
	if err := w.Store.PutOperator(ctx, p, operator.Operator{ID: id, Centre: centre}); err != nil {
		t.Fatal(err)
	}
	return p
}

// person is someone with an account and the documents in their profile.
type person struct {
	Phone, Email, AccountID string
	SNILS                   string
	Series, Number, Issued  string
}

func (p person) passport() operator.Presented {
	return operator.Presented{Series: p.Series, Number: p.Number, IssueDate: p.Issued}
}

var people atomic.Int64

// snils returns a valid SNILS (with its checksum) for n.
func snils(n int64) string {
	d := fmt.Sprintf("%09d", 300000000+n)
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (9 - i)
	}
	check := sum % 101
	if check == 100 {
		check = 0
	}
	return fmt.Sprintf("%s-%s-%s %02d", d[0:3], d[3:6], d[6:9], check)
}

// simplified registers a person and saves a complete profile, without a
// registry check.
func (w *world) simplified(t testing.TB) person {
	t.Helper()
	n := people.Add(1)
	p := person{SNILS: snils(n), Series: fmt.Sprintf("45%02d", n%100), Number: fmt.Sprintf("%06d", 100000+n), Issued: "2012-04-17"}
	p.Phone, p.Email, p.AccountID = w.Register(t, true)
	raw := fmt.Sprintf(`{"noPatronymic":true,"gender":"female","birthDate":"1990-05-17","birthPlace":"г. Москва","citizenship":"RUS",`+
		`"snils":%q,"passport":{"series":%q,"number":%q,"issuer":"ОВД района Арбат г. Москвы","issueDate":%q,"subdivisionCode":"770-001"}}`,
		p.SNILS, p.Series, p.Number, p.Issued)
	var patch profile.Patch
	if err := json.Unmarshal([]byte(raw), &patch); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Profiles.Save(ctx, p.AccountID, patch); err != nil {
		t.Fatalf("profile Save() error = %v", err)
	}
	return p
}

// submit starts the registry check of the person's profile.
func (w *world) submit(t testing.TB, p person) string {
	t.Helper()
	c, err := w.Identity.Submit(ctx, p.AccountID, true)
	if err != nil {
		t.Fatalf("identity Submit() error = %v", err)
	}
	return c.ID
}

// standard is a person whose registry check passed.
func (w *world) standard(t testing.TB) person {
	t.Helper()
	p := w.simplified(t)
	check := w.submit(t, p)
	state, err := w.Identity.RecordOutcome(ctx, identity.OutcomeInput{AccountID: p.AccountID, CheckID: check, Results: []registry.Result{
		{Item: registry.SNILS, Outcome: registry.Passed}, {Item: registry.Passport, Outcome: registry.Passed},
	}})
	if err != nil || state != identity.Passed {
		t.Fatalf("identity RecordOutcome() = %q, %v; want passed", state, err)
	}
	return p
}

// operatorEvents lists the account's operator-action, level-changed and
// contact-changed events as "kind what operator centre", oldest first;
// what is the action (and result) of an operator-action, to/method of a
// level change, kind/change of a contact change.
func (w *world) operatorEvents(t testing.TB, accountID string) []string {
	t.Helper()
	_ = w.EventKinds(t, accountID) // verifies the chain
	evs, err := w.Store.AllEvents(ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if e.Kind != event.OperatorAction && e.Kind != event.LevelChanged && e.Kind != event.ContactChanged {
			continue
		}
		what := e.Details["action"] + e.Details["result"]
		if e.Kind != event.OperatorAction {
			what = e.Details["to"] + "/" + e.Details["method"]
			if e.Kind == event.ContactChanged {
				what = e.Details["kind"] + "/" + e.Details["change"]
			}
		}
		out = append(out, strings.TrimSpace(strings.Join([]string{string(e.Kind), what, e.Details["operator"], e.Details["centre"]}, " ")))
	}
	return out
}

// confirmedBy is the in-person confirmation the account item records, as
// "operator centre".
func (w *world) confirmedBy(t testing.TB, accountID string) string {
	t.Helper()
	res, err := w.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(w.Table), ConsistentRead: aws.Bool(true), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}, "sk": &types.AttributeValueMemberS{Value: "ACCOUNT"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := res.Item["confirmedInPerson"].(*types.AttributeValueMemberM)
	if m == nil {
		return ""
	}
	op, _ := m.Value["operatorId"].(*types.AttributeValueMemberS)
	c, _ := m.Value["centreId"].(*types.AttributeValueMemberS)
	if op == nil || c == nil {
		return "malformed"
	}
	return op.Value + " " + c.Value
}
