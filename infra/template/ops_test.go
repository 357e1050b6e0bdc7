package template

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/metric"
)

// The operations checks are generic over the template's functions and
// state machines, so one added by another branch is held to the same
// rules without an edit here.

// watched is one metric an alarm looks at: namespace, name and the
// dimensions, each value as written (a scalar, or "!Ref X").
type watched struct {
	namespace, name string
	dims            map[string]string
}

// alarmMetrics lists the metrics of an alarm: its own, or those of its
// metric math queries.
func alarmMetrics(a resource) []watched {
	one := func(m *yaml.Node) watched {
		w := watched{dims: map[string]string{}}
		w.namespace = value(lookup(m, "Namespace"))
		w.name = value(lookup(m, "MetricName"))
		for _, d := range seq(lookup(m, "Dimensions")) {
			w.dims[value(lookup(d, "Name"))] = value(lookup(d, "Value"))
		}
		return w
	}
	if a.prop("MetricName") != nil {
		return []watched{one(a.prop())}
	}
	var out []watched
	for _, q := range seq(a.prop("Metrics")) {
		if m := lookup(q, "MetricStat", "Metric"); m != nil {
			out = append(out, one(m))
		}
	}
	return out
}

// value renders a scalar or an intrinsic as text: "x", "!Ref X",
// "!Sub ${X}:live".
func value(n *yaml.Node) string {
	if v, ok := scalar(n); ok {
		return v
	}
	if id, ok := ref(n); ok {
		return "!Ref " + id
	}
	if format, _, ok := subArgs(n); ok {
		return "!Sub " + format
	}
	return show(n)
}

func seq(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// alarmsOn returns the alarms watching metric name in namespace with the
// given dimension value (dim "" matches any).
func (d *doc) alarmsOn(namespace, name, dim, val string) []resource {
	var out []resource
	for _, a := range d.ofType("AWS::CloudWatch::Alarm") {
		for _, w := range alarmMetrics(a) {
			if w.namespace == namespace && w.name == name && (dim == "" || w.dims[dim] == val) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// alarmProblems checks that every failure operators must hear of has an
// alarm, and that every alarm reaches the alarm topic.
func alarmProblems(d *doc) []string {
	var ps problems
	topics := d.ofType("AWS::SNS::Topic")
	if len(topics) == 0 {
		ps.add("no AWS::SNS::Topic for the alarms")
		return ps
	}
	topic := "!Ref " + topics[0].id
	for _, a := range d.ofType("AWS::CloudWatch::Alarm") {
		var actions []string
		for _, n := range seq(a.prop("AlarmActions")) {
			actions = append(actions, value(n))
		}
		if !slices.Contains(actions, topic) {
			ps.add("%s: AlarmActions %q must include %s, or nobody hears of it", a.id, actions, topic)
		}
		if v, _ := scalar(a.prop("TreatMissingData")); v != "notBreaching" {
			ps.add("%s: TreatMissingData = %q, want notBreaching (no traffic is not a failure)", a.id, v)
		}
	}
	subscribed := false
	for _, s := range d.ofType("AWS::SNS::Subscription") {
		if value(s.prop("TopicArn")) == topic && value(s.prop("Endpoint")) == "!Ref AlarmEmail" {
			subscribed = true
		}
	}
	if !subscribed {
		ps.add("no AWS::SNS::Subscription of !Ref AlarmEmail to %s", topic)
	}
	for _, sm := range d.stateMachines() {
		for _, m := range []string{"ExecutionsFailed", "ExecutionsTimedOut"} {
			if len(d.alarmsOn("AWS/States", m, "StateMachineArn", "!Ref "+sm.id)) == 0 {
				ps.add("%s: no alarm on AWS/States %s with StateMachineArn !Ref %s", sm.id, m, sm.id)
			}
		}
	}
	for _, fn := range d.functions() {
		for _, m := range []string{"Errors", "Throttles"} {
			if len(d.alarmsOn("AWS/Lambda", m, "FunctionName", "!Ref "+fn.id)) == 0 {
				ps.add("%s: no alarm on AWS/Lambda %s with FunctionName !Ref %s", fn.id, m, fn.id)
			}
		}
	}
	if len(d.alarmsOn("AWS/ApiGateway", "5xx", "ApiId", "!Ref Api")) == 0 {
		ps.add("no alarm on the API's 5xx (AWS/ApiGateway 5xx, ApiId !Ref Api)")
	}
	for _, m := range []metric.Name{metric.ChecksStalled, metric.LettersFailed} {
		if len(d.alarmsOn("!Ref MetricNamespace", string(m), "Stage", "!Ref Stage")) == 0 {
			ps.add("no alarm on the application metric %s (Namespace !Ref MetricNamespace, Stage !Ref Stage)", m)
		}
	}
	if len(d.alarmsOn("AWS/SNS", "NumberOfNotificationsFailed", "PhoneNumber", "PhoneNumberDirect")) == 0 {
		ps.add("no alarm on SMS delivery failures (AWS/SNS NumberOfNotificationsFailed, PhoneNumber PhoneNumberDirect)")
	}
	return ps
}

func TestAlarms(t *testing.T) {
	t.Parallel()
	report(t, alarmProblems(tmpl(t)))
}

// deployProblems checks gradual deploys: every function publishes a live
// alias that CodeDeploy shifts by DeploymentType and rolls back on its own
// errors alarm and the API's 5xx alarm; the state machines call the alias,
// so workflows take part in a canary (API routes do through SAM, which
// points every event of an AutoPublishAlias function at the alias).
func deployProblems(d *doc) []string {
	var ps problems
	for _, fn := range d.functions() {
		if alias, _ := scalar(d.effective(fn, "AutoPublishAlias")); alias != "live" {
			ps.add("%s: AutoPublishAlias = %q, want live", fn.id, alias)
		}
		pref := d.effective(fn, "DeploymentPreference")
		if typ := value(lookup(pref, "Type")); typ != "!Ref DeploymentType" {
			if global := value(lookup(d.top, "Globals", "Function", "DeploymentPreference", "Type")); global != "!Ref DeploymentType" || lookup(fn.prop("DeploymentPreference"), "Type") != nil {
				ps.add("%s: DeploymentPreference.Type = %s, want !Ref DeploymentType", fn.id, typ)
			}
		}
		// SAM appends a function's Alarms to the global ones.
		var alarms []string
		for _, n := range append(seq(lookup(d.top, "Globals", "Function", "DeploymentPreference", "Alarms")), seq(lookup(fn.prop("DeploymentPreference"), "Alarms"))...) {
			alarms = append(alarms, value(n))
		}
		for _, a := range d.alarmsOn("AWS/Lambda", "Errors", "FunctionName", "!Ref "+fn.id) {
			if !slices.Contains(alarms, "!Ref "+a.id) {
				ps.add("%s: its errors alarm %s is not in its DeploymentPreference.Alarms %q, so a failing canary would not roll back", fn.id, a.id, alarms)
			}
		}
		for _, a := range d.alarmsOn("AWS/ApiGateway", "5xx", "ApiId", "!Ref Api") {
			if !slices.Contains(alarms, "!Ref "+a.id) {
				ps.add("%s: the API 5xx alarm %s is not in its DeploymentPreference.Alarms", fn.id, a.id)
			}
		}
	}
	for _, sm := range d.stateMachines() {
		for _, p := range pairs(sm.prop("DefinitionSubstitutions")) {
			if res, _, ok := getAtt(p.val); ok && d.isType(res, "AWS::Serverless::Function") {
				ps.add("%s: DefinitionSubstitutions.%s is !GetAtt %s.Arn, which bypasses the live alias and its canary; use !Ref %s.Alias", sm.id, p.key, res, res)
			}
		}
	}
	for prop, param := range map[string]string{"ReservedConcurrentExecutions": "ReservedConcurrency", "ProvisionedConcurrencyConfig": "ProvisionedConcurrency"} {
		if !strings.Contains(show(lookup(d.top, "Globals", "Function", prop)), param) {
			ps.add("Globals.Function.%s must come from the %s parameter", prop, param)
		}
	}
	return ps
}

func TestGradualDeploys(t *testing.T) {
	t.Parallel()
	report(t, deployProblems(tmpl(t)))
}

// TestRouteThrottling: a route whose code sends an SMS or e-mail or hashes
// a password (derived from the call graph, callgraph_test.go's costly)
// carries its own throttle, CostlyRouteBurst and CostlyRouteRate; other
// routes take the API's default.
func TestRouteThrottling(t *testing.T) {
	t.Parallel()
	prog, err := loadProgram()
	if err != nil {
		t.Fatal(err)
	}
	d := tmpl(t)
	byKey, _ := prog.handlerRoots()
	for _, fn := range d.functions() {
		for _, ev := range pairs(fn.prop("Events")) {
			if typ, _ := scalar(lookup(ev.val, "Type")); typ != "HttpApi" {
				continue
			}
			props := lookup(ev.val, "Properties")
			key, err := routeKey(props)
			if err != nil {
				continue // TestRoutes reports it
			}
			costs := prog.reach(byKey[key]).costs
			settings := lookup(props, "RouteSettings")
			throttled := value(lookup(settings, "ThrottlingBurstLimit")) == "!Ref CostlyRouteBurst" &&
				value(lookup(settings, "ThrottlingRateLimit")) == "!Ref CostlyRouteRate"
			switch {
			case len(costs) > 0 && !throttled:
				t.Errorf("%s.Events.%s (%s) reaches %q (%s): give it RouteSettings ThrottlingBurstLimit !Ref CostlyRouteBurst, ThrottlingRateLimit !Ref CostlyRouteRate",
					fn.id, ev.key, key, sorted(costs), strings.Join(costs[sorted(costs)[0]], " → "))
			case len(costs) == 0 && settings != nil:
				t.Errorf("%s.Events.%s (%s) sends nothing and hashes no password: drop its RouteSettings, the API default applies", fn.id, ev.key, key)
			}
		}
	}
	if _, ok := byKey[httpapi.DefaultRoute]; !ok {
		t.Error("internal/httpapi binds no handler to the $default route")
	}
}

// asyncEvents are the event sources that invoke a function asynchronously
// (or poll for it): a failed invocation there is retried and then lost
// unless it has somewhere to go.
var asyncEvents = map[string]bool{
	"S3": true, "SNS": true, "SQS": true, "Kinesis": true, "DynamoDB": true, "EventBridgeRule": true,
	"CloudWatchEvent": true, "Schedule": true, "ScheduleV2": true, "CloudWatchLogs": true, "IoTRule": true,
	"Cognito": true, "MSK": true, "MQ": true, "SelfManagedKafka": true, "DocumentDB": true,
}

// TestAsyncFailuresKept: every function with an asynchronous event source
// has an on-failure destination or a dead-letter queue. (Today none has:
// API routes and Step Functions tasks are synchronous, and their failures
// are the caller's answer or the workflow's Catch and alarms.)
func TestAsyncFailuresKept(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	for _, fn := range d.functions() {
		for _, ev := range pairs(fn.prop("Events")) {
			typ, _ := scalar(lookup(ev.val, "Type"))
			if !asyncEvents[typ] {
				continue
			}
			onFailure := lookup(d.effective(fn, "EventInvokeConfig"), "DestinationConfig", "OnFailure")
			dlq := d.effective(fn, "DeadLetterQueue")
			eventDLQ := lookup(ev.val, "Properties", "DeadLetterConfig")
			if onFailure == nil && dlq == nil && eventDLQ == nil {
				t.Errorf("%s.Events.%s (%s) is asynchronous: give the function EventInvokeConfig.DestinationConfig.OnFailure or a DeadLetterQueue (or the event a DeadLetterConfig), and an alarm on it", fn.id, ev.key, typ)
			}
		}
	}
}

// TestLogsAndTracing: every log group has a retention; every function logs
// JSON to a log group of the template and traces with X-Ray; every state
// machine logs errors without execution data (SPEC §4) and traces.
func TestLogsAndTracing(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	for _, g := range d.ofType("AWS::Logs::LogGroup") {
		if !keptLimited(g) {
			t.Errorf("%s: set RetentionInDays (!Ref LogRetentionDays)", g.id)
		}
	}
	for _, fn := range d.functions() {
		group, ok := ref(lookup(d.effective(fn, "LoggingConfig"), "LogGroup"))
		if !ok || !d.isType(group, "AWS::Logs::LogGroup") {
			t.Errorf("%s: LoggingConfig.LogGroup must be !Ref of a log group of the template, or its logs are kept forever", fn.id)
		}
	}
	for _, sm := range d.stateMachines() {
		for path, want := range map[string]string{"Logging.Level": "ERROR", "Logging.IncludeExecutionData": "false", "Tracing.Enabled": "true"} {
			if got, _ := scalar(sm.prop(strings.Split(path, ".")...)); got != want {
				t.Errorf("%s: %s = %q, want %q", sm.id, path, got, want)
			}
		}
		dests := seq(sm.prop("Logging", "Destinations"))
		if len(dests) != 1 {
			t.Errorf("%s: want one Logging destination", sm.id)
			continue
		}
		if group, attr, ok := getAtt(lookup(dests[0], "CloudWatchLogsLogGroup", "LogGroupArn")); !ok || attr != "Arn" || !d.isType(group, "AWS::Logs::LogGroup") {
			t.Errorf("%s: Logging destination must be !GetAtt <LogGroup>.Arn of the template", sm.id)
		}
	}
}

// TestKeys: every KMS key has a key policy and outlives the stack, and a
// symmetric one rotates itself.
func TestKeys(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	for _, k := range d.ofType("AWS::KMS::Key") {
		if k.prop("KeyPolicy", "Statement") == nil {
			t.Errorf("%s: no KeyPolicy", k.id)
		}
		for _, p := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
			if v, _ := scalar(lookup(k.node, p)); v != "Retain" {
				t.Errorf("%s.%s = %q, want Retain: a deleted key makes what it sealed or signed unreadable", k.id, p, v)
			}
		}
		if spec, _ := scalar(k.prop("KeySpec")); spec == "" || spec == "SYMMETRIC_DEFAULT" {
			if v, _ := scalar(k.prop("EnableKeyRotation")); v != "true" {
				t.Errorf("%s: a symmetric key must set EnableKeyRotation: true", k.id)
			}
		}
	}
}

// TestOutputs: operators find the API, the table, every state machine and
// the alarm topic in the stack's outputs.
func TestOutputs(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	values := map[string]bool{}
	for _, o := range pairs(lookup(d.top, "Outputs")) {
		v := lookup(o.val, "Value")
		if id, ok := ref(v); ok {
			values[id] = true
		}
		if format, _, ok := subArgs(v); ok {
			for _, name := range subNames(format) {
				values[name] = true
			}
		}
	}
	want := []string{"Api", "AccountsTable", "AlarmTopic", "Dashboard"}
	for _, sm := range d.stateMachines() {
		want = append(want, sm.id)
	}
	for _, id := range want {
		if !values[id] {
			t.Errorf("Outputs: no output's Value refers to %s", id)
		}
	}
}

var subPlaceholder = regexp.MustCompile(`\$\{[^}]*\}`)

// TestDashboard: the dashboard body is JSON once !Sub has filled it, finds
// functions and state machines by the stack's name (so new ones show up),
// and shows every application metric.
func TestDashboard(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	boards := d.ofType("AWS::CloudWatch::Dashboard")
	if len(boards) != 1 {
		t.Fatalf("want one AWS::CloudWatch::Dashboard, have %d", len(boards))
	}
	format, _, ok := subArgs(boards[0].prop("DashboardBody"))
	if !ok {
		t.Fatal("Dashboard.DashboardBody must be a !Sub of the JSON body")
	}
	body := subPlaceholder.ReplaceAllString(format, "x")
	var parsed struct {
		Widgets []map[string]any `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(body), &parsed); err != nil || len(parsed.Widgets) == 0 {
		t.Fatalf("DashboardBody is not JSON with widgets once substituted: %v", err)
	}
	for _, want := range []string{`{AWS/Lambda,FunctionName}`, `{AWS/States,StateMachineArn}`, `${AWS::StackName}`, `"AWS/ApiGateway"`} {
		if !strings.Contains(format, want) {
			t.Errorf("DashboardBody lacks %s", want)
		}
	}
	for _, m := range metric.Names {
		if !strings.Contains(format, `"`+string(m)+`"`) && !strings.Contains(format, `MetricName=\"`+string(m)+`\"`) {
			t.Errorf("DashboardBody does not show the application metric %s", m)
		}
	}
}
