package template

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var placeholder = regexp.MustCompile(`\$\{([A-Za-z0-9]+)\}`)

// TestStateMachines: every workflow is a Standard state machine whose
// definition file exists, whose ${…} placeholders are exactly its
// DefinitionSubstitutions, whose logs hold no execution data, and every
// file under statemachines/ belongs to one.
func TestStateMachines(t *testing.T) {
	t.Parallel()
	d := tmpl(t)
	used := map[string]bool{}
	for _, sm := range d.ofType("AWS::Serverless::StateMachine") {
		uri, ok := scalar(sm.prop("DefinitionUri"))
		if !ok {
			t.Errorf("%s: DefinitionUri must name a file under statemachines/", sm.id)
			continue
		}
		used[filepath.Clean(uri)] = true
		b, err := os.ReadFile(filepath.Join(d.root, uri))
		if err != nil {
			t.Errorf("%s: %v", sm.id, err)
			continue
		}
		inFile := map[string]bool{}
		for _, m := range placeholder.FindAllStringSubmatch(string(b), -1) {
			inFile[m[1]] = true
		}
		subs := map[string]bool{}
		for _, k := range keys(sm.prop("DefinitionSubstitutions")) {
			subs[k] = true
		}
		for _, k := range sorted(inFile) {
			if !subs[k] {
				t.Errorf("%s: %s uses ${%s}, which DefinitionSubstitutions does not set", sm.id, uri, k)
			}
		}
		for _, k := range sorted(subs) {
			if !inFile[k] {
				t.Errorf("%s: DefinitionSubstitutions sets %s, which %s does not use", sm.id, k, uri)
			}
		}
		if typ, _ := scalar(sm.prop("Type")); typ != "STANDARD" {
			t.Errorf("%s: Type = %q, want STANDARD (the workflows wait for days)", sm.id, typ)
		}
		if v, _ := scalar(sm.prop("Logging", "IncludeExecutionData")); v != "false" {
			t.Errorf("%s: Logging.IncludeExecutionData = %q, want false (no personal data in logs)", sm.id, v)
		}
	}
	files, err := filepath.Glob(filepath.Join(d.root, "statemachines", "*.asl.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(d.root, f)
		if !used[rel] {
			t.Errorf("%s is no state machine's definition in template.yaml", rel)
		}
	}
}
