package registry_test

import (
	"regexp"
	"testing"

	"github.com/portalid/portalid/internal/registry"
)

var slugForm = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

// FuzzDefaultRules: the simulated registries answer any document: an
// answer is either silence or a failure of the item asked about with a
// kebab-case reason naming that item; unknown items and numbers get the
// default answer; and the same document always gets the same answer.
func FuzzDefaultRules(f *testing.F) {
	for _, s := range [][2]string{
		{registry.SNILS, registry.RejectedSNILS}, {registry.SNILS, registry.SilentSNILS}, {registry.SNILS, "11223344595"},
		{registry.Passport, "4509" + registry.InvalidPassportNumber}, {registry.Passport, "4509123456"}, {registry.Passport, "450912345"},
		{registry.ForeignDocument, "national-passport/DE/" + registry.UnknownForeignNumber}, {registry.ForeignDocument, "a/b"},
		{"inn", "500100732259"}, {"", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, item, document string) {
		r, silent, ok := registry.DefaultRules(item, document)
		r2, silent2, ok2 := registry.DefaultRules(item, document)
		if r != r2 || silent != silent2 || ok != ok2 {
			t.Fatalf("DefaultRules(%q, %q) answered twice differently", item, document)
		}
		if !ok || silent {
			if r != (registry.Result{}) {
				t.Fatalf("DefaultRules(%q, %q) = %+v with ok %v, silent %v", item, document, r, ok, silent)
			}
			if ok && !registry.Known(item) {
				t.Fatalf("DefaultRules(%q, %q) is silent for an unknown item", item, document)
			}
			return
		}
		if !registry.Known(item) || r.Item != item || r.Outcome != registry.Failed || !slugForm.MatchString(r.Reason) {
			t.Fatalf("DefaultRules(%q, %q) = %+v", item, document, r)
		}
	})
}
