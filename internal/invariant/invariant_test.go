package invariant_test

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/bench"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/invariant"
	"github.com/portalid/portalid/internal/testenv"
)

// world is a table the real flows filled (through the API as Lambda runs
// it), and the keys of what they made.
type world struct {
	sys      *bench.System
	standard string // a standard account (passed registry check, SNILS login)
	simple   string // a simplified account
	org      string // an organisation at ORG_MAX_MEMBERS: its head and an administrator
	head     string
	admin    string
}

func newWorld(t *testing.T) world {
	t.Helper()
	testenv.Require(t, testenv.EnvDynamoDB)
	ctx := t.Context()
	sys, err := bench.NewSystem(ctx, t.TempDir(), func(c *config.Config) {
		c.Password.Argon2MemKiB, c.Password.Argon2Time = 64, 1
		c.Organisation.MaxMembers = 2
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sys.Close)
	p, err := sys.Standard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := sys.SignedIn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head, org, err := sys.Organisation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := world{sys: sys, standard: p.ID, simple: a.ID, org: path.Base(org), head: head.ID}
	for _, m := range w.items(t, "ORG#"+w.org, "MEMBER#") {
		if m["role"].(*types.AttributeValueMemberS).Value == "administrator" {
			w.admin = m["accountId"].(*types.AttributeValueMemberS).Value
		}
	}
	if w.admin == "" {
		t.Fatal("the organisation has no administrator")
	}
	return w
}

func (w world) scan(t *testing.T) invariant.Report {
	t.Helper()
	r, err := invariant.Scan(t.Context(), w.sys.DB, w.sys.Table, w.sys.Config, 3)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// item reads the first item of partition pk whose sort key starts with
// skPrefix.
func (w world) item(t *testing.T, pk, skPrefix string) map[string]types.AttributeValue {
	t.Helper()
	return w.items(t, pk, skPrefix)[0]
}

// items reads the items (at least one) of partition pk whose sort key
// starts with skPrefix.
func (w world) items(t *testing.T, pk, skPrefix string) []map[string]types.AttributeValue {
	t.Helper()
	res, err := w.sys.DB.Query(t.Context(), &dynamodb.QueryInput{
		TableName: aws.String(w.sys.Table), KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(pk), ":sk": s(skPrefix)}, ConsistentRead: aws.Bool(true),
	})
	if err != nil || len(res.Items) == 0 {
		t.Fatalf("no item %s %s*: %v", pk, skPrefix, err)
	}
	return res.Items
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v int64) types.AttributeValue  { return &types.AttributeValueMemberN{Value: fmt.Sprint(v)} }
func l(vs ...int64) types.AttributeValue {
	out := &types.AttributeValueMemberL{}
	for _, v := range vs {
		out.Value = append(out.Value, n(v))
	}
	return out
}

// mutation is a write that breaks one invariant; it returns the item key
// the scan must name.
type mutation struct {
	rule   string
	name   string
	mutate func(t *testing.T, w world, m *mutator) (pk, sk string)
}

// mutator writes items and puts back what was there before.
type mutator struct {
	w    world
	undo []func()
}

func (m *mutator) key(av map[string]types.AttributeValue) (string, string) {
	return av["pk"].(*types.AttributeValueMemberS).Value, av["sk"].(*types.AttributeValueMemberS).Value
}

// put replaces (or adds) an item, remembering the one it replaces.
func (m *mutator) put(t *testing.T, av map[string]types.AttributeValue) (string, string) {
	t.Helper()
	ctx, db, table := t.Context(), m.w.sys.DB, aws.String(m.w.sys.Table)
	k := map[string]types.AttributeValue{"pk": av["pk"], "sk": av["sk"]}
	old, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: k, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: av}); err != nil {
		t.Fatal(err)
	}
	m.undo = append(m.undo, func() {
		if old.Item != nil {
			_, err = db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: table, Item: old.Item})
		} else {
			_, err = db.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: table, Key: k})
		}
		if err != nil {
			t.Errorf("undo %v: %v", k, err)
		}
	})
	return m.key(av)
}

// set puts av with attributes changed (nil removes one).
func (m *mutator) set(t *testing.T, av map[string]types.AttributeValue, attrs map[string]types.AttributeValue) (string, string) {
	t.Helper()
	out := map[string]types.AttributeValue{}
	for k, v := range av {
		out[k] = v
	}
	for k, v := range attrs {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return m.put(t, out)
}

// remove deletes an item, remembering it.
func (m *mutator) remove(t *testing.T, av map[string]types.AttributeValue) (string, string) {
	t.Helper()
	ctx, db, table := t.Context(), m.w.sys.DB, aws.String(m.w.sys.Table)
	k := map[string]types.AttributeValue{"pk": av["pk"], "sk": av["sk"]}
	if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: table, Key: k}); err != nil {
		t.Fatal(err)
	}
	m.undo = append(m.undo, func() {
		if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: table, Item: av}); err != nil {
			t.Errorf("undo %v: %v", k, err)
		}
	})
	return m.key(av)
}

func (m *mutator) restore() {
	for i := len(m.undo) - 1; i >= 0; i-- {
		m.undo[i]()
	}
	m.undo = nil
}

func account(w world, id string) string { return "ACCOUNT#" + id }

// claimOf is the account's claim of a kind (PHONE#, SNILS#, …).
func claimOf(t *testing.T, w world, prefix, accountID string) map[string]types.AttributeValue {
	t.Helper()
	return claimBy(t, w, prefix, "accountId", accountID)
}

// claimBy is the claim of a kind whose attribute attr names owner (an
// account's accountId, an organisation's organisationId).
func claimBy(t *testing.T, w world, prefix, attr, owner string) map[string]types.AttributeValue {
	t.Helper()
	res, err := w.sys.DB.Scan(t.Context(), &dynamodb.ScanInput{
		TableName: aws.String(w.sys.Table), ConsistentRead: aws.Bool(true),
		FilterExpression:          aws.String("begins_with(pk, :p) AND #owner = :a"),
		ExpressionAttributeNames:  map[string]string{"#owner": attr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": s(prefix), ":a": s(owner)},
	})
	if err != nil || len(res.Items) == 0 {
		t.Fatalf("no %s claim of the owner: %v", prefix, err)
	}
	return res.Items[0]
}

func org(w world) string { return "ORG#" + w.org }

// join writes a membership of the world's organisation both ways, as the
// store does (the count and events are the caller's).
func (m *mutator) join(t *testing.T, w world, accountID, role string) (pk, sk string) {
	t.Helper()
	m.put(t, map[string]types.AttributeValue{"pk": s(account(w, accountID)), "sk": s("MEMBEROF#" + w.org), "organisationId": s(w.org), "role": s(role), "since": n(time.Now().UnixMilli())})
	return m.put(t, map[string]types.AttributeValue{"pk": s(org(w)), "sk": s("MEMBER#" + accountID), "accountId": s(accountID), "role": s(role),
		"addedAt": n(time.Now().UnixMilli()), "addedBy": s(w.head)})
}

// appendEvent seals an event after the account's chain head and writes
// it with the moved head, as the store does: the chain stays intact.
func (m *mutator) appendEvent(t *testing.T, w world, accountID string, kind event.Kind, details map[string]string) {
	t.Helper()
	item := w.item(t, account(w, accountID), "ACCOUNT")
	a, err := dynamo.DecodeAccount(item)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	e, head := event.Seal(a.Events, event.Event{AccountID: accountID, Kind: kind, At: now, Details: details})
	ds := map[string]types.AttributeValue{}
	for k, v := range details {
		ds[k] = s(v)
	}
	m.put(t, map[string]types.AttributeValue{"pk": s(account(w, accountID)), "sk": s(fmt.Sprintf("EVENT#%012d", e.Seq)), "seq": n(e.Seq), "kind": s(string(kind)),
		"at": n(now.UnixMilli()), "details": &types.AttributeValueMemberM{Value: ds}, "prevHash": b(e.PrevHash), "hash": b(e.Hash), "ttl": n(now.Add(time.Hour).Unix())})
	m.set(t, item, map[string]types.AttributeValue{"evSeq": n(head.Seq), "evHash": b(head.Hash)})
}

func b(v []byte) types.AttributeValue { return &types.AttributeValueMemberB{Value: v} }

func mutations() []mutation {
	now := time.Now().UnixMilli()
	ttl := time.Now().Add(time.Hour).Unix()
	return []mutation{
		{"known-item", "an item of no kind", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("WIDGET#1"), "sk": s("WIDGET")})
		}},
		{"contact-claim", "a phone claim of an account that does not hold it", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("PHONE#not-its-own"), "sk": s("CONTACT"), "accountId": s(w.simple)})
		}},
		{"contact-claim", "an e-mail claim of an account that does not exist", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("EMAIL#orphan"), "sk": s("CONTACT"), "accountId": s("nobody")})
		}},
		{"document-claim", "a second SNILS claim of a standard account", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("SNILS#another"), "sk": s("CONTACT"), "accountId": s(w.standard)})
		}},
		{"document-claim", "a passport claim of an account that never checked one", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("PASSPORT#unchecked"), "sk": s("CONTACT"), "accountId": s(w.simple)})
		}},
		{"account-contacts", "an account's phone claim deleted", func(t *testing.T, w world, m *mutator) (string, string) {
			m.remove(t, claimOf(t, w, "PHONE#", w.simple))
			return account(w, w.simple), "ACCOUNT"
		}},
		{"account-contacts", "two accounts with one phone", func(t *testing.T, w world, m *mutator) (string, string) {
			std := w.item(t, account(w, w.standard), "ACCOUNT")
			simple := w.item(t, account(w, w.simple), "ACCOUNT")
			m.set(t, simple, map[string]types.AttributeValue{"contacts": std["contacts"]})
			return claimOf(t, w, "PHONE#", w.standard)["pk"].(*types.AttributeValueMemberS).Value, "CONTACT"
		}},
		{"account-documents", "a standard account's SNILS claim deleted", func(t *testing.T, w world, m *mutator) (string, string) {
			m.remove(t, claimOf(t, w, "SNILS#", w.standard))
			return account(w, w.standard), "ACCOUNT"
		}},
		{"code-attempts", "a recovery code tried more often than allowed", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("RECOVERY#over"), "sk": s("RECOVERY"), "expiresAt": n(now + 1000), "ttl": n(ttl),
				"code": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
					"codeHash": &types.AttributeValueMemberB{Value: []byte{1}}, "expiresAt": n(now + 1000), "attempts": n(int64(w.sys.Config.Registration.CodeMaxAttempts + 1)),
				}}})
		}},
		{"code-attempts", "a registration code tried more often than allowed", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("REG#over"), "sk": s("REG"), "expiresAt": n(now + 1000), "ttl": n(ttl),
				"ch": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"phone": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
					"codeHash": &types.AttributeValueMemberB{Value: []byte{1}}, "expiresAt": n(now + 1000), "attempts": n(99),
				}}}}})
		}},
		{"rate-window", "six sends to one phone within the hour", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("RATE#send#phone#x"), "sk": s("RATE"), "ttl": n(ttl),
				"times": l(now-5000, now-4000, now-3000, now-2000, now-1000, now)})
		}},
		{"rate-window", "a counter no limit governs", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("RATE#mystery#1"), "sk": s("RATE"), "ttl": n(ttl), "times": l(now)})
		}},
		{"login-lock", "five failures kept without a lockout", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("LOCK#login#x"), "sk": s("LOCK"), "ttl": n(ttl), "lockedUntil": n(0), "lockouts": n(0),
				"failures": l(now-4000, now-3000, now-2000, now-1000, now)})
		}},
		{"level-events", "a standard account written back to simplified without an event", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.set(t, w.item(t, account(w, w.standard), "ACCOUNT"), map[string]types.AttributeValue{"level": s("simplified")})
		}},
		{"level-events", "a simplified account raised to standard without an event", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.set(t, w.item(t, account(w, w.simple), "ACCOUNT"), map[string]types.AttributeValue{"level": s("standard")})
		}},
		{"confirmation", "a confirmation method on a standard account", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.set(t, w.item(t, account(w, w.standard), "ACCOUNT"), map[string]types.AttributeValue{"confirmationMethod": s("letter")})
		}},
		{"confirmation", "confirmed without a method", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.set(t, w.item(t, account(w, w.standard), "ACCOUNT"), map[string]types.AttributeValue{"level": s("confirmed")})
		}},
		{"standard-check", "a standard account whose check did not pass", func(t *testing.T, w world, m *mutator) (string, string) {
			m.set(t, w.item(t, account(w, w.standard), "CHECK#"), map[string]types.AttributeValue{"checkState": s("failed")})
			return account(w, w.standard), "ACCOUNT"
		}},
		{"event-chain", "an event rewritten", func(t *testing.T, w world, m *mutator) (string, string) {
			m.set(t, w.item(t, account(w, w.simple), "EVENT#"), map[string]types.AttributeValue{"kind": s("logout")})
			return account(w, w.simple), "EVENT#000000000001"
		}},
		{"event-chain", "an event deleted", func(t *testing.T, w world, m *mutator) (string, string) {
			m.remove(t, w.item(t, account(w, w.simple), "EVENT#000000000002"))
			return account(w, w.simple), "EVENT#000000000002"
		}},
		{"owner-exists", "a session of an account that does not exist", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("SESSION#orphan"), "sk": s("SESSION"), "accountId": s("nobody"), "expiresAt": n(now), "ttl": n(ttl)})
		}},
		{"owner-exists", "a profile without its account", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("ACCOUNT#gone"), "sk": s("PROFILE")})
		}},
		{"expiry", "a session without expiry", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("SESSION#forever"), "sk": s("SESSION"), "accountId": s(w.simple)})
		}},
		{"expiry", "a signature challenge without expiry", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s(account(w, w.standard)), "sk": s("SIGCHAL#forever"), "createdAt": n(now)})
		}},
		{"expiry", "an organisation event without expiry", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.set(t, w.item(t, org(w), "EVENT#"), map[string]types.AttributeValue{"ttl": nil})
		}},
	}
}

// organisationMutations break the promises of the organisations.
func organisationMutations() []mutation {
	return []mutation{
		{"known-item", "an organisation item of no kind", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s(org(w)), "sk": s("WIDGET")})
		}},
		{"organisation-claim", "an OGRN claim of an organisation that does not exist", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("OGRN#1000000000000"), "sk": s("CLAIM"), "organisationId": s("nowhere")})
		}},
		{"organisation-claim", "an INN claim naming an organisation of another INN", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("ORGINN#0000000000"), "sk": s("CLAIM"), "organisationId": s(w.org)})
		}},
		{"organisation-claim", "an organisation's OGRN claim deleted", func(t *testing.T, w world, m *mutator) (string, string) {
			m.remove(t, claimBy(t, w, "OGRN#", "organisationId", w.org))
			return org(w), "ORG"
		}},
		{"organisation-claim", "an organisation's INN claim deleted", func(t *testing.T, w world, m *mutator) (string, string) {
			m.remove(t, claimBy(t, w, "ORGINN#", "organisationId", w.org))
			return org(w), "ORG"
		}},
		{"organisation-membership", "a member's membership item deleted", func(t *testing.T, w world, m *mutator) (string, string) {
			m.remove(t, w.item(t, account(w, w.admin), "MEMBEROF#"+w.org))
			return org(w), "MEMBER#" + w.admin
		}},
		{"organisation-membership", "a membership item with another role", func(t *testing.T, w world, m *mutator) (string, string) {
			m.set(t, w.item(t, account(w, w.admin), "MEMBEROF#"+w.org), map[string]types.AttributeValue{"role": s("employee")})
			return org(w), "MEMBER#" + w.admin
		}},
		{"organisation-membership", "a membership without its member item", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s(account(w, w.simple)), "sk": s("MEMBEROF#" + w.org), "organisationId": s(w.org), "role": s("employee")})
		}},
		{"organisation-membership", "a member that is no account", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s(org(w)), "sk": s("MEMBER#nobody"), "accountId": s("nobody"), "role": s("employee")})
		}},
		{"organisation-membership", "a member whose account's events do not record its joining", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.join(t, w, w.simple, "employee")
		}},
		{"organisation-membership", "a member that joined while standard", func(t *testing.T, w world, m *mutator) (string, string) {
			m.appendEvent(t, w, w.standard, event.OrganisationMemberAdded, map[string]string{"organisationId": w.org, "role": "employee", "by": w.head})
			return m.join(t, w, w.standard, "employee")
		}},
		{"organisation-head", "a second head", func(t *testing.T, w world, m *mutator) (string, string) {
			m.set(t, w.item(t, account(w, w.admin), "MEMBEROF#"+w.org), map[string]types.AttributeValue{"role": s("head")})
			m.set(t, w.item(t, org(w), "MEMBER#"+w.admin), map[string]types.AttributeValue{"role": s("head")})
			return org(w), "ORG"
		}},
		{"organisation-head", "the head it names is another member", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.set(t, w.item(t, org(w), "ORG"), map[string]types.AttributeValue{"headId": s(w.admin)})
		}},
		{"organisation-member-count", "a stored member count off by one", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.set(t, w.item(t, org(w), "ORG"), map[string]types.AttributeValue{"members": n(3)})
		}},
		{"organisation-member-count", "a member beyond ORG_MAX_MEMBERS, counted", func(t *testing.T, w world, m *mutator) (string, string) {
			m.join(t, w, w.standard, "employee")
			return m.set(t, w.item(t, org(w), "ORG"), map[string]types.AttributeValue{"members": n(3)})
		}},
		{"organisation-event-chain", "an organisation event rewritten", func(t *testing.T, w world, m *mutator) (string, string) {
			m.set(t, w.item(t, org(w), "EVENT#"), map[string]types.AttributeValue{"kind": s("organisation-member-removed")})
			return org(w), "EVENT#000000000001"
		}},
		{"organisation-event-chain", "an organisation event deleted", func(t *testing.T, w world, m *mutator) (string, string) {
			m.remove(t, w.item(t, org(w), "EVENT#000000000002"))
			return org(w), "EVENT#000000000002"
		}},
		{"organisation-event-chain", "events of an organisation that does not exist", func(t *testing.T, w world, m *mutator) (string, string) {
			return m.put(t, map[string]types.AttributeValue{"pk": s("ORG#gone"), "sk": s("EVENT#000000000001"), "ttl": n(time.Now().Add(time.Hour).Unix())})
		}},
	}
}

// TestMutations shows that no rule is vacuous: a table the flows filled
// scans clean, and each write that breaks one invariant is reported by
// that rule at the item's key, then undone.
func TestMutations(t *testing.T) {
	w := newWorld(t)
	if r := w.scan(t); len(r.Violations) > 0 || r.Accounts != 4 || r.Items < 10 {
		t.Fatalf("the table the flows filled: %d items, %d accounts, violations %v; want 4 accounts and none", r.Items, r.Accounts, r.Violations)
	}
	covered := map[string]bool{}
	m := &mutator{w: w}
	for _, mu := range slices.Concat(mutations(), organisationMutations()) {
		covered[mu.rule] = true
		t.Run(mu.rule+"/"+mu.name, func(t *testing.T) {
			defer m.restore()
			pk, sk := mu.mutate(t, w, m)
			r := w.scan(t)
			if !slices.ContainsFunc(r.Violations, func(v invariant.Violation) bool {
				return v.Rule == mu.rule && v.PK == invariant.ShownKey(pk) && v.SK == sk
			}) {
				t.Errorf("after %s: violations %v, want one of %s at %s %s", mu.name, r.Violations, mu.rule, pk, sk)
			}
			for _, v := range r.Violations {
				if strings.Contains(v.Problem, "Иванова") || strings.Contains(v.Problem, "+7") {
					t.Errorf("violation %v carries personal data", v)
				}
			}
		})
	}
	if r := w.scan(t); len(r.Violations) > 0 {
		t.Errorf("after every undo: %v, want none", r.Violations)
	}
	for _, r := range invariant.Rules {
		if !covered[r.Name] {
			t.Errorf("rule %s has no mutation test", r.Name)
		}
	}
}
