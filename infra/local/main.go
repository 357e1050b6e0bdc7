// Command local runs the local stack, on 127.0.0.1 only.
//
//	go run ./infra/local exec -- CMD ARGS...
//		runs CMD with DynamoDB Local (in memory) and the local Step
//		Functions started and AWS_ENDPOINT_URL_DYNAMODB,
//		AWS_ENDPOINT_URL_SFN, dummy credentials and AWS_REGION set;
//		exits with CMD's exit code (make test: exec -- go test -race ./...).
//	go run ./infra/local run [-port 8080]
//		runs the whole system for a person: DynamoDB Local with its data
//		in .local/dynamodb, the fake SNS writing .local/sms-outbox.jsonl,
//		the local Step Functions, and the API on http://127.0.0.1:8080 (or
//		$PORT) until Ctrl-C, with the web client of web/ and the
//		development outbox (local.OutboxPath) on the same origin;
//		LOCAL_STATE_DIR moves .local (make e2e runs its own stack).
//	go run ./infra/local sign-challenge -surname S -given G [-snils N] [-org NAME -ogrn N -org-inn N] CHALLENGE
//		prints a detached CMS signature (base64) over a signature
//		challenge, by a certificate for that person from the development
//		CA that run keeps in .local/signature-ca (sign.go).
//
// The Step Functions part (startStepFunctions, at the end) sets for the
// child (exec) and the app (run):
//
//	AWS_ENDPOINT_URL_SFN       the Step Functions API stand-in on 127.0.0.1
//	                           (StartExecution, DescribeExecution,
//	                           GetExecutionHistory, SendTaskSuccess,
//	                           SendTaskFailure, StopExecution)
//	<NAME>_STATE_MACHINE_ARN   the ARN of each statemachines/<name>.asl.json
//	                           registered, e.g. IDENTITY_CHECK_STATE_MACHINE_ARN
//
// and reads LOCAL_SFN_DAY, the real time a simulated day takes (a Go
// duration, default 1s): Wait states, Retry intervals and
// .waitForTaskToken timeouts are scaled by it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/portalid/portalid/internal/app"
	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/signature/devca"
	"github.com/portalid/portalid/internal/token"
)

// TableName is the table of the local system.
const TableName = "portalid-local"

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "exec":
		os.Exit(execCommand(os.Args[2:]))
	case "run":
		os.Exit(run(os.Args[2:]))
	case "sign-challenge":
		os.Exit(signChallenge(os.Args[2:], os.Stdout, os.Stderr))
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go run ./infra/local exec -- CMD [ARGS...]\n       go run ./infra/local run [-port N]\n       go run ./infra/local sign-challenge -surname S -given G [-snils N] [-org NAME -ogrn N -org-inn N] CHALLENGE")
	os.Exit(2)
}

// execCommand runs args with DynamoDB Local and returns its exit code.
func execCommand(args []string) int {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		usage()
	}
	// The child gets Ctrl-C from the terminal itself; we wait for it and
	// then stop the emulator, so we must not die of the signal first.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	ctx := context.Background()
	if err := local.Install(ctx, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		return 1
	}
	ddb, err := local.StartDynamoDB(ctx, local.DynamoOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		return 1
	}
	defer func() {
		if err := ddb.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "local:", err)
		}
	}()
	sfn, err := startStepFunctions(ctx, os.Stderr, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		return 1
	}
	defer func() {
		if err := sfn.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "local:", err)
		}
	}()

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = local.MergeEnv(os.Environ(), append(local.Env(ddb.Endpoint(), ""), sfn.env...)...)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGTERM {
				_ = cmd.Process.Signal(sig)
			}
		case err := <-done:
			return exitCode(err)
		}
	}
}

func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		return 1
	}
	return 0
}

// run serves the whole system until SIGINT or SIGTERM.
func run(args []string) int {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	port := fs.Int("port", envInt("PORT", 8080), "API port on 127.0.0.1 (env PORT)")
	_ = fs.Parse(args)

	log := local.NewLogger(os.Stderr, slog.LevelInfo)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, log, *port); err != nil {
		log.Error("local system failed", "error", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, log *slog.Logger, port int) (err error) {
	root, err := local.RepoRoot()
	if err != nil {
		return err
	}
	if err := local.Install(ctx, os.Stderr); err != nil {
		return err
	}
	state := filepath.Join(root, ".local")
	if dir := os.Getenv("LOCAL_STATE_DIR"); dir != "" { // make e2e keeps its own
		state = dir
	}
	keys := filepath.Join(state, "keys")
	smsOutbox := filepath.Join(state, "sms-outbox.jsonl")
	mailOutbox := filepath.Join(state, "mail-outbox.jsonl")
	letterOutbox := filepath.Join(state, "letter-outbox.jsonl")
	if err := os.MkdirAll(state, 0o700); err != nil {
		return err
	}
	// Made once and kept: indexes and hashes depend on the master key,
	// and issued access tokens on the signing key.
	if err := cipher.GenerateKeyFile(keys); err != nil {
		return err
	}
	signingKey := filepath.Join(state, "signing-key.pem")
	if err := token.GenerateKeyFile(signingKey); err != nil {
		return err
	}
	// The development CA a person signs challenges with (sign-challenge);
	// its root is the local signature trust list.
	signatureCA := filepath.Join(state, signatureCADir)
	if err := devca.Generate(signatureCA); err != nil {
		return err
	}

	ddbLog, err := os.OpenFile(filepath.Join(state, "dynamodb.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer ddbLog.Close()
	began := time.Now()
	ddb, err := local.StartDynamoDB(ctx, local.DynamoOptions{DBPath: filepath.Join(state, "dynamodb"), Output: ddbLog})
	if err != nil {
		return err
	}
	defer stopAll(log, "dynamodb local", ddb.Stop)
	log.Info("dynamodb local started", "endpoint", ddb.Endpoint(), "durationMs", time.Since(began).Milliseconds())

	sns, err := local.Serve(local.NewSNS(smsOutbox), 0)
	if err != nil {
		return err
	}
	defer stopAll(log, "fake sns", func() error { return shutdown(sns) })

	sfnLog, err := os.OpenFile(filepath.Join(state, "stepfunctions.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer sfnLog.Close()
	sfn, err := startStepFunctions(ctx, sfnLog, log)
	if err != nil {
		return err
	}
	defer stopAll(log, "step functions", sfn.stop)

	// The app reads its endpoints and settings from the environment, as
	// in Lambda.
	env := append(local.Env(ddb.Endpoint(), sns.URL()),
		"TABLE_NAME="+TableName,
		"LOCAL_KEYS_FILE="+keys,
		"LOCAL_SIGNING_KEY_FILE="+signingKey,
		"MAIL_OUTBOX="+mailOutbox,
		"SIGNATURE_TRUST_LIST="+filepath.Join(signatureCA, devca.RootFile),
		"LETTER_OUTBOX="+letterOutbox,
	)
	env = append(env, sfn.env...)
	if err := local.SetEnv(env...); err != nil {
		return err
	}

	awsCfg, err := local.AWSConfig(ctx)
	if err != nil {
		return err
	}
	if err := dynamo.CreateTable(ctx, local.NewDynamoDBClient(awsCfg), TableName); err != nil {
		return err
	}
	opAuth, opSecret, err := operators(ctx, state, dynamo.New(local.NewDynamoDBClient(awsCfg), TableName))
	if err != nil {
		return err
	}
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return fmt.Errorf("load config: %w", err)
	}
	api, err := app.New(ctx, cfg, awsCfg, app.Options{
		DynamoDB: []func(*dynamodb.Options){local.DynamoDBOptions},
		Logger:   log,
	})
	if err != nil {
		return fmt.Errorf("build api: %w", err)
	}
	tasks, err := app.Tasks(ctx, cfg, awsCfg, app.Options{
		DynamoDB: []func(*dynamodb.Options){local.DynamoDBOptions},
		Logger:   log,
	})
	if err != nil {
		return fmt.Errorf("build tasks: %w", err)
	}
	sfn.sfn.RegisterTask(TaskFunctionARN, tasks.Handle)
	gw := local.NewGateway(api.Handle, httpapi.Match)
	gw.Log = log
	gw.IAM = opAuth
	// The web client (web/) and the development outbox share the API's origin.
	srv, err := local.Serve(local.Site(gw, filepath.Join(root, "web"), state), port)
	if err != nil {
		return err
	}
	defer stopAll(log, "api", func() error { return shutdown(srv) })

	log.Info("local system ready", "api", srv.URL(), "dynamodb", ddb.Endpoint(), "sns", sns.URL(), "stepFunctions", sfn.srv.URL(),
		"table", TableName, "smsOutbox", smsOutbox, "mailOutbox", mailOutbox)
	banner(os.Stdout, srv.URL(), ddb.Endpoint(), smsOutbox, mailOutbox)
	operatorBanner(os.Stdout, state, opSecret)
	fmt.Fprintf(os.Stdout, "Registered letters (with their activation codes) go to %s.\n\n", letterOutbox)

	select {
	case <-ctx.Done():
		log.Info("shutting down")
		return nil
	case err := <-srv.Err():
		return fmt.Errorf("api server: %w", err)
	case err := <-sns.Err():
		return fmt.Errorf("fake sns: %w", err)
	case <-ddb.Done():
		return errors.New("dynamodb local exited unexpectedly (see .local/dynamodb.log)")
	case <-sfn.sfn.Done():
		return errors.New("the step functions harness exited unexpectedly (see .local/stepfunctions.log)")
	case err := <-sfn.srv.Err():
		return fmt.Errorf("step functions api: %w", err)
	}
}

func banner(w io.Writer, api, ddb, sms, mail string) {
	fmt.Fprintf(w, "\nportalid is running\n  API           %s\n  web client    %s/\n  DynamoDB      %s (table %s)\n  SMS outbox    %s\n  mail outbox   %s\nCtrl-C stops everything.\n\n",
		api, api, ddb, TableName, sms, mail)
}

func shutdown(s *local.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

func stopAll(log *slog.Logger, what string, stop func() error) {
	if err := stop(); err != nil {
		log.Error("stop failed", "component", what, "error", err)
		return
	}
	log.Info("stopped", "component", what)
}

func envInt(name string, def int) int {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// stepFunctions is the local Step Functions: the harness running the ASL
// of statemachines/ and its API on 127.0.0.1. The task handlers of those
// workflows are registered by the workflows' own code; a task without one
// fails with Local.TaskNotRegistered.
type stepFunctions struct {
	sfn *local.SFN
	srv *local.Server
	env []string // AWS_ENDPOINT_URL_SFN and the <NAME>_STATE_MACHINE_ARN
}

func startStepFunctions(ctx context.Context, harnessOutput io.Writer, log *slog.Logger) (*stepFunctions, error) {
	day := local.DefaultSFNDay
	if v, ok := os.LookupEnv("LOCAL_SFN_DAY"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("LOCAL_SFN_DAY must be a positive Go duration such as 1s")
		}
		day = d
	}
	sfn, err := local.StartSFN(ctx, local.SFNOptions{Time: local.SFNTime{Day: day}, Log: log, Output: harnessOutput})
	if err != nil {
		return nil, err
	}
	srv, err := local.Serve(sfn, 0)
	if err != nil {
		_ = sfn.Stop()
		return nil, err
	}
	f := &stepFunctions{sfn: sfn, srv: srv, env: []string{"AWS_ENDPOINT_URL_SFN=" + srv.URL()}}
	root, err := local.RepoRoot()
	if err != nil {
		_ = f.stop()
		return nil, err
	}
	// A workflow that does not register is reported, not fatal: the rest
	// of the stack stays usable while it is being written.
	arns, err := sfn.RegisterStateMachines(filepath.Join(root, "statemachines"), stateMachineSubstitutions())
	if err != nil {
		fmt.Fprintln(os.Stderr, "local: step functions:", err)
	}
	f.env = append(f.env, arns...)
	return f, nil
}

// stateMachineSubstitutions are the local values of the definitions'
// ${…} placeholders (the template's DefinitionSubstitutions); each
// workflow adds the ones it uses.
func stateMachineSubstitutions() map[string]string {
	return map[string]string{
		"TaskFunctionArn":        TaskFunctionARN,
		"RegistryTimeoutSeconds": config.Defaults().Identity.RegistryTimeoutSecondsString(),
		// postal-letter
		"PostalReportTimeoutSeconds": config.Defaults().Letter.PostalReportTimeoutSecondsString(),
	}
}

// TaskFunctionARN names the local task function: the harness dispatches
// lambda:invoke tasks by it to the handler serve registers.
const TaskFunctionARN = "arn:aws:lambda:us-east-1:000000000000:function:portalid-local-tasks"

func (f *stepFunctions) stop() error {
	return errors.Join(shutdown(f.srv), f.sfn.Stop())
}
