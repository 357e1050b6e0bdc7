// Package faulttest checks, for tests and fuzz targets, that an error is
// the validation fault a client may see: kind Invalid, field failures
// that point at known fields with kebab-case reasons, and none of the
// input in it.
package faulttest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/fault"
)

var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Invalid fails t unless err is a fault.Invalid whose fields all point at
// one of pointers with a kebab-case reason, and whose printed form (slug,
// pointers, reasons) holds none of inputs that is at least 4 bytes long
// and not itself a pointer or reason word.
func Invalid(t testing.TB, err error, pointers []string, inputs ...string) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.Invalid || len(f.Fields) == 0 {
		t.Fatalf("error %v is not a validation fault with fields", err)
	}
	printed := fmt.Sprintf("%s %+v", f.Slug, f.Fields)
	for _, fl := range f.Fields {
		if !slices.Contains(pointers, fl.Pointer) || !slug.MatchString(fl.Reason) {
			t.Fatalf("field %+v: want a pointer of %q and a kebab-case reason", fl, pointers)
		}
	}
	for _, in := range inputs {
		if len(in) >= 4 && !slug.MatchString(strings.TrimPrefix(in, "/")) && strings.Contains(printed, in) {
			t.Fatalf("fault %s echoes the input %q", printed, in)
		}
	}
}
