// Package invariant scans the accounts table and checks every promise
// the data model makes (SPEC §1–§4, internal/dynamo's key schema): the
// uniqueness claims of contacts and documents point to accounts that
// point back, counters stay within their configured limits, levels agree
// with the level-changed events, event chains are unbroken, and what
// belongs to an account has one; so for the organisations (SPEC §2.5):
// their number claims, memberships both ways, head, member count and
// audit chain. A violation names its rule and the
// item's key, never an attribute value: no personal data.
//
// Adding an invariant is adding one Rule to Rules; adding an item kind to
// the table is adding it to Kinds (the known-item rule reports any item
// of a shape no rule knows, so a new kind cannot go unchecked unseen).
package invariant

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/portalid/portalid/internal/config"
)

// Violation is one broken promise: the rule, the key of the item that
// breaks it, and what is wrong, in words and numbers that carry no value
// of the item.
type Violation struct {
	Rule    string `json:"rule"`
	PK      string `json:"pk"`
	SK      string `json:"sk"`
	Problem string `json:"problem"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s: %s %s: %s", v.Rule, v.PK, v.SK, v.Problem)
}

// Rule is one invariant: a stable kebab-case name, what it promises, and
// the check over the whole table.
type Rule struct {
	Name  string
	Doc   string
	Check func(t *Table) []Violation
}

// Rules are the invariants Check applies, in order.
var Rules = []Rule{
	{"known-item", "every item is of a kind the data model defines (Kinds)", knownItems},
	{"contact-claim", "each PHONE#/EMAIL# claim names an existing account whose contacts hold it", contactClaims},
	{"document-claim", "each SNILS#/PASSPORT#/FOREIGNDOC# claim names an existing account that holds or is checking that document, and no account claims two documents of a kind beyond its held one and its check's", documentClaims},
	{"account-contacts", "an account's login contacts are claimed by it, at most one per kind, none on two accounts", accountContacts},
	{"account-documents", "an account's SNILS and foreign-document indexes and its held documents are claimed by it", accountDocuments},
	{"code-attempts", "wrong-code attempts stay within CODE_MAX_ATTEMPTS and LETTER_MAX_ATTEMPTS", codeAttempts},
	{"rate-window", "counter logs hold no more events in a window than their limit (SEND_LIMIT, LOGIN_IP_FAILURES, OPERATOR_SEARCHES_PER_HOUR, ORG_MEMBER_ADDS_PER_HOUR)", rateWindows},
	{"login-lock", "an identifier's failures stay under LOGIN_MAX_FAILURES and a lockout lasts at most LOCKOUT_BASE doubled per repeat", loginLocks},
	{"level-events", "an account's level is the last level-changed event's, simplified before any", levelEvents},
	{"confirmation", "confirmed accounts, and only they, carry a confirmation method, the one their last level-changed event names, with its proof (a used letter, a spent signature challenge)", confirmations},
	{"standard-check", "standard and confirmed accounts have a passed identity check and a document index", standardChecks},
	{"event-chain", "each account's security events form an unbroken hash chain ending at the account's head", eventChains},
	{"owner-exists", "items that belong to an account (its partition, sessions, completed registrations, recoveries) belong to an existing one", owners},
	{"expiry", "codes, challenges, letters in the post, sessions, registrations, recoveries, counters and the events of accounts and organisations carry their expiry", expiries},
	{"organisation-claim", "each OGRN#/ORGINN# claim names an existing organisation that holds that number, and every organisation's OGRN and INN are claimed by it", organisationClaims},
	{"organisation-membership", "each MEMBER# of an organisation has its MEMBEROF# twin on the account with the same role and vice versa; members are existing accounts, confirmed when they joined", organisationMembers},
	{"organisation-head", "each organisation has exactly one head member, the one its item names", organisationHeads},
	{"organisation-member-count", "an organisation's members stay within ORG_MAX_MEMBERS and equal its stored member count", organisationCounts},
	{"organisation-event-chain", "each organisation's audit events form an unbroken hash chain ending at the organisation's head, and belong to an existing organisation", organisationEvents},
}

// Check applies every rule to t; violations come sorted by rule order,
// then key.
func Check(t *Table) []Violation {
	var out []Violation
	for _, r := range Rules {
		vs := r.Check(t)
		sort.SliceStable(vs, func(i, j int) bool {
			a, b := vs[i], vs[j]
			if a.PK != b.PK {
				return a.PK < b.PK
			}
			if a.SK != b.SK {
				return a.SK < b.SK
			}
			return a.Problem < b.Problem
		})
		for i := range vs {
			vs[i].Rule = r.Name
		}
		out = append(out, vs...)
	}
	return out
}

// Report is the outcome of a scan.
type Report struct {
	Table      string      `json:"table"`
	Items      int         `json:"items"`
	Accounts   int         `json:"accounts"`
	Rules      int         `json:"rules"`
	Violations []Violation `json:"violations"`
}

// Scan reads the whole table (segments parallel Scans, consistent reads)
// and checks it against cfg's limits.
func Scan(ctx context.Context, db *dynamodb.Client, table string, cfg config.Config, segments int) (Report, error) {
	t, err := Read(ctx, db, table, cfg, segments)
	if err != nil {
		return Report{}, err
	}
	return Report{Table: table, Items: t.Len(), Accounts: len(t.Accounts), Rules: len(Rules), Violations: Check(t)}, nil
}

// at is a violation of item it (the rule is filled in by Check).
func at(it Item, problem string, args ...any) Violation {
	return Violation{PK: ShownKey(it.PK()), SK: it.SK(), Problem: fmt.Sprintf(problem, args...)}
}

// plainKeys are the partition keys that hold a value in clear: an
// organisation's OGRN and INN claims (every other key is an id or a keyed
// hash). A report shows them without the number.
var plainKeys = []string{pkOGRN, pkOrgINN}

// ShownKey is how a report shows the partition key pk.
func ShownKey(pk string) string {
	for _, p := range plainKeys {
		if strings.HasPrefix(pk, p) {
			return p + "…"
		}
	}
	return pk
}
