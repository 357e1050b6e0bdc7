package template

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/awslabs/goformation/v7"
	"gopkg.in/yaml.v3"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/httpapi"
)

// goformationGaps are properties SAM accepts that goformation v7.14.9 (the
// last release; archived upstream) does not know, by resource type. They are
// removed before goformation parses the template, so it still rejects every
// other unknown property. TestGoformation/gaps proves each one is still a gap.
var goformationGaps = map[string][]string{
	// goformation spells it AccessLogSetting, which is the REST API's name.
	// Its HttpApiAuth predates SAM's built-in IAM authorizer (a gap is a
	// dotted path when it is nested).
	"AWS::Serverless::HttpApi": {"AccessLogSettings", "Auth.EnableIamAuthorizer"},
}

// goformationMu serialises goformation: every ParseYAML writes a
// package-level map (intrinsics.registerTagMarshallers), a data race when
// parallel tests parse at once.
var goformationMu sync.Mutex

func parseGoformation(b []byte) error {
	goformationMu.Lock()
	defer goformationMu.Unlock()
	_, err := goformation.ParseYAML(b)
	return err
}

func TestGoformation(t *testing.T) {
	t.Parallel()
	d := tmpl(t)

	t.Run("parses", func(t *testing.T) {
		t.Parallel()
		if err := parseGoformation(withoutGaps(t, d, nil)); err != nil {
			t.Fatalf("goformation.ParseYAML(template.yaml less known gaps) = %v; an unknown or misspelt property?", err)
		}
	})
	t.Run("gaps", func(t *testing.T) {
		t.Parallel()
		for typ, props := range goformationGaps {
			for _, prop := range props {
				keep := map[string]string{typ: prop}
				if err := parseGoformation(withoutGaps(t, d, keep)); err == nil {
					t.Errorf("goformation now accepts %s property %s (or the template no longer uses it): drop it from goformationGaps", typ, prop)
				}
			}
		}
	})
}

// withoutGaps re-encodes the template without the goformationGaps
// properties, except the one keep names.
func withoutGaps(t *testing.T, d *doc, keep map[string]string) []byte {
	t.Helper()
	b, err := os.ReadFile(d.path)
	if err != nil {
		t.Fatal(err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs(lookup(n.Content[0], "Resources")) {
		typ, _ := scalar(lookup(p.val, "Type"))
		props := lookup(p.val, "Properties")
		for _, gap := range goformationGaps[typ] {
			if keep[typ] != gap {
				path := strings.Split(gap, ".")
				deleteKey(lookup(props, path[:len(path)-1]...), path[len(path)-1])
			}
		}
	}
	out, err := yaml.Marshal(&n)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func deleteKey(m *yaml.Node, key string) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

var pseudoParameters = map[string]bool{
	"AWS::AccountId": true, "AWS::NotificationARNs": true, "AWS::NoValue": true, "AWS::Partition": true,
	"AWS::Region": true, "AWS::StackId": true, "AWS::StackName": true, "AWS::URLSuffix": true,
}

// TestReferences checks that every !Ref, !GetAtt and ${…} in a !Sub names a
// Parameter, a Resource or a pseudo parameter, and that every Parameter is
// used (an unused one is a typo or a forgotten wire).
func TestReferences(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	params := map[string]bool{}
	for _, p := range pairs(lookup(d.top, "Parameters")) {
		params[p.key] = true
	}
	res := map[string]bool{}
	for _, r := range d.resources() {
		res[r.id] = true
	}
	used := map[string]bool{}
	check := func(name, at, how string) {
		// SAM's <Function>.Alias and <Function>.Version name the alias and
		// version AutoPublishAlias makes.
		if fn, prop, ok := strings.Cut(name, "."); ok && how == "Ref" && (prop == "Alias" || prop == "Version") {
			if r, found := d.resource(fn); !found || r.typ() != "AWS::Serverless::Function" || d.effective(r, "AutoPublishAlias") == nil {
				t.Errorf("%s: Ref %q: %s is not a function with AutoPublishAlias", at, name, fn)
			}
			name = fn
		}
		used[name] = true
		if !params[name] && !res[name] && !pseudoParameters[name] {
			t.Errorf("%s: %s %q names no Parameter, Resource or pseudo parameter", at, how, name)
		}
	}
	walk(d.top, "template", func(n *yaml.Node, at string) {
		if name, ok := ref(n); ok {
			check(name, at, "Ref")
		}
		if r, _, ok := getAtt(n); ok {
			used[r] = true
			if !res[r] {
				t.Errorf("%s: GetAtt %q names no Resource", at, r)
			}
		}
		if format, vars, ok := subArgs(n); ok {
			for _, name := range subNames(format) {
				if vars[name] {
					continue
				}
				if r, _, isAttr := strings.Cut(name, "."); isAttr {
					used[r] = true
					if !res[r] {
						t.Errorf("%s: Sub ${%s} names no Resource", at, name)
					}
					continue
				}
				check(name, at, "Sub ${…}")
			}
		}
	})
	for _, r := range d.resources() {
		deps, _ := strs(lookup(r.node, "DependsOn"))
		for _, dep := range deps {
			if !res[dep] {
				t.Errorf("Resources.%s.DependsOn: %q names no Resource", r.id, dep)
			}
		}
	}
	for _, p := range sorted(params) {
		if !used[p] {
			t.Errorf("Parameter %s is declared but never used", p)
		}
	}
}

// samHttpApiEvent lists the properties SAM accepts on an HttpApi event;
// goformation lets anything through there.
var samHttpApiEvent = map[string]bool{
	"ApiId": true, "Auth": true, "Method": true, "Path": true,
	"PayloadFormatVersion": true, "RouteSettings": true, "TimeoutInMillis": true,
}

// TestRoutes pins the HttpApi events of every function to httpapi.Table():
// the same route keys on the same function folders, in both directions,
// and the same authorizer: AWS_IAM exactly on the routes Spec.IAM names
// (operators), none on the others (public, or citizens whose bearer
// tokens the functions check).
func TestRoutes(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	inTemplate := map[string]string{} // route key -> function stem
	authorizer := map[string]string{} // route key -> Auth.Authorizer ("" none)
	for _, fn := range d.functions() {
		for _, ev := range pairs(fn.prop("Events")) {
			if typ, _ := scalar(lookup(ev.val, "Type")); typ != "HttpApi" {
				continue
			}
			at := fn.id + ".Events." + ev.key
			props := lookup(ev.val, "Properties")
			for _, k := range keys(props) {
				if !samHttpApiEvent[k] {
					t.Errorf("%s: property %s is not an HttpApi event property", at, k)
				}
			}
			if api, ok := ref(lookup(props, "ApiId")); !ok || api != "Api" {
				t.Errorf("%s: ApiId must be !Ref Api, so the route is on the one configured HttpApi", at)
			}
			key, err := routeKey(props)
			if err != nil {
				t.Errorf("%s: %v", at, err)
				continue
			}
			if prev, dup := inTemplate[key]; dup {
				t.Errorf("%s: route %q is already served by %s", at, key, prev)
			}
			inTemplate[key] = stem(fn.id)
			if auth := lookup(props, "Auth"); auth != nil {
				if ks := keys(auth); !slices.Equal(ks, []string{"Authorizer"}) {
					t.Errorf("%s: Auth has %q, want only Authorizer", at, ks)
				}
				authorizer[key], _ = scalar(lookup(auth, "Authorizer"))
			}
		}
	}
	inGo := map[string]string{}
	iam := false
	for _, s := range httpapi.Table() {
		inGo[s.Key] = s.Function
		want := ""
		if s.IAM() {
			want, iam = "AWS_IAM", true
		}
		if _, ok := inTemplate[s.Key]; ok && authorizer[s.Key] != want {
			t.Errorf("route %q: template.yaml's Auth.Authorizer = %q, want %q (httpapi Spec.IAM() = %v)", s.Key, authorizer[s.Key], want, s.IAM())
		}
	}
	if on, _ := scalar(lookup(d.top, "Resources", "Api", "Properties", "Auth", "EnableIamAuthorizer")); iam && on != "true" {
		t.Errorf("Api.Properties.Auth.EnableIamAuthorizer = %q, want true: routes use the AWS_IAM authorizer", on)
	}
	for _, key := range sorted(inGo) {
		got, ok := inTemplate[key]
		switch {
		case !ok:
			t.Errorf("route %q (function %q) is in httpapi.Table() but not in template.yaml", key, inGo[key])
		case got != inGo[key]:
			t.Errorf("route %q: template.yaml sends it to functions/%s, httpapi.Table() to %q", key, got, inGo[key])
		}
	}
	for _, key := range sorted(inTemplate) {
		if _, ok := inGo[key]; !ok {
			t.Errorf("route %q (functions/%s) is in template.yaml but not in httpapi.Table()", key, inTemplate[key])
		}
	}
}

// routeKey turns HttpApi event properties into API Gateway's route key. SAM
// binds the $default route to an event that has neither Path nor Method.
func routeKey(props *yaml.Node) (string, error) {
	path, hasPath := scalar(lookup(props, "Path"))
	method, hasMethod := scalar(lookup(props, "Method"))
	switch {
	case !hasPath && !hasMethod:
		return httpapi.DefaultRoute, nil
	case !hasPath || !hasMethod:
		return "", errors.New("set both Path and Method as plain strings, or neither for the $default route")
	case !strings.HasPrefix(path, "/"):
		return "", errors.New("Path must start with /")
	}
	return strings.ToUpper(method) + " " + path, nil
}

// TestCodeUri checks that every function builds from an existing folder
// and that its functions/<stem>/main.go exists.
func TestCodeUri(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	for _, fn := range d.functions() {
		t.Run(fn.id, func(t *testing.T) {
			t.Parallel()
			uri, ok := scalar(d.effective(fn, "CodeUri"))
			if !ok {
				t.Fatalf("%s: CodeUri must be a plain folder path", fn.id)
			}
			dir := filepath.Join(filepath.Dir(d.path), uri)
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				t.Errorf("%s: CodeUri %q is not a folder next to template.yaml", fn.id, uri)
			}
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
				t.Errorf("%s: CodeUri %q must be the module root (go.mod), the folder `make build-%s` runs in", fn.id, uri, fn.id)
			}
			main := filepath.Join(d.root, "functions", stem(fn.id), "main.go")
			if _, err := os.Stat(main); err != nil {
				t.Errorf("%s: functions/%s/main.go, which `make build-%s` compiles: %v", fn.id, stem(fn.id), fn.id, err)
			}
		})
	}
}

// TestFunctions checks what every function must share: the Go runtime on
// Graviton, the makefile build, tracing and JSON logs.
func TestFunctions(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	fns := d.functions()
	if len(fns) == 0 {
		t.Fatal("template.yaml has no AWS::Serverless::Function")
	}
	idForm := regexp.MustCompile(`^[A-Z][A-Za-z0-9]*Function$`)
	argon2MiB := config.Defaults().Password.Argon2MemKiB / 1024
	for _, fn := range fns {
		t.Run(fn.id, func(t *testing.T) {
			t.Parallel()
			if !idForm.MatchString(fn.id) {
				t.Errorf("logical ID %q: want PascalCase ending in Function (its folder is functions/<lower-case stem>)", fn.id)
			}
			for _, w := range []struct{ prop, want string }{
				{"Runtime", "provided.al2023"},
				{"Handler", "bootstrap"},
				{"Tracing", "Active"},
				{"CodeUri", "."},
			} {
				if got, _ := scalar(d.effective(fn, w.prop)); got != w.want {
					t.Errorf("%s = %q, want %q", w.prop, got, w.want)
				}
			}
			if got, _ := strs(d.effective(fn, "Architectures")); !slices.Equal(got, []string{"arm64"}) {
				t.Errorf("Architectures = %q, want [arm64]", got)
			}
			if got, _ := scalar(lookup(fn.node, "Metadata", "BuildMethod")); got != "makefile" {
				t.Errorf("Metadata.BuildMethod = %q, want makefile (sam build runs `make build-%s`)", got, fn.id)
			}
			if got, _ := scalar(lookup(d.effective(fn, "LoggingConfig"), "LogFormat")); got != "JSON" {
				t.Errorf("LoggingConfig.LogFormat = %q, want JSON (slog via lambdacontext.NewLogger)", got)
			}
			mem, _ := scalar(d.effective(fn, "MemorySize"))
			if n, err := strconv.Atoi(mem); err != nil || n < 0 || uint32(n) < 4*argon2MiB {
				t.Errorf("MemorySize = %q MB, want at least %d: four times argon2id's %d MiB per hash", mem, 4*argon2MiB, argon2MiB)
			}
			timeout, _ := scalar(d.effective(fn, "Timeout"))
			if n, err := strconv.Atoi(timeout); err != nil || n < 1 || n > 29 {
				t.Errorf("Timeout = %q s, want 1 to 29 (an HTTP API gives up on its integration at 30 s)", timeout)
			}
		})
	}
}

// samGlobalsFunction lists what SAM accepts in Globals.Function
// (samtranslator/plugins/globals/globals.py); goformation does not check
// Globals at all.
var samGlobalsFunction = map[string]bool{
	"Handler": true, "Runtime": true, "CodeUri": true, "DeadLetterQueue": true, "Description": true,
	"MemorySize": true, "Timeout": true, "VpcConfig": true, "Environment": true, "Tags": true,
	"PropagateTags": true, "Tracing": true, "KmsKeyArn": true, "AutoPublishAlias": true,
	"AutoPublishAliasAllProperties": true, "Layers": true, "DeploymentPreference": true, "RolePath": true,
	"PermissionsBoundary": true, "ReservedConcurrentExecutions": true, "ProvisionedConcurrencyConfig": true,
	"AssumeRolePolicyDocument": true, "EventInvokeConfig": true, "FileSystemConfigs": true,
	"CodeSigningConfigArn": true, "Architectures": true, "SnapStart": true, "EphemeralStorage": true,
	"FunctionUrlConfig": true, "RuntimeManagementConfig": true, "LoggingConfig": true,
	"RecursiveLoop": true, "SourceKMSKeyArn": true,
}

func TestGlobals(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	for _, section := range keys(lookup(d.top, "Globals")) {
		if section != "Function" {
			t.Errorf("Globals.%s: only Globals.Function is expected; check SAM supports what you add and extend this test", section)
		}
	}
	for _, k := range keys(lookup(d.top, "Globals", "Function")) {
		if !samGlobalsFunction[k] {
			t.Errorf("Globals.Function.%s: SAM does not accept this property in Globals", k)
		}
	}
	lc := lookup(d.top, "Globals", "Function", "LoggingConfig")
	allowed := map[string][]string{
		"LogFormat":           {"JSON", "Text"},
		"ApplicationLogLevel": {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"},
		"SystemLogLevel":      {"DEBUG", "INFO", "WARN"},
	}
	for _, p := range pairs(lc) {
		v, _ := scalar(p.val)
		if p.key == "LogGroup" {
			if g, ok := ref(p.val); !ok || !d.isType(g, "AWS::Logs::LogGroup") {
				t.Error("Globals.Function.LoggingConfig.LogGroup must be !Ref of an AWS::Logs::LogGroup of the template (its retention is set there)")
			}
			continue
		}
		if vals, ok := allowed[p.key]; !ok {
			t.Errorf("Globals.Function.LoggingConfig.%s: not a LoggingConfig property we expect", p.key)
		} else if !slices.Contains(vals, v) {
			t.Errorf("Globals.Function.LoggingConfig.%s = %q, want one of %q", p.key, v, vals)
		}
	}
}
