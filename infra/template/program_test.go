package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// program is the Go code linked into the Lambda binaries, type-checked:
// the module's packages from source (their function bodies are what the
// call graph walks) and every other package from the compiler's export
// data, exactly as `make build-XFunction` compiles them (linux/arm64,
// -tags lambda.norpc, no cgo).
type program struct {
	fset  *token.FileSet
	pkgs  map[string]*modulePackage // module packages by import path
	funcs map[*types.Func]*ast.FuncDecl
	// named lists the concrete named types the call graph may find behind
	// an interface: those declared in module packages, and the service
	// clients of the AWS SDK (the only way out to AWS).
	named []*types.Named
}

type modulePackage struct {
	path  string
	dir   string
	types *types.Package
	info  *types.Info
	files []*ast.File
}

// module is the import path of this repository's module.
const module = "github.com/portalid/portalid"

// sdkService is the package prefix of the AWS SDK's service clients.
const sdkService = "github.com/aws/aws-sdk-go-v2/service/"

// lambdaBuild is the environment infra/build.mk compiles functions in.
var lambdaBuild = []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64"}

type listedPackage struct {
	ImportPath string
	Dir        string
	Export     string
	GoFiles    []string
	Standard   bool
	Module     *struct{ Path string }
}

var loadProgram = sync.OnceValues(func() (*program, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("go", "list", "-deps", "-export", "-tags", "lambda.norpc", "-trimpath",
		"-json=ImportPath,Dir,Export,GoFiles,Standard,Module", "./functions/...")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), lambdaBuild...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list ./functions/...: %v\n%s", err, stderr.String())
	}
	var listed []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		listed = append(listed, p)
	}
	return typeCheck(listed)
})

// typeCheck checks the module packages from source, in the dependency
// order go list gives, importing every other package from export data.
func typeCheck(listed []listedPackage) (*program, error) {
	prog := &program{fset: token.NewFileSet(), pkgs: map[string]*modulePackage{}, funcs: map[*types.Func]*ast.FuncDecl{}}
	exports := map[string]string{}
	for _, p := range listed {
		exports[p.ImportPath] = p.Export
	}
	gc := importer.ForCompiler(prog.fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	imp := importerFunc(func(path string) (*types.Package, error) {
		if p, ok := prog.pkgs[path]; ok {
			return p.types, nil
		}
		return gc.Import(path)
	})
	for _, p := range listed {
		if p.Module == nil || p.Module.Path != module {
			continue
		}
		mp := &modulePackage{path: p.ImportPath, dir: p.Dir, info: &types.Info{
			Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{},
			Selections: map[*ast.SelectorExpr]*types.Selection{}, Types: map[ast.Expr]types.TypeAndValue{},
		}}
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(prog.fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			mp.files = append(mp.files, f)
		}
		conf := types.Config{Importer: imp, GoVersion: "", Sizes: types.SizesFor("gc", "arm64")}
		tp, err := conf.Check(p.ImportPath, prog.fset, mp.files, mp.info)
		if err != nil {
			return nil, fmt.Errorf("type-check %s: %w", p.ImportPath, err)
		}
		mp.types = tp
		prog.pkgs[p.ImportPath] = mp
		for _, f := range mp.files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					if fn, ok := mp.info.Defs[fd.Name].(*types.Func); ok {
						prog.funcs[fn] = fd
					}
				}
			}
		}
		prog.named = append(prog.named, namedTypes(tp)...)
	}
	for _, p := range listed {
		if strings.HasPrefix(p.ImportPath, sdkService) && strings.Count(strings.TrimPrefix(p.ImportPath, sdkService), "/") == 0 {
			tp, err := gc.Import(p.ImportPath)
			if err != nil {
				return nil, err
			}
			if tn, ok := tp.Scope().Lookup("Client").(*types.TypeName); ok {
				prog.named = append(prog.named, tn.Type().(*types.Named))
			}
		}
	}
	return prog, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// namedTypes lists the non-generic, non-interface named types of a package.
func namedTypes(p *types.Package) []*types.Named {
	var out []*types.Named
	for _, name := range p.Scope().Names() {
		tn, ok := p.Scope().Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		n, ok := tn.Type().(*types.Named)
		if !ok || n.TypeParams().Len() > 0 || types.IsInterface(n) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// sdkOperation returns the service package and operation of a method of
// an AWS SDK service client, e.g. ("kms", "Decrypt").
func sdkOperation(fn *types.Func) (service, op string, ok bool) {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil || fn.Pkg() == nil {
		return "", "", false
	}
	path := fn.Pkg().Path()
	if !strings.HasPrefix(path, sdkService) || strings.Contains(strings.TrimPrefix(path, sdkService), "/") {
		return "", "", false
	}
	recv := sig.Recv().Type()
	if p, isPtr := recv.(*types.Pointer); isPtr {
		recv = p.Elem()
	}
	if n, isNamed := recv.(*types.Named); !isNamed || n.Obj().Name() != "Client" || !fn.Exported() {
		return "", "", false
	}
	return fn.Pkg().Name(), fn.Name(), true
}
