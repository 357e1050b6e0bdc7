package template

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go/middleware"
	"gopkg.in/yaml.v3"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/httpapi"
)

// What each function's code needs from AWS is derived, not declared, in
// two parts:
//
//   - at cold start, by running it: the function's wiring (app.New with
//     its Function, or app.Tasks) runs with the configuration the template
//     gives that function (every !Ref resolved to the logical ID it names)
//     and AWS clients whose middleware records each operation, with the
//     resource named in its input, and answers the two that cold start
//     makes (the master secret, the signing key's public half);
//   - per request, by the call graph (callgraph_test.go) from the
//     function's entry points: for an API function, API.Handle, the
//     authentication wrapper and the handlers httpapi binds to the routes
//     httpapi.Table() gives that function; for any other, its main.
//
// A guard checks the derivation loses nothing: every AWS operation the
// linked code can make at all must be needed by some function, or be
// listed in notDeployed with the reason.

// need is one IAM action a function needs: why (the call path), and the
// resource it acts on when the code names it.
type need struct {
	action   string
	why      []string
	resource string // logical ID from a recorded input; "" when only the call graph saw it
}

// notDeployed are AWS operations the linked code contains that no
// deployed function makes, with the reason.
var notDeployed = map[string]string{
	"dynamodb:CreateTable":      "internal/dynamo.CreateTable makes the table for make run and the tests; in AWS the template creates it",
	"dynamodb:UpdateTimeToLive": "internal/dynamo.CreateTable turns on TTL for make run and the tests; in AWS the template does",
}

var loadNeeds = sync.OnceValues(func() (map[string]map[string]need, error) {
	d, err := loadDoc()
	if err != nil {
		return nil, err
	}
	prog, err := loadProgram()
	if err != nil {
		return nil, err
	}
	return functionNeeds(d, prog)
})

// functionNeeds derives the needs of every function of the template.
func functionNeeds(d *doc, prog *program) (map[string]map[string]need, error) {
	byKey, common := prog.handlerRoots()
	handle, ok := prog.method("internal/httpapi", "API", "Handle")
	if !ok {
		return nil, errors.New("internal/httpapi: no (*API).Handle")
	}
	out := map[string]map[string]need{}
	var errs []error
	for _, fn := range d.functions() {
		kind, name, err := prog.mainKind(stem(fn.id))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fn.id, err))
			continue
		}
		var roots []root
		switch kind {
		case "api":
			roots = append([]root{handle}, common...)
			for _, s := range httpapi.Table() {
				if s.Function != name {
					continue
				}
				if len(byKey[s.Key]) == 0 {
					errs = append(errs, fmt.Errorf("%s: route %q has no handler bound in internal/httpapi", fn.id, s.Key))
				}
				roots = append(roots, byKey[s.Key]...)
			}
		default:
			m, _ := prog.method("functions/"+stem(fn.id), "", "main")
			roots = []root{m}
		}
		needs := map[string]need{}
		for action, why := range prog.reach(roots).ops {
			needs[action] = need{action: action, why: why}
		}
		recorded, err := coldStart(d, fn, kind, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: cold start with the template's environment: %w", fn.id, err))
		}
		for _, r := range recorded {
			n := needs[r.action]
			n.action, n.resource = r.action, r.resource
			if n.why == nil {
				n.why = []string{"cold start (recorded)"}
			}
			needs[r.action] = n
		}
		out[fn.id] = needs
	}
	return out, errors.Join(errs...)
}

// mainKind reads functions/<stem>/main.go: "api" and the function name
// for app.Main(name), "tasks" for app.MainTasks().
func (p *program) mainKind(stem string) (kind, name string, err error) {
	m, ok := p.method("functions/"+stem, "", "main")
	if !ok {
		return "", "", fmt.Errorf("functions/%s has no func main", stem)
	}
	ast.Inspect(m.node, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || kind != "" {
			return kind == ""
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		fn, ok := m.pkg.info.Uses[sel.Sel].(*types.Func)
		if !ok || fn.Pkg() == nil || fn.Pkg().Path() != module+"/internal/app" {
			return true
		}
		switch fn.Name() {
		case "Main":
			if len(call.Args) == 1 {
				if tv := m.pkg.info.Types[call.Args[0]]; tv.Value != nil && tv.Value.Kind() == constant.String {
					kind, name = "api", constant.StringVal(tv.Value)
				}
			}
		case "MainTasks":
			kind = "tasks"
		}
		return true
	})
	if kind == "" {
		return "", "", fmt.Errorf("functions/%s/main.go calls neither app.Main(\"…\") nor app.MainTasks(); teach infra/template/needs_test.go its entry points", stem)
	}
	return kind, name, nil
}

// recordedCall is one AWS operation made at cold start.
type recordedCall struct{ action, resource string }

// coldStart runs a function's wiring as its main would, with the
// template's environment for it, and returns the AWS operations made.
func coldStart(d *doc, fn resource, kind, name string) ([]recordedCall, error) {
	env := map[string]string{}
	for k, v := range d.env(fn) {
		env[k] = d.resolve(v)
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		return nil, err
	}
	rec := &recorder{}
	awsCfg := aws.Config{
		Region:      "eu-central-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEMPLATETEST", "secret", ""),
		APIOptions:  []func(*middleware.Stack) error{rec.install},
	}
	ctx := context.Background()
	switch kind {
	case "api":
		_, err = app.New(ctx, cfg, awsCfg, app.Options{Function: name})
	case "tasks":
		_, err = app.Tasks(ctx, cfg, awsCfg, app.Options{Function: "tasks"})
	}
	return rec.calls(), err
}

// resolve gives a template value as a function would see it: a scalar as
// it is, !Ref of a Parameter its default, !Ref or !GetAtt of a resource
// the resource's logical ID (which the recorder then reads back from the
// inputs).
func (d *doc) resolve(node *yaml.Node) string {
	if v, ok := scalar(node); ok {
		return v
	}
	if id, ok := ref(node); ok {
		if p := lookup(d.top, "Parameters", id); p != nil {
			v, _ := scalar(lookup(p, "Default"))
			return v
		}
		return id
	}
	if res, _, ok := getAtt(node); ok {
		return res
	}
	return ""
}

// recorder is SDK middleware that records every operation and answers
// those a cold start makes, without a network.
type recorder struct {
	mu  sync.Mutex
	got []recordedCall
	key *ecdsa.PrivateKey
}

func (r *recorder) calls() []recordedCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func (r *recorder) install(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("RecordForTemplateTest",
		func(ctx context.Context, in middleware.InitializeInput, _ middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			svc := strings.ToLower(strings.ReplaceAll(awsmiddleware.GetServiceID(ctx), " ", ""))
			if svc == "ses" || svc == "sesv2" {
				svc = "sesv2"
			}
			action := iamActions(sdkPackage[svc], awsmiddleware.GetOperationName(ctx))[0]
			r.mu.Lock()
			r.got = append(r.got, recordedCall{action: action, resource: inputResource(in.Parameters)})
			r.mu.Unlock()
			out, err := r.answer(in.Parameters)
			return middleware.InitializeOutput{Result: out}, middleware.Metadata{}, err
		}), middleware.Before)
}

// sdkPackage maps the SDK's service IDs (lower case, no spaces) to the
// service package names iamActions takes.
var sdkPackage = map[string]string{
	"dynamodb": "dynamodb", "kms": "kms", "secretsmanager": "secretsmanager",
	"sesv2": "sesv2", "sfn": "sfn", "sns": "sns",
}

func (r *recorder) answer(params any) (any, error) {
	switch in := params.(type) {
	case *secretsmanager.GetSecretValueInput:
		return &secretsmanager.GetSecretValueOutput{ARN: in.SecretId, SecretString: aws.String(strings.Repeat("AbCd0123", 8))}, nil
	case *kms.GetPublicKeyInput:
		r.mu.Lock()
		if r.key == nil {
			k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				r.mu.Unlock()
				return nil, err
			}
			r.key = k
		}
		pub := &r.key.PublicKey
		r.mu.Unlock()
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return nil, err
		}
		return &kms.GetPublicKeyOutput{
			KeyId: in.KeyId, PublicKey: der, KeySpec: kmstypes.KeySpecEccNistP256, KeyUsage: kmstypes.KeyUsageTypeSignVerify,
			SigningAlgorithms: []kmstypes.SigningAlgorithmSpec{kmstypes.SigningAlgorithmSpecEcdsaSha256},
		}, nil
	}
	return nil, fmt.Errorf("%T: not expected at cold start", params)
}

// inputResource reads the resource an operation names: its table, key,
// secret or state machine (the logical ID, as resolve passed it).
func inputResource(params any) string {
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return ""
	}
	for _, field := range []string{"TableName", "KeyId", "SecretId", "StateMachineArn"} {
		f := v.Elem().FieldByName(field)
		if f.IsValid() && f.Kind() == reflect.Pointer && !f.IsNil() && f.Elem().Kind() == reflect.String {
			return f.Elem().String()
		}
	}
	return ""
}

// sortedNeeds lists a function's needed actions in order.
func sortedNeeds(needs map[string]need) []string {
	return slices.Sorted(maps.Keys(needs))
}
