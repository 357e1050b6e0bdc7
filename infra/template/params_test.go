package template

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/config"
)

// awsResourceVars are the config variables without a Parameter that name a
// resource of this stack; localOnlyVars are set only by make run and tests.
// Every config variable without a Parameter must be in one of them.
var (
	awsResourceVars = map[string]string{"TABLE_NAME": "AccountsTable", "KEYS_SECRET_ARN": "KeysSecret", "SIGNING_KEY_ID": "SigningKey", "DATA_KEY_ID": "DataKey", "IDENTITY_CHECK_STATE_MACHINE_ARN": "IdentityCheckStateMachine", "POSTAL_LETTER_STATE_MACHINE_ARN": "PostalLetterStateMachine"}
	// onlyWhereUsed are resource variables set on the functions that use
	// them, not in Globals (a global reference would make a cycle).
	onlyWhereUsed = map[string]bool{"IDENTITY_CHECK_STATE_MACHINE_ARN": true, "POSTAL_LETTER_STATE_MACHINE_ARN": true}
	localOnlyVars = map[string]bool{"LOCAL_KEYS_FILE": true, "MAIL_OUTBOX": true, "LOCAL_SIGNING_KEY_FILE": true, "LETTER_OUTBOX": true}
	// infraParams are the Parameters that configure the stack, not the Go code.
	infraParams = map[string]bool{
		"CorsAllowedOrigins": true, "ThrottleBurst": true, "ThrottleRate": true, "CostlyRouteBurst": true, "CostlyRouteRate": true,
		"AlarmEmail": true, "DeploymentType": true, "ReservedConcurrency": true, "ProvisionedConcurrency": true,
		"LogRetentionDays": true, "Api5xxPercent": true, "SmsFailurePercent": true, "RestoredTableName": true,
	}
)

// TestParameters checks that every config variable with a Param has a
// template Parameter whose default is the Go default, and that the template
// declares no Parameter the Go config and the stack do not use.
func TestParameters(t *testing.T) {
	t.Parallel()
	report(t, paramProblems(tmpl(t)))
}

func paramProblems(d *doc) []string {
	var ps problems
	known := map[string]bool{}
	for _, v := range config.Vars() {
		if v.Param == "" {
			continue
		}
		known[v.Param] = true
		p := lookup(d.top, "Parameters", v.Param)
		if p == nil {
			ps.add("config variable %s names Parameter %s, which template.yaml lacks", v.Env, v.Param)
			continue
		}
		if typ, _ := scalar(lookup(p, "Type")); typ != "String" {
			ps.add("Parameters.%s.Type = %q, want String (Go parses the value)", v.Param, typ)
		}
		def, ok := scalar(lookup(p, "Default"))
		if !ok || def != v.Default {
			ps.add("Parameters.%s.Default = %q, want %q, the default of %s in internal/config", v.Param, def, v.Default, v.Env)
		}
		if vals, ok := strs(lookup(p, "AllowedValues")); ok && !slices.Contains(vals, v.Default) {
			ps.add("Parameters.%s.AllowedValues %q lacks the Go default %q", v.Param, vals, v.Default)
		}
		if pat, ok := scalar(lookup(p, "AllowedPattern")); ok {
			re, err := regexp.Compile(pat)
			if err != nil {
				ps.add("Parameters.%s.AllowedPattern %q: %v", v.Param, pat, err)
			} else if !re.MatchString(v.Default) {
				ps.add("Parameters.%s.AllowedPattern %q rejects the Go default %q", v.Param, pat, v.Default)
			}
		} else if v.Limit {
			ps.add("Parameters.%s: a SPEC limit needs an AllowedPattern, so a bad override fails at deploy, not at cold start", v.Param)
		}
		desc, _ := scalar(lookup(p, "Description"))
		if v.Limit && !strings.Contains(desc, "SPEC §") {
			ps.add("Parameters.%s.Description = %q, want it to cite the SPEC rule (SPEC §…)", v.Param, desc)
		}
	}
	for _, name := range keys(lookup(d.top, "Parameters")) {
		if !known[name] && !infraParams[name] {
			ps.add("Parameter %s is neither a Param of internal/config.Vars() nor one of the infrastructure parameters %q", name, sorted(infraParams))
		}
	}
	return ps
}

// TestEnvironment checks that each function gets every config variable it
// reads in AWS, wired to its Parameter or resource, and nothing else.
func TestEnvironment(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	vars := map[string]config.Var{}
	for _, v := range config.Vars() {
		vars[v.Env] = v
		if v.Param == "" && awsResourceVars[v.Env] == "" && !localOnlyVars[v.Env] {
			t.Errorf("config variable %s has no Param: give it one, or list it in awsResourceVars or localOnlyVars here", v.Env)
		}
	}
	for _, fn := range d.functions() {
		env := d.env(fn)
		for _, name := range sorted(vars) {
			v := vars[name]
			got, set := env[name]
			target, isRef := ref(got)
			switch {
			case localOnlyVars[name] && set:
				t.Errorf("%s: %s is for make run only; AWS must not set it", fn.id, name)
			case localOnlyVars[name]:
			case onlyWhereUsed[name] && !set:
			case v.Param != "" && (!isRef || target != v.Param):
				t.Errorf("%s: environment %s must be !Ref %s", fn.id, name, v.Param)
			case v.Param == "" && (!isRef || target != awsResourceVars[name]):
				t.Errorf("%s: environment %s must be !Ref %s", fn.id, name, awsResourceVars[name])
			}
		}
		for _, name := range sorted(env) {
			if _, ok := vars[name]; !ok {
				t.Errorf("%s: environment %s is not a variable internal/config reads", fn.id, name)
			}
		}
	}
}
