package httpapi_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/httpapi"
)

// TestContractCoversRouteTable fails when a route of httpapi.Table() is
// not in api/openapi.yaml or an operation there is not in the table, and
// when the two disagree on authentication or Idempotency-Key.
func TestContractCoversRouteTable(t *testing.T) {
	t.Parallel()
	doc := mustContract(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	var inDoc, inTable []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			inDoc = append(inDoc, key)
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", key)
			}
		}
	}
	auth := map[string]bool{}
	for _, r := range httpapi.Table() {
		if r.Key != httpapi.DefaultRoute {
			inTable = append(inTable, r.Key)
			auth[r.Key] = r.Auth
		}
	}
	slices.Sort(inDoc)
	slices.Sort(inTable)
	if diff := cmp.Diff(inTable, inDoc); diff != "" {
		t.Fatalf("routes: httpapi.Table() (-) vs api/openapi.yaml (+):\n%s", diff)
	}
	for _, key := range inTable {
		method, path, _ := strings.Cut(key, " ")
		op := doc.Paths.Value(path).GetOperation(method)
		bearer := op.Security != nil && len(*op.Security) > 0 && (*op.Security)[0]["citizenBearer"] != nil
		if bearer != auth[key] {
			t.Errorf("%s: citizenBearer security = %v, the table's Auth = %v", key, bearer, auth[key])
		}
		key4 := false
		for _, p := range op.Parameters {
			if p.Value.In == "header" && p.Value.Name == "Idempotency-Key" {
				key4 = true
			}
		}
		honours := httpapi.Idempotent[key]
		if key4 != honours {
			t.Errorf("%s: documents Idempotency-Key = %v, the API honours it = %v", key, key4, honours)
		}
	}
	if s := doc.Components.SecuritySchemes; s["citizenBearer"] == nil || s["operatorSigV4"] == nil {
		t.Errorf("security schemes = %v, want citizenBearer and operatorSigV4", s)
	}
}

// notAnswered are faults the code defines that no HTTP route answers,
// each with the reason; every other fault that is not a field reason must
// be a documented problem type.
var notAnswered = map[string]string{
	"registration-changed": "optimistic-lock sentinel: retried in the flow, which answers registration-busy when retries run out",
	"recovery-changed":     "optimistic-lock sentinel: retried in the flow, which answers recovery-busy",
	"account-changed":      "optimistic-lock sentinel: retried in the flow, which answers account-busy",
	"session-changed":      "optimistic-lock sentinel: retried in the flow, which answers session-busy",
	"check-changed":        "optimistic-lock sentinel of the identity-check steps, retried there",
	"letter-changed":       "optimistic-lock sentinel: retried in the letter flow, which answers letter-busy",
	"signature-changed":    "optimistic-lock sentinel: retried in the signature flow, which answers signature-busy",
	"organisation-changed": "optimistic-lock sentinel: retried in the organisation flow, which answers organisation-busy",
	"registry-unavailable": "raised by registry adapters inside the identity-check workflow; task maps it to an ASL error",
	"postal-unavailable":   "raised by the postal adapter inside the postal-letter workflow, which retries it; never an HTTP answer",
}

// TestContractProblemTypes holds the problem types of api/openapi.yaml
// to the faults of the code: each documented type is a fault the code
// raises, answered with a status the operation documents; each fault the
// code raises (except Invalid ones, which may be field reasons) is
// documented or in notAnswered with its reason.
func TestContractProblemTypes(t *testing.T) {
	t.Parallel()
	doc := mustContract(t)
	raised := faultSlugs(t, "../../internal")
	documented := map[string]bool{}
	for _, group := range []string{"all", "requestBody", "citizenBearer", "anyPath"} {
		for _, s := range commonProblemTypes(doc, group) {
			documented[s] = true
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, slug := range problemTypes(doc, op) {
				documented[slug] = true
				for _, kind := range raised[slug] {
					status, ok := httpapi.StatusOf[kind]
					if !ok {
						status = 500
					}
					if op.Responses.Status(status) == nil {
						t.Errorf("%s %s lists %s, answered %d, but documents no %d response", method, path, slug, status, status)
					}
				}
			}
		}
	}
	for slug := range documented {
		if len(raised[slug]) == 0 {
			t.Errorf("documented problem type %q is raised nowhere in internal/", slug)
		}
	}
	for slug, kinds := range raised {
		_, skip := notAnswered[slug]
		switch {
		case documented[slug] && skip:
			t.Errorf("%q is documented and in notAnswered: drop it from notAnswered", slug)
		case documented[slug] || skip || slices.Equal(kinds, []fault.Kind{fault.Invalid}):
		default:
			t.Errorf("fault %q (%v) is not a documented problem type: list it on the operations that answer it", slug, kinds)
		}
	}
	for slug := range notAnswered {
		if len(raised[slug]) == 0 {
			t.Errorf("notAnswered lists %q, which nothing raises", slug)
		}
	}
}

// faultSlugs finds the faults the code can raise: the literal slugs given
// to fault.New, fault.Limited and fault.Error literals in the non-test Go
// files under dir, with their kinds.
func faultSlugs(t *testing.T, dir string) map[string][]fault.Kind {
	t.Helper()
	kinds := map[string]fault.Kind{}
	for k := fault.Unknown; k <= fault.TooLarge; k++ {
		kinds[goName(k.String())] = k
	}
	out := map[string][]fault.Kind{}
	add := func(slug string, k fault.Kind) {
		if !slices.Contains(out[slug], k) {
			out[slug] = append(out[slug], k)
		}
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		inFault := f.Name.Name == "fault"
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				switch faultName(x.Fun, inFault) {
				case "New":
					kind, ok := kinds[faultName(x.Args[0], inFault)]
					if slug, lit := literal(x.Args[1]); ok && lit {
						add(slug, kind)
					}
				case "Limited":
					if slug, ok := literal(x.Args[0]); ok {
						add(slug, fault.RateLimited)
					}
				}
			case *ast.CompositeLit:
				if faultName(x.Type, inFault) != "Error" {
					return true
				}
				var slug string
				kind, known := fault.Unknown, true
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						switch faultName(kv.Key, true) {
						case "Slug":
							slug, _ = literal(kv.Value)
						case "Kind":
							kind, known = kinds[faultName(kv.Value, inFault)]
						}
					}
				}
				if slug != "" && known {
					add(slug, kind)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 20 {
		t.Fatalf("found %d fault slugs under %s, want the project's", len(out), dir)
	}
	return out
}

// faultName is the name e gives to a member of package fault: fault.X,
// or X inside package fault; "" for anything else.
func faultName(e ast.Expr, inFault bool) string {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "fault" {
			return x.Sel.Name
		}
	case *ast.Ident:
		if inFault {
			return x.Name
		}
	}
	return ""
}

func literal(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// goName turns a kind's log name into its Go name: "not-found" → "NotFound".
func goName(kebab string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(kebab, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
