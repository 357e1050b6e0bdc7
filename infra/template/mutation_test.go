package template

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The checks above pass on template.yaml; these tests show each one fails
// on the mistake it exists for, by breaking a fresh copy of the template
// and running the same check on it.

// mutated parses a fresh copy of template.yaml and applies mutate to it.
func mutated(t *testing.T, mutate func(d *doc)) *doc {
	t.Helper()
	orig := tmpl(t)
	b, err := os.ReadFile(orig.path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseDoc(orig.root, orig.path, b)
	if err != nil {
		t.Fatal(err)
	}
	mutate(d)
	return d
}

// statementNode finds the policy statement of resource id with the Sid.
func statementNode(t *testing.T, d *doc, id, sid string) (policies *yaml.Node, index int, st *yaml.Node) {
	t.Helper()
	r, ok := d.resource(id)
	if !ok {
		t.Fatalf("no resource %s", id)
	}
	pol := r.prop("Policies")
	for i, doc := range seq(pol) {
		for _, s := range seq(lookup(doc, "Statement")) {
			if v, _ := scalar(lookup(s, "Sid")); v == sid {
				return pol, i, s
			}
		}
	}
	t.Fatalf("%s has no statement %s", id, sid)
	return nil, 0, nil
}

func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

// wantProblem fails unless one problem contains every fragment.
func wantProblem(t *testing.T, ps []string, fragments ...string) {
	t.Helper()
	for _, p := range ps {
		all := true
		for _, f := range fragments {
			all = all && strings.Contains(p, f)
		}
		if all {
			t.Logf("caught: %s", p)
			return
		}
	}
	t.Errorf("no problem mentions %q; got %q", fragments, ps)
}

func TestChecksCatchMistakes(t *testing.T) {
	t.Parallel()
	needs, err := loadNeeds()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		mutate    func(t *testing.T, d *doc)
		check     func(d *doc) []string
		fragments []string
	}{
		{
			name: "a wildcard resource where an ARN exists",
			mutate: func(t *testing.T, d *doc) {
				_, _, st := statementNode(t, d, "AccountFunction", "PersonalDataKeys")
				setKey(st, "Resource", str("*"))
			},
			check:     policyProblems,
			fragments: []string{"AccountFunction", `Resource "*"`, "kms:Decrypt"},
		},
		{
			name: "a wildcard inside an ARN",
			mutate: func(t *testing.T, d *doc) {
				_, _, st := statementNode(t, d, "TasksFunction", "MasterKey")
				setKey(st, "Resource", str("arn:aws:secretsmanager:eu-central-1:123456789012:secret:*"))
			},
			check:     policyProblems,
			fragments: []string{"TasksFunction", "secretsmanager:GetSecretValue"},
		},
		{
			name: "a key the function's configuration does not name",
			mutate: func(t *testing.T, d *doc) {
				_, _, st := statementNode(t, d, "TasksFunction", "PersonalDataKeys")
				setKey(st, "Resource", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!GetAtt", Value: "SigningKey.Arn"})
			},
			check:     policyProblems,
			fragments: []string{"TasksFunction", "kms:Decrypt", "ENCRYPT_DECRYPT"},
		},
		{
			name: "a function without a policy its code uses",
			mutate: func(t *testing.T, d *doc) {
				pol, i, _ := statementNode(t, d, "AccountFunction", "StartIdentityChecks")
				pol.Content = append(pol.Content[:i], pol.Content[i+1:]...)
			},
			check:     func(d *doc) []string { return grantProblems(d, needs) },
			fragments: []string{"AccountFunction", "needs states:StartExecution", "profileRoutes).submit"},
		},
		{
			name: "a function without the cold-start secret",
			mutate: func(t *testing.T, d *doc) {
				pol, i, _ := statementNode(t, d, "SessionFunction", "MasterKey")
				pol.Content = append(pol.Content[:i], pol.Content[i+1:]...)
			},
			check:     func(d *doc) []string { return grantProblems(d, needs) },
			fragments: []string{"SessionFunction", "needs secretsmanager:GetSecretValue"},
		},
		{
			name: "a grant the code never uses",
			mutate: func(t *testing.T, d *doc) {
				_, _, st := statementNode(t, d, "SessionFunction", "SignAccessTokens")
				acts := lookup(st, "Action")
				acts.Content = append(acts.Content, str("kms:Decrypt"))
			},
			check:     func(d *doc) []string { return grantProblems(d, needs) },
			fragments: []string{"SessionFunction", "grants kms:Decrypt", "never calls"},
		},
		{
			name: "a state machine without its timed-out alarm",
			mutate: func(t *testing.T, d *doc) {
				deleteKey(lookup(d.top, "Resources"), "IdentityCheckTimedOutAlarm")
			},
			check:     alarmProblems,
			fragments: []string{"IdentityCheckStateMachine", "ExecutionsTimedOut"},
		},
		{
			name: "a new state machine without alarms",
			mutate: func(t *testing.T, d *doc) {
				sm, _ := d.resource("IdentityCheckStateMachine")
				res := lookup(d.top, "Resources")
				res.Content = append(res.Content, str("NewWorkflowStateMachine"), sm.node)
			},
			check:     alarmProblems,
			fragments: []string{"NewWorkflowStateMachine", "ExecutionsFailed"},
		},
		{
			name: "a new function without alarms",
			mutate: func(t *testing.T, d *doc) {
				fn, _ := d.resource("SessionFunction")
				res := lookup(d.top, "Resources")
				res.Content = append(res.Content, str("NewFeatureFunction"), fn.node)
			},
			check:     alarmProblems,
			fragments: []string{"NewFeatureFunction", "Errors"},
		},
		{
			name: "an errors alarm that does not roll back",
			mutate: func(t *testing.T, d *doc) {
				fn, _ := d.resource("RecoveryFunction")
				deleteKey(fn.prop(), "DeploymentPreference")
			},
			check:     deployProblems,
			fragments: []string{"RecoveryFunction", "RecoveryFunctionErrorsAlarm", "roll back"},
		},
		{
			name: "a workflow that bypasses the alias",
			mutate: func(t *testing.T, d *doc) {
				sm, _ := d.resource("IdentityCheckStateMachine")
				setKey(sm.prop("DefinitionSubstitutions"), "TaskFunctionArn", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!GetAtt", Value: "TasksFunction.Arn"})
			},
			check:     deployProblems,
			fragments: []string{"IdentityCheckStateMachine", "TaskFunctionArn", "alias"},
		},
		{
			name: "a Parameter whose default differs from the Go default",
			mutate: func(t *testing.T, d *doc) {
				setKey(lookup(d.top, "Parameters", "SmsCodeTtl"), "Default", str("301s"))
			},
			check:     paramProblems,
			fragments: []string{"SmsCodeTtl", `"301s"`, `"300s"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if ps := tt.check(tmpl(t)); len(ps) > 0 {
				t.Fatalf("the check fails on template.yaml itself: %q", ps)
			}
			d := mutated(t, func(d *doc) { tt.mutate(t, d) })
			wantProblem(t, tt.check(d), tt.fragments...)
		})
	}
}
