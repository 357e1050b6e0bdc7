package template

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/dynamo"
)

// TestAccountsTable pins the table to internal/dynamo's schema and to
// SPEC §4 (point-in-time recovery, deletion protection).
func TestAccountsTable(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	tbl, ok := d.resource("AccountsTable")
	if !ok || tbl.typ() != "AWS::DynamoDB::Table" {
		t.Fatal("want resource AccountsTable of type AWS::DynamoDB::Table")
	}
	type attr struct{ Name, Type string }
	var gotAttrs []attr
	for _, a := range tbl.prop("AttributeDefinitions").Content {
		n, _ := scalar(lookup(a, "AttributeName"))
		ty, _ := scalar(lookup(a, "AttributeType"))
		gotAttrs = append(gotAttrs, attr{n, ty})
	}
	slices.SortFunc(gotAttrs, func(a, b attr) int { return strings.Compare(a.Name, b.Name) })
	wantAttrs := []attr{{dynamo.AttrGSI1PK, "S"}, {dynamo.AttrGSI1SK, "S"}, {dynamo.AttrPK, "S"}, {dynamo.AttrSK, "S"}}
	slices.SortFunc(wantAttrs, func(a, b attr) int { return strings.Compare(a.Name, b.Name) })
	if diff := cmp.Diff(wantAttrs, gotAttrs); diff != "" {
		t.Errorf("AccountsTable.AttributeDefinitions (-internal/dynamo +template):\n%s", diff)
	}
	if diff := cmp.Diff([]string{dynamo.AttrPK + " HASH", dynamo.AttrSK + " RANGE"}, keySchema(tbl.prop("KeySchema"))); diff != "" {
		t.Errorf("AccountsTable.KeySchema (-internal/dynamo +template):\n%s", diff)
	}
	gsis := tbl.prop("GlobalSecondaryIndexes")
	if gsis == nil || len(gsis.Content) != 1 {
		t.Fatalf("AccountsTable: want exactly one GlobalSecondaryIndex, %s", dynamo.IndexGSI1)
	}
	gsi := gsis.Content[0]
	if name, _ := scalar(lookup(gsi, "IndexName")); name != dynamo.IndexGSI1 {
		t.Errorf("AccountsTable GSI IndexName = %q, want %q", name, dynamo.IndexGSI1)
	}
	if diff := cmp.Diff([]string{dynamo.AttrGSI1PK + " HASH", dynamo.AttrGSI1SK + " RANGE"}, keySchema(lookup(gsi, "KeySchema"))); diff != "" {
		t.Errorf("AccountsTable GSI KeySchema (-internal/dynamo +template):\n%s", diff)
	}
	checks := []struct {
		path []string
		want string
		why  string
	}{
		{[]string{"Properties", "BillingMode"}, "PAY_PER_REQUEST", "on-demand, as internal/dynamo creates it"},
		{[]string{"Properties", "TimeToLiveSpecification", "AttributeName"}, dynamo.AttrTTL, "internal/dynamo's TTL attribute"},
		{[]string{"Properties", "TimeToLiveSpecification", "Enabled"}, "true", "TTL tidies expired items"},
		{[]string{"Properties", "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"}, "true", "SPEC §4"},
		{[]string{"Properties", "DeletionProtectionEnabled"}, "true", "SPEC §4"},
		{[]string{"Properties", "SSESpecification", "SSEEnabled"}, "true", "encryption at rest with KMS"},
		{[]string{"DeletionPolicy"}, "Retain", "deleting the stack must not delete accounts"},
		{[]string{"UpdateReplacePolicy"}, "Retain", "a replacement must not delete accounts"},
	}
	for _, c := range checks {
		if got, _ := scalar(lookup(tbl.node, c.path...)); got != c.want {
			t.Errorf("AccountsTable.%s = %q, want %q (%s)", strings.Join(c.path, "."), got, c.want, c.why)
		}
	}
	if got, _ := scalar(lookup(gsi, "Projection", "ProjectionType")); got != "ALL" {
		t.Errorf("AccountsTable GSI Projection = %q, want ALL, as internal/dynamo creates it", got)
	}
}

func keySchema(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, k := range n.Content {
		name, _ := scalar(lookup(k, "AttributeName"))
		typ, _ := scalar(lookup(k, "KeyType"))
		out = append(out, name+" "+typ)
	}
	return out
}

// TestKeysSecret checks that the generated master secret is one that
// internal/cipher reads as base64 of at least cipher.KeySize bytes, and
// that it outlives the stack.
func TestKeysSecret(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	s, ok := d.resource("KeysSecret")
	if !ok || s.typ() != "AWS::SecretsManager::Secret" {
		t.Fatal("want resource KeysSecret of type AWS::SecretsManager::Secret")
	}
	gen := s.prop("GenerateSecretString")
	length, _ := scalar(lookup(gen, "PasswordLength"))
	n, err := strconv.Atoi(length)
	if err != nil || n%4 != 0 || n/4*3 < cipher.KeySize {
		t.Errorf("KeysSecret PasswordLength = %q: want a multiple of 4 whose base64 decodes to ≥ %d bytes", length, cipher.KeySize)
	}
	if p, _ := scalar(lookup(gen, "ExcludePunctuation")); p != "true" {
		t.Error("KeysSecret: ExcludePunctuation must be true, so the secret is letters and digits, valid base64")
	}
	for _, k := range []string{"SecretStringTemplate", "GenerateStringKey", "IncludeSpace"} {
		if lookup(gen, k) != nil {
			t.Errorf("KeysSecret: GenerateSecretString.%s would make the secret something other than one base64 string", k)
		}
	}
	for _, k := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
		if got, _ := scalar(lookup(s.node, k)); got != "Retain" {
			t.Errorf("KeysSecret.%s = %q, want Retain: losing the key orphans every blind index and code hash", k, got)
		}
	}
}

// TestApi checks the one HTTP API: CORS for the browser client, throttling
// from parameters, and access logs that hold no bodies or personal data.
func TestApi(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	apis := d.ofType("AWS::Serverless::HttpApi")
	if len(apis) != 1 || apis[0].id != "Api" {
		t.Fatalf("want exactly one AWS::Serverless::HttpApi, named Api")
	}
	api := apis[0]
	if api.prop("CorsConfiguration") != nil {
		t.Error("Api: set CORS in DefinitionBody x-amazon-apigateway-cors, not CorsConfiguration: SAM turns an intrinsic AllowOrigins into the whole CORS object and drops the headers and methods")
	}
	cors := api.prop("DefinitionBody", "x-amazon-apigateway-cors")
	if origins, ok := ref(lookup(cors, "allowOrigins")); !ok || origins != "CorsAllowedOrigins" {
		t.Error("Api CORS allowOrigins must be !Ref CorsAllowedOrigins")
	}
	headers, _ := strs(lookup(cors, "allowHeaders"))
	for _, h := range []string{"content-type", "authorization", "idempotency-key"} {
		if !slices.Contains(headers, h) {
			t.Errorf("Api CORS allowHeaders %q lacks %q", headers, h)
		}
	}
	for prop, param := range map[string]string{"ThrottlingBurstLimit": "ThrottleBurst", "ThrottlingRateLimit": "ThrottleRate"} {
		if got, ok := ref(api.prop("DefaultRouteSettings", prop)); !ok || got != param {
			t.Errorf("Api DefaultRouteSettings.%s must be !Ref %s", prop, param)
		}
	}
	checkAccessLog(t, d, api.prop("AccessLogSettings"))
}

// accessLogDenied are $context variables that could carry a body or
// personal data into the access log.
var accessLogDenied = []string{"body", "$context.path", "sourceIp", "userAgent", "$context.authorizer", "$context.identity"}

func checkAccessLog(t *testing.T, d *doc, settings *yaml.Node) {
	t.Helper()
	if diff := cmp.Diff([]string{"DestinationArn", "Format"}, keys(settings)); diff != "" {
		t.Fatalf("Api AccessLogSettings keys (-want +got):\n%s", diff)
	}
	group, attr, ok := getAtt(lookup(settings, "DestinationArn"))
	if r, found := d.resource(group); !ok || attr != "Arn" || !found || r.typ() != "AWS::Logs::LogGroup" {
		t.Error("Api AccessLogSettings.DestinationArn must be !GetAtt <LogGroup>.Arn of an AWS::Logs::LogGroup in this template")
	}
	if r, found := d.resource(group); found {
		if !keptLimited(r) {
			t.Errorf("%s: set RetentionInDays (a number or !Ref LogRetentionDays); access logs should not be kept forever", group)
		}
	}
	format, _ := scalar(lookup(settings, "Format"))
	var fields map[string]string
	if err := json.Unmarshal([]byte(format), &fields); err != nil {
		t.Fatalf("Api AccessLogSettings.Format is not one JSON object of strings: %v", err)
	}
	if fields["requestId"] != "$context.requestId" {
		t.Error(`Api access log must have "requestId":"$context.requestId", the key the function logs carry too`)
	}
	for k, v := range fields {
		for _, bad := range accessLogDenied {
			if strings.Contains(v, bad) {
				t.Errorf("Api access log field %s = %q: %q may carry a body or personal data (SPEC §4)", k, v, bad)
			}
		}
	}
}

// keptLimited reports whether a log group sets RetentionInDays, as a
// number or the LogRetentionDays parameter.
func keptLimited(r resource) bool {
	n := r.prop("RetentionInDays")
	if p, ok := ref(n); ok {
		return p == "LogRetentionDays"
	}
	days, _ := scalar(n)
	return days != ""
}
