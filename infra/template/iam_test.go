package template

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// statement is one IAM statement of a function's inline policies.
type statement struct {
	at       string
	actions  []string
	resource []*yaml.Node
	node     *yaml.Node
}

// statements returns a function's policy statements, failing the test on
// anything that is not an explicit inline policy document.
func statements(t *testing.T, fn resource) []statement {
	t.Helper()
	pol := fn.prop("Policies")
	if pol == nil || pol.Kind != yaml.SequenceNode {
		t.Fatalf("%s: Policies must be a list of inline policy documents (least privilege per function)", fn.id)
	}
	var out []statement
	for i, doc := range pol.Content {
		at := fn.id + ".Policies[" + strconv.Itoa(i) + "]"
		for _, k := range keys(doc) {
			if k != "Statement" && k != "Version" {
				t.Errorf("%s: %s is not an inline policy document key; use explicit Statement lists, not SAM policy templates or managed policies", at, k)
			}
		}
		st := lookup(doc, "Statement")
		if st == nil || st.Kind != yaml.SequenceNode {
			t.Errorf("%s: want a Statement list", at)
			continue
		}
		for j, s := range st.Content {
			sat := at + ".Statement[" + strconv.Itoa(j) + "]"
			actions, ok := strs(lookup(s, "Action"))
			if !ok {
				t.Errorf("%s: Action must be a string or a list of strings", sat)
			}
			r := lookup(s, "Resource")
			var rs []*yaml.Node
			if r != nil && r.Kind == yaml.SequenceNode {
				rs = r.Content
			} else if r != nil {
				rs = []*yaml.Node{r}
			}
			out = append(out, statement{sat, actions, rs, s})
		}
	}
	return out
}

// TestPolicies checks least privilege: explicit statements, no wildcard
// actions, and Resource "*" only for the SMS publish (a phone number has no
// ARN).
func TestPolicies(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	for _, fn := range d.functions() {
		for _, s := range statements(t, fn) {
			for _, k := range keys(s.node) {
				if k == "NotAction" || k == "NotResource" || k == "NotPrincipal" {
					t.Errorf("%s: %s grants by exclusion; list what is allowed", s.at, k)
				}
			}
			if effect, _ := scalar(lookup(s.node, "Effect")); effect != "Allow" && effect != "Deny" {
				t.Errorf("%s: Effect = %q", s.at, effect)
			}
			for _, a := range s.actions {
				if strings.Contains(a, "*") {
					t.Errorf("%s: action %q is a wildcard; name the actions", s.at, a)
				}
			}
			if len(s.resource) == 0 {
				t.Errorf("%s: no Resource", s.at)
			}
			for _, r := range s.resource {
				if v, _ := scalar(r); v == "*" && !slices.Equal(s.actions, []string{"sns:Publish"}) {
					t.Errorf(`%s: Resource "*" is allowed only on the sns:Publish SMS statement, not on %q`, s.at, s.actions)
				}
			}
			checkScoped(t, s)
		}
	}
}

// checkScoped pins the resources of the statements that name a resource of
// this stack or the mail identity.
func checkScoped(t *testing.T, s statement) {
	t.Helper()
	for _, a := range s.actions {
		switch {
		case strings.HasPrefix(a, "secretsmanager:"):
			for _, r := range s.resource {
				if id, ok := ref(r); !ok || id != "KeysSecret" {
					t.Errorf("%s: %s must be on !Ref KeysSecret only", s.at, a)
				}
			}
		case strings.HasPrefix(a, "dynamodb:"):
			for _, r := range s.resource {
				if !onAccountsTable(r) {
					t.Errorf("%s: %s must be on the AccountsTable ARN or its indexes only", s.at, a)
				}
			}
		case strings.HasPrefix(a, "ses:"):
			from, ok := ref(lookup(s.node, "Condition", "StringEquals", "ses:FromAddress"))
			if !ok || from != "MailFrom" {
				t.Errorf("%s: %s needs Condition StringEquals ses:FromAddress: !Ref MailFrom", s.at, a)
			}
		}
	}
}

func onAccountsTable(r *yaml.Node) bool {
	if res, attr, ok := getAtt(r); ok {
		return res == "AccountsTable" && attr == "Arn"
	}
	if format, _, ok := subArgs(r); ok {
		return strings.HasPrefix(format, "${AccountsTable.Arn}/index/")
	}
	return false
}

// dynamoCall maps the SDK calls and transaction items internal/dynamo makes
// to the IAM actions that authorise them; transactions are authorised per
// item (Put -> PutItem, …), TransactGetItems as GetItem.
var dynamoCall = map[string]string{
	".GetItem(": "dynamodb:GetItem", ".BatchGetItem(": "dynamodb:BatchGetItem",
	".PutItem(": "dynamodb:PutItem", ".UpdateItem(": "dynamodb:UpdateItem",
	".DeleteItem(": "dynamodb:DeleteItem", ".BatchWriteItem(": "dynamodb:BatchWriteItem",
	".Query(": "dynamodb:Query", ".Scan(": "dynamodb:Scan",
	".TransactGetItems(": "dynamodb:GetItem",
	"Put: &types.Put{":   "dynamodb:PutItem", "Update: &types.Update{": "dynamodb:UpdateItem",
	"Delete: &types.Delete{": "dynamodb:DeleteItem", "ConditionCheck: &types.ConditionCheck{": "dynamodb:ConditionCheckItem",
}

// TestDynamoActionsGranted reads the DynamoDB calls of internal/dynamo's
// store (not table.go, which only make run and tests use) and checks that
// every function with the table in its environment may make them.
func TestDynamoActionsGranted(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	files, err := filepath.Glob(filepath.Join(d.root, "internal", "dynamo", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	need := map[string]string{} // action -> file that needs it
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || filepath.Base(f) == "table.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for call, action := range dynamoCall {
			if strings.Contains(string(b), call) {
				need[action] = filepath.Base(f)
			}
		}
	}
	for _, fn := range d.functions() {
		if _, ok := d.env(fn)["TABLE_NAME"]; !ok {
			continue
		}
		granted := map[string]bool{}
		for _, s := range statements(t, fn) {
			for _, a := range s.actions {
				granted[a] = true
			}
		}
		if reads, ok := readOnly[fn.id]; ok {
			checkReadOnly(t, fn.id, granted, reads)
			continue
		}
		for _, action := range sorted(need) {
			if !granted[action] {
				t.Errorf("%s: internal/dynamo/%s needs %s, which the function's policies do not grant", fn.id, need[action], action)
			}
		}
	}
}

// readOnly lists the functions that only read the table, with the reads
// they make: they are granted exactly those, not every call of the store.
// internal/httpapi's TestCatalogueFunctionOnlyReads holds the code of the
// catalogue function to its reads.
var readOnly = map[string][]string{
	"CatalogueFunction": {"dynamodb:BatchGetItem", "dynamodb:GetItem"},
}

func checkReadOnly(t *testing.T, id string, granted map[string]bool, reads []string) {
	t.Helper()
	for _, a := range reads {
		if !granted[a] {
			t.Errorf("%s: reads with %s, which the function's policies do not grant", id, a)
		}
	}
	for a := range granted {
		if strings.HasPrefix(a, "dynamodb:") && !slices.Contains(reads, a) {
			t.Errorf("%s: only reads the table, but is granted %s", id, a)
		}
	}
}
