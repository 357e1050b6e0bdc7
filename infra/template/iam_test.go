package template

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// statement is one IAM statement of a function's or state machine's
// inline policies.
type statement struct {
	at       string
	actions  []string
	resource []*yaml.Node
	node     *yaml.Node
}

// problems collects what a check finds; the mutation tests run the same
// checks on broken copies of the template and expect them to complain.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func report(t *testing.T, ps []string) {
	t.Helper()
	for _, p := range ps {
		t.Error(p)
	}
}

// policyStatements returns a resource's policy statements, with a problem
// for anything that is not an explicit inline policy document.
func policyStatements(r resource, ps *problems) []statement {
	pol := r.prop("Policies")
	if pol == nil || pol.Kind != yaml.SequenceNode {
		ps.add("%s: Policies must be a list of inline policy documents (least privilege per function)", r.id)
		return nil
	}
	var out []statement
	for i, doc := range pol.Content {
		at := r.id + ".Policies[" + strconv.Itoa(i) + "]"
		for _, k := range keys(doc) {
			if k != "Statement" && k != "Version" {
				ps.add("%s: %s is not an inline policy document key; use explicit Statement lists, not SAM policy templates or managed policies", at, k)
			}
		}
		st := lookup(doc, "Statement")
		if st == nil || st.Kind != yaml.SequenceNode {
			ps.add("%s: want a Statement list", at)
			continue
		}
		for j, s := range st.Content {
			sat := at + ".Statement[" + strconv.Itoa(j) + "]"
			actions, ok := strs(lookup(s, "Action"))
			if !ok {
				ps.add("%s: Action must be a string or a list of strings", sat)
			}
			r := lookup(s, "Resource")
			var rs []*yaml.Node
			if r != nil && r.Kind == yaml.SequenceNode && !strings.HasPrefix(r.Tag, "!") || r != nil && r.Tag == "!!seq" {
				rs = r.Content
			} else if r != nil {
				rs = []*yaml.Node{r}
			}
			out = append(out, statement{sat, actions, rs, s})
		}
	}
	return out
}

// wildcardOnly are the actions AWS authorises on no resource ARN, so
// `Resource: "*"` is the only way to grant them, with the reason.
var wildcardOnly = map[string]string{
	"sns:Publish": "an SMS goes to a phone number, which has no ARN",
	// CloudWatch Logs delivery for Step Functions logging.
	"logs:CreateLogDelivery": "log delivery", "logs:GetLogDelivery": "log delivery", "logs:UpdateLogDelivery": "log delivery",
	"logs:DeleteLogDelivery": "log delivery", "logs:ListLogDeliveries": "log delivery", "logs:PutResourcePolicy": "log delivery",
	"logs:DescribeResourcePolicies": "log delivery", "logs:DescribeLogGroups": "log delivery",
	// X-Ray tracing of the state machines.
	"xray:PutTraceSegments": "tracing", "xray:PutTelemetryRecords": "tracing",
	"xray:GetSamplingRules": "tracing", "xray:GetSamplingTargets": "tracing",
}

// policyProblems checks every function's and state machine's statements:
// explicit Allow statements, no wildcard action, `Resource: "*"` only for
// actions that take no ARN, and every other resource the one its rule
// names (resourceRule).
func policyProblems(d *doc) []string {
	var ps problems
	for _, r := range append(d.functions(), d.stateMachines()...) {
		for _, s := range policyStatements(r, &ps) {
			for _, k := range keys(s.node) {
				if k == "NotAction" || k == "NotResource" || k == "NotPrincipal" {
					ps.add("%s: %s grants by exclusion; list what is allowed", s.at, k)
				}
			}
			if effect, _ := scalar(lookup(s.node, "Effect")); effect != "Allow" {
				ps.add("%s: Effect = %q, want Allow (nothing here needs a Deny)", s.at, effect)
			}
			if len(s.resource) == 0 {
				ps.add("%s: no Resource", s.at)
			}
			for _, a := range s.actions {
				if strings.Contains(a, "*") {
					ps.add("%s: action %q is a wildcard; name the actions", s.at, a)
					continue
				}
				for _, res := range s.resource {
					if v, _ := scalar(res); v == "*" || strings.HasSuffix(v, ":*") {
						if _, ok := wildcardOnly[a]; !ok {
							ps.add(`%s: Resource %q for %s, which takes a resource ARN: name the resource (a wildcard is allowed only for %q)`, s.at, v, a, sorted(wildcardOnly))
						}
						continue
					}
					if _, ok := wildcardOnly[a]; ok && a != "sns:Publish" {
						ps.add(`%s: %s takes no resource ARN; use Resource "*"`, s.at, a)
						continue
					}
					if want, ok := d.resourceRule(r, a, res, s.node); !ok {
						ps.add("%s: %s on %s; want %s", s.at, a, show(res), want)
					}
				}
			}
		}
	}
	return ps
}

// resourceRule checks the resource a statement grants action on, and
// names what it wants otherwise. The rules follow the resources the
// function's configuration names: its table, secret, keys and state
// machines are those its environment refers to.
func (d *doc) resourceRule(r resource, action string, res, st *yaml.Node) (string, bool) {
	service, op, _ := strings.Cut(action, ":")
	id, _ := refersTo(res)
	switch {
	case service == "dynamodb":
		return "the AccountsTable ARN or its index ARNs", onAccountsTable(res)
	case service == "secretsmanager":
		return "!Ref of a Secrets Manager secret in the function's environment", d.envRefs(r, "AWS::SecretsManager::Secret")[id]
	case service == "kms":
		usage := "ENCRYPT_DECRYPT"
		if op == "Sign" || op == "Verify" || op == "GetPublicKey" {
			usage = "SIGN_VERIFY"
		}
		k, _ := d.resource(id)
		got, _ := scalar(k.prop("KeyUsage"))
		if got == "" {
			got = "ENCRYPT_DECRYPT"
		}
		_, attr, isAtt := getAtt(res)
		return "!GetAtt <Key>.Arn of a " + usage + " KMS key in the function's environment",
			isAtt && attr == "Arn" && got == usage && d.envRefs(r, "AWS::KMS::Key")[id]
	case action == "states:StartExecution":
		return "!Ref of a state machine in the function's environment", d.envRefs(r, "AWS::Serverless::StateMachine")[id]
	case strings.HasPrefix(action, "states:SendTask"):
		// Tokens reach a function from the Task states that call it, or,
		// for a workflow it starts, from the table its steps store them in
		// (a letter's code ends the wait of the letter it started).
		machines := d.invokers(r.id)
		for id := range d.envRefs(r, "AWS::Serverless::StateMachine") {
			if sm, ok := d.resource(id); ok {
				machines = append(machines, sm)
			}
		}
		for _, sm := range machines {
			name, _, _ := subArgs(sm.prop("Name"))
			format, _, _ := subArgs(res)
			if name != "" && format == "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:"+name {
				return "", true
			}
		}
		return "the ARN (from its Name) of a state machine whose definition calls this function or that the function starts", false
	case action == "lambda:InvokeFunction":
		return "a function its DefinitionSubstitutions name", slices.Contains(d.invoked(r), id)
	case service == "ses":
		from, ok := ref(lookup(st, "Condition", "StringEquals", "ses:FromAddress"))
		format, _, _ := subArgs(res)
		return "arn:…:ses:${AWS::Region}:${AWS::AccountId}:identity/* with Condition StringEquals ses:FromAddress: !Ref MailFrom",
			ok && from == "MailFrom" && format == "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*"
	}
	return "a rule in resourceRule (infra/template/iam_test.go) for this action", false
}

// refersTo returns the logical ID a resource expression names: !Ref X
// (or SAM's X.Alias), !GetAtt X.Attr, or a !Sub of one ${X…}.
func refersTo(n *yaml.Node) (string, bool) {
	if id, ok := ref(n); ok {
		id, _, _ = strings.Cut(id, ".")
		return id, true
	}
	if id, _, ok := getAtt(n); ok {
		return id, true
	}
	if format, _, ok := subArgs(n); ok {
		var ids []string
		for _, name := range subNames(format) {
			if !strings.HasPrefix(name, "AWS::") {
				id, _, _ := strings.Cut(name, ".")
				ids = append(ids, id)
			}
		}
		if len(ids) == 1 {
			return ids[0], true
		}
	}
	return "", false
}

// envRefs are the resources of type typ a function's environment names.
func (d *doc) envRefs(fn resource, typ string) map[string]bool {
	out := map[string]bool{}
	for _, v := range d.env(fn) {
		if id, ok := refersTo(v); ok && d.isType(id, typ) {
			out[id] = true
		}
	}
	return out
}

// invoked lists the functions a state machine's DefinitionSubstitutions
// name: the functions its Task states call.
func (d *doc) invoked(sm resource) []string {
	var out []string
	for _, p := range pairs(sm.prop("DefinitionSubstitutions")) {
		if id, ok := refersTo(p.val); ok && d.isType(id, "AWS::Serverless::Function") {
			out = append(out, id)
		}
	}
	return out
}

// invokers are the state machines whose Task states call function fn.
func (d *doc) invokers(fn string) []resource {
	var out []resource
	for _, sm := range d.stateMachines() {
		if slices.Contains(d.invoked(sm), fn) {
			out = append(out, sm)
		}
	}
	return out
}

func show(n *yaml.Node) string {
	b, _ := yaml.Marshal(n)
	return strings.TrimSpace(string(b))
}

// TestPolicies: explicit statements, no wildcard action or resource
// where an ARN exists, each resource the right one.
func TestPolicies(t *testing.T) {
	t.Parallel()
	report(t, policyProblems(tmpl(t)))
}

// grantProblems compares what each function's policies grant with what
// its code needs (needs_test.go), both ways: a needed action without a
// grant fails at run time; a grant without a need breaks least privilege.
// A state machine may invoke exactly the functions its definition names.
func grantProblems(d *doc, needs map[string]map[string]need) []string {
	var ps problems
	for _, fn := range d.functions() {
		need, ok := needs[fn.id]
		if !ok {
			ps.add("%s: no derived needs (is it new since the needs were derived?)", fn.id)
			continue
		}
		granted := map[string][]statement{}
		var ignore problems
		for _, s := range policyStatements(fn, &ignore) {
			for _, a := range s.actions {
				granted[a] = append(granted[a], s)
			}
		}
		for _, action := range sortedNeeds(need) {
			n := need[action]
			sts, ok := granted[action]
			if !ok {
				ps.add("%s: its code needs %s (%s) but no statement grants it", fn.id, action, strings.Join(n.why, " → "))
				continue
			}
			if n.resource != "" && !slices.ContainsFunc(sts, func(s statement) bool {
				return slices.ContainsFunc(s.resource, func(r *yaml.Node) bool { id, _ := refersTo(r); return id == n.resource })
			}) {
				ps.add("%s: its code calls %s on %s at cold start, which no statement granting it names", fn.id, action, n.resource)
			}
		}
		for _, action := range sorted(granted) {
			if _, ok := need[action]; !ok {
				ps.add("%s: grants %s (%s), which its code never calls: drop it (least privilege)", fn.id, action, granted[action][0].at)
			}
		}
	}
	for _, sm := range d.stateMachines() {
		var ignore problems
		var invokes []string
		for _, s := range policyStatements(sm, &ignore) {
			if slices.Contains(s.actions, "lambda:InvokeFunction") {
				for _, r := range s.resource {
					id, _ := refersTo(r)
					invokes = append(invokes, id)
				}
			}
		}
		slices.Sort(invokes)
		want := d.invoked(sm)
		slices.Sort(want)
		if !slices.Equal(invokes, want) {
			ps.add("%s: may invoke %q, but its definition calls %q (an InvokeFunction statement per function it calls, no more)", sm.id, invokes, want)
		}
	}
	return ps
}

// TestGrantsMatchCode derives what each function's code calls (needs_test.go)
// and checks its policies grant exactly that.
func TestGrantsMatchCode(t *testing.T) {
	t.Parallel()
	needs, err := loadNeeds()
	if err != nil {
		t.Fatal(err)
	}
	report(t, grantProblems(tmpl(t), needs))
}

// TestNeedsComplete checks the derivation loses no AWS call: every
// operation the linked code can make (a walk from every function of it)
// is needed by some function, or listed in notDeployed.
func TestNeedsComplete(t *testing.T) {
	t.Parallel()
	needs, err := loadNeeds()
	if err != nil {
		t.Fatal(err)
	}
	prog, err := loadProgram()
	if err != nil {
		t.Fatal(err)
	}
	union := map[string]bool{}
	for _, n := range needs {
		for a := range n {
			union[a] = true
		}
	}
	all := prog.allOps()
	for _, action := range sorted(all) {
		if !union[action] && notDeployed[action] == "" {
			t.Errorf("the code can call %s (%s) but no function's entry points reach it: reached through a library callback the call graph does not follow, or dead code; fix the derivation or list it in notDeployed with the reason", action, strings.Join(all[action], " → "))
		}
	}
	for action := range notDeployed {
		if _, ok := all[action]; !ok {
			t.Errorf("notDeployed lists %s, which the code no longer calls", action)
		}
	}
}

// restoredTableARN is the ARN the table statements name once
// RestoredTableName switches the functions to a restored table.
const restoredTableARN = "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${RestoredTableName}"

// onAccountsTable reports whether r is the AccountsTable ARN (or an index
// ARN of it), switched to the restored table's by UseRestoredTable.
func onAccountsTable(r *yaml.Node) bool {
	if r != nil && r.Tag == "!If" {
		if len(r.Content) != 3 || r.Content[0].Value != "UseRestoredTable" {
			return false
		}
		if format, _, ok := subArgs(r.Content[1]); !ok || format != restoredTableARN {
			return false
		}
		r = r.Content[2]
	}
	if res, attr, ok := getAtt(r); ok {
		return res == "AccountsTable" && attr == "Arn"
	}
	if format, _, ok := subArgs(r); ok {
		return strings.HasPrefix(format, "${AccountsTable.Arn}/index/")
	}
	return false
}
