package template

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// doc is template.yaml parsed once into yaml.v3 nodes, shared read-only by
// the parallel tests.
type doc struct {
	root string     // repository root (the folder holding go.mod)
	path string     // template.yaml
	top  *yaml.Node // the top-level mapping
}

var loadDoc = sync.OnceValues(func() (*doc, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(root, "template.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseDoc(root, path, b)
})

// parseDoc parses a template; the mutation tests parse their own copy.
func parseDoc(root, path string, b []byte) (*doc, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: want one YAML document holding a mapping", path)
	}
	return &doc{root: root, path: path, top: n.Content[0]}, nil
}

// tmpl returns the parsed template or stops the test.
func tmpl(t *testing.T) *doc {
	t.Helper()
	d, err := loadDoc()
	if err != nil {
		t.Fatalf("load template.yaml: %v", err)
	}
	return d
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// pair is one key and value of a mapping node.
type pair struct {
	key string
	val *yaml.Node
}

// pairs lists the entries of a mapping node in order; nil for anything else.
func pairs(n *yaml.Node) []pair {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	ps := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		ps = append(ps, pair{n.Content[i].Value, n.Content[i+1]})
	}
	return ps
}

// keys lists the keys of a mapping node, sorted.
func keys(n *yaml.Node) []string {
	var ks []string
	for _, p := range pairs(n) {
		ks = append(ks, p.key)
	}
	sort.Strings(ks)
	return ks
}

// lookup follows mapping keys from n; nil when any step is missing.
func lookup(n *yaml.Node, path ...string) *yaml.Node {
	for _, k := range path {
		var next *yaml.Node
		for _, p := range pairs(n) {
			if p.key == k {
				next = p.val
				break
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// scalar returns the value of a plain (untagged) scalar node.
func scalar(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return "", false
	}
	return n.Value, true
}

// strs returns a scalar or a sequence of scalars as a list.
func strs(n *yaml.Node) ([]string, bool) {
	if s, ok := scalar(n); ok {
		return []string{s}, true
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil, false
	}
	var out []string
	for _, c := range n.Content {
		s, ok := scalar(c)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// restorable is the table a value names in normal operation: for
// `!If [UseRestoredTable, <restored>, X]` (the point-in-time restore
// switch, docs/operations.md) it is X; any other value is itself.
func restorable(n *yaml.Node) *yaml.Node {
	if n != nil && n.Tag == "!If" && n.Kind == yaml.SequenceNode && len(n.Content) == 3 && n.Content[0].Value == "UseRestoredTable" {
		return n.Content[2]
	}
	return n
}

// ref returns X for `!Ref X` or `{Ref: X}`.
func ref(n *yaml.Node) (string, bool) {
	n = restorable(n)
	if n == nil {
		return "", false
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!Ref" {
		return n.Value, true
	}
	if ps := pairs(n); len(ps) == 1 && ps[0].key == "Ref" {
		return scalar(ps[0].val)
	}
	return "", false
}

// getAtt returns the resource and attribute of `!GetAtt R.A`,
// `!GetAtt [R, A]` or `{Fn::GetAtt: [R, A]}`.
func getAtt(n *yaml.Node) (res, attr string, ok bool) {
	n = restorable(n)
	if n == nil {
		return "", "", false
	}
	arg := n
	if n.Tag != "!GetAtt" {
		ps := pairs(n)
		if len(ps) != 1 || ps[0].key != "Fn::GetAtt" {
			return "", "", false
		}
		arg = ps[0].val
	}
	if arg.Kind == yaml.ScalarNode {
		res, attr, ok = strings.Cut(arg.Value, ".")
		return res, attr, ok
	}
	if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
		return arg.Content[0].Value, arg.Content[1].Value, true
	}
	return "", "", false
}

// subArgs returns the format string of `!Sub` / `Fn::Sub` and the names its
// variable map defines.
func subArgs(n *yaml.Node) (format string, vars map[string]bool, ok bool) {
	if n == nil {
		return "", nil, false
	}
	arg := n
	if n.Tag != "!Sub" {
		ps := pairs(n)
		if len(ps) != 1 || ps[0].key != "Fn::Sub" {
			return "", nil, false
		}
		arg = ps[0].val
	}
	if arg.Kind == yaml.ScalarNode {
		return arg.Value, nil, true
	}
	if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 && arg.Content[0].Kind == yaml.ScalarNode {
		vars = map[string]bool{}
		for _, p := range pairs(arg.Content[1]) {
			vars[p.key] = true
		}
		return arg.Content[0].Value, vars, true
	}
	return "", nil, false
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// subNames lists the ${X} and ${X.Attr} of a Sub format string (not the
// ${!Literal} escapes), as written.
func subNames(format string) []string {
	var out []string
	for _, m := range subVar.FindAllStringSubmatch(format, -1) {
		if !strings.HasPrefix(m[1], "!") {
			out = append(out, strings.TrimSpace(m[1]))
		}
	}
	return out
}

// walk calls f on n and every node below it, with a readable location.
func walk(n *yaml.Node, at string, f func(n *yaml.Node, at string)) {
	if n == nil {
		return
	}
	f(n, at)
	switch n.Kind {
	case yaml.MappingNode:
		for _, p := range pairs(n) {
			walk(p.val, at+"."+p.key, f)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walk(c, fmt.Sprintf("%s[%d]", at, i), f)
		}
	}
}

// resource is one entry of the Resources section.
type resource struct {
	id   string
	node *yaml.Node
}

func (r resource) typ() string {
	s, _ := scalar(lookup(r.node, "Type"))
	return s
}

func (r resource) prop(path ...string) *yaml.Node {
	return lookup(r.node, append([]string{"Properties"}, path...)...)
}

func (d *doc) resources() []resource {
	var rs []resource
	for _, p := range pairs(lookup(d.top, "Resources")) {
		rs = append(rs, resource{p.key, p.val})
	}
	return rs
}

func (d *doc) resource(id string) (resource, bool) {
	n := lookup(d.top, "Resources", id)
	return resource{id, n}, n != nil
}

func (d *doc) ofType(typ string) []resource {
	var rs []resource
	for _, r := range d.resources() {
		if r.typ() == typ {
			rs = append(rs, r)
		}
	}
	return rs
}

func (d *doc) functions() []resource { return d.ofType("AWS::Serverless::Function") }

func (d *doc) stateMachines() []resource { return d.ofType("AWS::Serverless::StateMachine") }

// isType reports whether the template has a resource id of type typ.
func (d *doc) isType(id, typ string) bool {
	r, ok := d.resource(id)
	return ok && r.typ() == typ
}

// effective returns a function's property as SAM sees it after merging
// Globals.Function: the function's own value, else the global one. (Maps are
// merged key by key; see env.)
func (d *doc) effective(fn resource, prop string) *yaml.Node {
	if n := fn.prop(prop); n != nil {
		return n
	}
	return lookup(d.top, "Globals", "Function", prop)
}

// env returns a function's environment variables after the Globals merge.
func (d *doc) env(fn resource) map[string]*yaml.Node {
	vars := map[string]*yaml.Node{}
	for _, p := range pairs(lookup(d.top, "Globals", "Function", "Environment", "Variables")) {
		vars[p.key] = p.val
	}
	for _, p := range pairs(fn.prop("Environment", "Variables")) {
		vars[p.key] = p.val
	}
	return vars
}

// stem is the functions/ folder of a function's logical ID:
// RegistrationFunction -> registration.
func stem(logicalID string) string {
	return strings.ToLower(strings.TrimSuffix(logicalID, "Function"))
}

// sorted returns the keys of a set, sorted.
func sorted[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
