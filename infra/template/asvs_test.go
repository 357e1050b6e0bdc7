package template

import (
	"testing"

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
