package template

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/portalid/portalid/internal/metric"
)

// TestLockoutWaveAlarm: an abnormal number of sign-in lockouts, the sign
// of password guessing or credential stuffing, raises an alarm to the
// alarm topic (ASVS 2.2.1, 8.1.4).
func TestLockoutWaveAlarm(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	alarms := d.alarmsOn("!Ref MetricNamespace", string(metric.Lockouts), "Stage", "!Ref Stage")
	if len(alarms) == 0 {
		t.Fatalf("no alarm on the application metric %s (Namespace !Ref MetricNamespace, Stage !Ref Stage)", metric.Lockouts)
	}
	for _, a := range alarms {
		actions := seq(a.prop("AlarmActions"))
		if len(actions) == 0 || value(actions[0]) != "!Ref AlarmTopic" {
			t.Errorf("%s: AlarmActions = %v, want [!Ref AlarmTopic]", a.id, actions)
		}
		if s, _ := scalar(a.prop("Statistic")); s != "Sum" {
			t.Errorf("%s: Statistic = %q, want Sum (lockouts counted in the period)", a.id, s)
		}
	}
}

// logReaders are the CloudWatch Logs actions that read, delete or shorten
// the logs; no role of the stack may hold them.
var logReaders = []string{
	"logs:*", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults",
	"logs:GetLogRecord", "logs:StartLiveTail", "logs:CreateExportTask", "logs:DeleteLogGroup",
	"logs:DeleteLogStream", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
	"logs:DisassociateKmsKey", "logs:PutSubscriptionFilter",
}

// managedLogsPolicy matches the AWS managed policies that read or manage
// logs.
var managedLogsPolicy = regexp.MustCompile(`CloudWatchLogs(FullAccess|ReadOnlyAccess)|policy/CloudWatchLogs`)

// TestNoRoleReadsOrDeletesLogs: the functions and state machines write
// their logs (SAM's basic execution role, log delivery for Step Functions)
// but no statement of the template lets them read, delete, export or
// shorten any log, and no managed logs policy is attached (ASVS 7.3.3).
func TestNoRoleReadsOrDeletesLogs(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	var actions []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k, v := n.Content[i], n.Content[i+1]; k.Value == "Action" {
					if v.Kind == yaml.ScalarNode {
						actions = append(actions, v.Value)
					}
					for _, a := range v.Content {
						actions = append(actions, a.Value)
					}
				}
			}
		}
		if n.Kind == yaml.ScalarNode && managedLogsPolicy.MatchString(n.Value) {
			t.Errorf("template names a managed logs policy %q; functions get only SAM's basic execution role", n.Value)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(d.top)
	if !slices.ContainsFunc(actions, func(a string) bool { return strings.HasPrefix(a, "dynamodb:") }) {
		t.Fatalf("found %d actions and no dynamodb: one; the walk over the policies is broken", len(actions))
	}
	for _, a := range actions {
		if a == "*" || slices.ContainsFunc(logReaders, func(r string) bool { return strings.EqualFold(a, r) }) {
			t.Errorf("a policy grants %q: logs must stay write-only to the stack's roles", a)
		}
	}
}
