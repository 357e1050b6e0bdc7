package template

import (
	"go/ast"
	"go/constant"
	"go/types"
	"slices"
	"sort"
	"strings"
)

// The call graph here is class-hierarchy analysis over the type-checked
// program: a function reaches every function or method its body (function
// literals included) names, called or taken as a value; a method named
// through an interface reaches that method of every concrete type of the
// linked program that implements the interface, the AWS SDK's service
// clients among them. A method of an SDK client is an AWS operation and a
// leaf; packages outside the module are leaves (nothing in the standard
// library or the SDK calls AWS on the code's behalf). It over-approximates
// (an interface call reaches every implementation) but does not miss a
// call written in the module, which is what a permission check needs.

// reach is what a walk found: every AWS operation with one path to it,
// the DynamoDB transaction item kinds built on the way, and the functions
// visited.
type reach struct {
	ops   map[string][]string // "kms:Decrypt" -> the functions from a root to it
	costs map[string][]string // what makes a route dear (see costly) -> a path to it
	items map[string]bool     // "Put", "Update", "Delete", "ConditionCheck", "Get"
	seen  map[*types.Func]bool
}

// root is where a walk starts: an expression or a function of a package.
type root struct {
	pkg  *modulePackage
	node ast.Node
	name string
}

func (p *program) reach(roots []root) *reach {
	r := &reach{ops: map[string][]string{}, costs: map[string][]string{}, items: map[string]bool{}, seen: map[*types.Func]bool{}}
	// from records how each function was first reached: by its caller, or
	// (caller nil) from the named root.
	type edge struct {
		caller *types.Func
		root   string
	}
	from := map[*types.Func]edge{}
	path := func(fn *types.Func) []string {
		var out []string
		for cur := fn; cur != nil && len(out) < 60; {
			out = append(out, short(cur.FullName()))
			e := from[cur]
			if e.caller == nil {
				out = append(out, e.root)
			}
			cur = e.caller
		}
		slices.Reverse(out)
		return out
	}
	var queue []*types.Func
	visit := func(e edge, fn *types.Func) {
		fn = fn.Origin()
		if r.seen[fn] {
			return
		}
		r.seen[fn] = true
		from[fn] = e
		if cost, ok := costly[fn.FullName()]; ok {
			r.costs[cost] = path(fn)
		}
		if svc, op, ok := sdkOperation(fn); ok {
			for _, action := range iamActions(svc, op) {
				if _, known := r.ops[action]; !known {
					r.ops[action] = path(fn)
				}
			}
			return
		}
		queue = append(queue, fn)
	}
	impls := map[*types.Func][]*types.Func{}
	walk := func(pkg *modulePackage, n ast.Node, e edge) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Ident:
				if fn, ok := pkg.info.Uses[x].(*types.Func); ok {
					for _, target := range p.targets(fn, impls) {
						visit(e, target)
					}
				}
			case *ast.CompositeLit:
				if kind, ok := transactItem(pkg.info.Types[x].Type); ok {
					r.items[kind] = true
				}
				for _, m := range p.escapesInLiteral(pkg, x) {
					visit(e, m)
				}
			case *ast.CallExpr:
				for _, m := range p.escapesInCall(pkg, x) {
					visit(e, m)
				}
			}
			return true
		})
	}
	for _, rt := range roots {
		walk(rt.pkg, rt.node, edge{root: rt.name})
	}
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		decl, ok := p.funcs[fn]
		if !ok {
			continue // outside the module: a leaf
		}
		walk(p.pkgs[fn.Pkg().Path()], decl.Body, edge{caller: fn})
	}
	for action := range r.ops {
		if action == "dynamodb:TransactWriteItems" || action == "dynamodb:TransactGetItems" {
			delete(r.ops, action)
		}
	}
	for kind := range r.items {
		if action := "dynamodb:" + kind + "Item"; r.ops[action] == nil {
			r.ops[action] = []string{"a " + kind + " item of a DynamoDB transaction"}
		}
	}
	return r
}

// A value of a module type handed to code outside the module as an
// interface (jose.SigningKey{Key: &opaque{…}}, a callback object) may
// have any of its methods called there, out of the walk's sight: every
// method of its type is reached.

// escapesInCall returns the methods of module-typed arguments that a call
// to a function outside the module receives as interfaces.
func (p *program) escapesInCall(pkg *modulePackage, call *ast.CallExpr) []*types.Func {
	sig, ok := pkg.info.Types[call.Fun].Type.(*types.Signature)
	if !ok || p.inModule(calleeOf(pkg, call.Fun)) {
		return nil
	}
	var out []*types.Func
	for i, arg := range call.Args {
		var param types.Type
		switch n := sig.Params().Len(); {
		case n == 0:
			return out
		case sig.Variadic() && i >= n-1:
			param = sig.Params().At(n - 1).Type().(*types.Slice).Elem()
			if call.Ellipsis.IsValid() {
				param = sig.Params().At(n - 1).Type()
			}
		case i < n:
			param = sig.Params().At(i).Type()
		}
		out = append(out, p.escaped(pkg.info.Types[arg].Type, param)...)
	}
	return out
}

// escapesInLiteral returns the methods of module-typed values put in
// interface fields of a struct declared outside the module.
func (p *program) escapesInLiteral(pkg *modulePackage, lit *ast.CompositeLit) []*types.Func {
	t := pkg.info.Types[lit].Type
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || strings.HasPrefix(n.Obj().Pkg().Path(), module) {
		return nil
	}
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	var out []*types.Func
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		for i := range st.NumFields() {
			if f := st.Field(i); f.Name() == key.Name {
				out = append(out, p.escaped(pkg.info.Types[kv.Value].Type, f.Type())...)
			}
		}
	}
	return out
}

// escaped lists every method of v's type when v is a module type that
// becomes the interface type to.
func (p *program) escaped(v, to types.Type) []*types.Func {
	if v == nil || to == nil || !types.IsInterface(to) || types.IsInterface(v) {
		return nil
	}
	base := v
	if ptr, ok := base.(*types.Pointer); ok {
		base = ptr.Elem()
	}
	n, ok := base.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || !strings.HasPrefix(n.Obj().Pkg().Path(), module) {
		return nil
	}
	var out []*types.Func
	ms := types.NewMethodSet(types.NewPointer(n))
	for i := range ms.Len() {
		if fn, ok := ms.At(i).Obj().(*types.Func); ok {
			out = append(out, fn)
		}
	}
	return out
}

// calleeOf is the function a call expression names, or nil for a call of
// a func value.
func calleeOf(pkg *modulePackage, fun ast.Expr) *types.Func {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		fn, _ := pkg.info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := pkg.info.Uses[f.Sel].(*types.Func)
		return fn
	case *ast.IndexExpr: // an instantiated generic function
		return calleeOf(pkg, f.X)
	}
	return nil
}

// inModule reports whether fn is declared in the module; a call of a func
// value (fn nil) counts as in the module, its target being walked where
// the value was named.
func (p *program) inModule(fn *types.Func) bool {
	return fn == nil || fn.Pkg() != nil && strings.HasPrefix(fn.Pkg().Path(), module)
}

// targets are the functions a reference to fn may run: fn itself, or for
// an interface method, that method of every implementing type.
func (p *program) targets(fn *types.Func, cache map[*types.Func][]*types.Func) []*types.Func {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return []*types.Func{fn}
	}
	iface, ok := sig.Recv().Type().Underlying().(*types.Interface)
	if !ok {
		return []*types.Func{fn}
	}
	if out, ok := cache[fn]; ok {
		return out
	}
	var out []*types.Func
	for _, n := range p.named {
		for _, t := range []types.Type{n, types.NewPointer(n)} {
			if !types.Implements(t, iface) {
				continue
			}
			obj, _, _ := types.LookupFieldOrMethod(t, true, fn.Pkg(), fn.Name())
			if m, ok := obj.(*types.Func); ok {
				out = append(out, m)
			}
			break
		}
	}
	cache[fn] = out
	return out
}

// transactItem names the DynamoDB transaction item a composite literal of
// type t builds: IAM authorises TransactWriteItems per item (Put needs
// dynamodb:PutItem, …) and TransactGetItems as GetItem.
func transactItem(t types.Type) (string, bool) {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != sdkService+"dynamodb/types" {
		return "", false
	}
	switch name := n.Obj().Name(); name {
	case "Put", "Update", "Delete", "ConditionCheck", "Get":
		return name, true
	}
	return "", false
}

// costly are the calls that make a request dear for whoever floods it:
// an argon2id hash (CPU and memory on purpose), and every SMS or e-mail
// (money, and a person's inbox). Routes that reach one get their own
// throttle in the template.
var costly = map[string]string{
	"golang.org/x/crypto/argon2.IDKey":                               "argon2id",
	"(*github.com/aws/aws-sdk-go-v2/service/sns.Client).Publish":     "sms",
	"(*github.com/aws/aws-sdk-go-v2/service/sesv2.Client).SendEmail": "mail",
}

// iamService is the IAM prefix of each SDK service package.
var iamService = map[string]string{
	"dynamodb": "dynamodb", "kms": "kms", "secretsmanager": "secretsmanager",
	"sesv2": "ses", "sfn": "states", "sns": "sns",
}

// iamActions are the IAM actions an SDK operation needs. Transactions are
// authorised per item (see transactItem), so they need no action of their
// own beyond their items.
func iamActions(service, op string) []string {
	prefix, ok := iamService[service]
	if !ok {
		prefix = "unknown-service-" + service
	}
	return []string{prefix + ":" + op}
}

// short drops the module path from a function's full name.
func short(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, module+"/", ""), "github.com/aws/aws-sdk-go-v2/service/", "")
}

// handlerRoots reads the route handlers internal/httpapi binds:
// assignments `….handlers["KEY"] = expr` give each route key its handler
// expression; those with a computed key (the authentication wrapper) apply
// to every function.
func (p *program) handlerRoots() (byKey map[string][]root, common []root) {
	pkg := p.pkgs[module+"/internal/httpapi"]
	byKey = map[string][]root{}
	for _, f := range pkg.files {
		ast.Inspect(f, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i, lhs := range as.Lhs {
				ix, ok := lhs.(*ast.IndexExpr)
				if !ok {
					continue
				}
				sel, ok := ix.X.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "handlers" {
					continue
				}
				rt := root{pkg: pkg, node: as.Rhs[i], name: "httpapi handler"}
				if tv := pkg.info.Types[ix.Index]; tv.Value != nil && tv.Value.Kind() == constant.String {
					key := constant.StringVal(tv.Value)
					rt.name = "route " + key
					byKey[key] = append(byKey[key], rt)
				} else {
					common = append(common, rt)
				}
			}
			return true
		})
	}
	return byKey, common
}

// method finds a method or function declared in a module package.
func (p *program) method(pkgPath, typeName, name string) (root, bool) {
	pkg, ok := p.pkgs[module+"/"+pkgPath]
	if !ok {
		return root{}, false
	}
	var obj types.Object
	if typeName == "" {
		obj = pkg.types.Scope().Lookup(name)
	} else if tn, ok := pkg.types.Scope().Lookup(typeName).(*types.TypeName); ok {
		obj, _, _ = types.LookupFieldOrMethod(types.NewPointer(tn.Type()), true, pkg.types, name)
	}
	fn, ok := obj.(*types.Func)
	if !ok || p.funcs[fn] == nil {
		return root{}, false
	}
	return root{pkg: pkg, node: p.funcs[fn].Body, name: fn.FullName()}, true
}

// allOps is every AWS operation any function of the linked module code
// can reach: the walk from all of them.
func (p *program) allOps() map[string][]string {
	var roots []root
	for fn, decl := range p.funcs {
		roots = append(roots, root{pkg: p.pkgs[fn.Pkg().Path()], node: decl.Body, name: fn.FullName()})
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].name < roots[j].name })
	return p.reach(roots).ops
}
