package faultinject_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/faultinject"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/testenv"
	"github.com/portalid/portalid/internal/transient"
)

// unreachable is an endpoint no attempt may reach: every attempt is
// injected, so the transport is never used.
func unreachable(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

var creds = credentials.NewStaticCredentialsProvider(local.AccessKeyID, local.SecretAccessKey, "")

// call makes one operation of service on a client with the injector.
func call(ctx context.Context, service, url string, inj *faultinject.Injector) error {
	const backoff = time.Millisecond
	switch service {
	case faultinject.DynamoDB:
		c := dynamodb.New(dynamodb.Options{Region: local.Region, Credentials: creds, BaseEndpoint: aws.String(url)}, inj.DynamoDBOptions(backoff))
		_, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("t")})
		return err
	case faultinject.SNS:
		c := sns.New(sns.Options{Region: local.Region, Credentials: creds, BaseEndpoint: aws.String(url)}, inj.SNSOptions(backoff))
		_, err := c.Publish(ctx, &sns.PublishInput{PhoneNumber: aws.String("+79990000001"), Message: aws.String("m")})
		return err
	case faultinject.SFN:
		c := sfn.New(sfn.Options{Region: local.Region, Credentials: creds, BaseEndpoint: aws.String(url)}, inj.SFNOptions(backoff))
		_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(local.StateMachineARN("m")), Name: aws.String("n")})
		return err
	default:
		c := kms.New(kms.Options{Region: local.Region, Credentials: creds, BaseEndpoint: aws.String(url)}, inj.KMSOptions(backoff))
		_, err := c.Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String("k"), CiphertextBlob: []byte("x")})
		return err
	}
}

// TestEveryAttemptInjected: with a rate of 1 every attempt of every
// service fails with the kind; the SDK's retryer makes its 3 attempts,
// then the fault surfaces, and the edges' classification calls it
// transient.
func TestEveryAttemptInjected(t *testing.T) {
	t.Parallel()
	for _, service := range []string{faultinject.DynamoDB, faultinject.SNS, faultinject.SFN, faultinject.KMS} {
		for _, kind := range faultinject.Kinds {
			t.Run(service+"/"+string(kind), func(t *testing.T) {
				t.Parallel()
				url, hits := unreachable(t)
				rates := map[faultinject.Kind]faultinject.Rates{
					faultinject.Throttle:    {Throttle: 1},
					faultinject.ServerError: {ServerError: 1},
					faultinject.Timeout:     {Timeout: 1},
				}[kind]
				inj := faultinject.New(1).Set(service, rates)
				inj.Delay = time.Millisecond
				err := call(t.Context(), service, url, inj)
				if err == nil {
					t.Fatal("call succeeded, want the injected fault")
				}
				if !transient.Is(err) {
					t.Errorf("transient.Is(%v) = false, want true", err)
				}
				var exhausted *retry.MaxAttemptsError
				if !errors.As(err, &exhausted) {
					t.Errorf("error %v is not the retryer's MaxAttemptsError: the retryer did not retry it", err)
				}
				want := faultinject.ServiceReport{
					Calls: 1, Attempts: 3, Failed: 1,
					Injected: map[faultinject.Kind]int{faultinject.Throttle: 0, faultinject.ServerError: 0, faultinject.Timeout: 0, kind: 3},
					Surfaced: map[faultinject.Kind]int{faultinject.Throttle: 0, faultinject.ServerError: 0, faultinject.Timeout: 0, kind: 1},
				}
				if diff := cmp.Diff(want, inj.Report().Services[service]); diff != "" {
					t.Errorf("report (-want +got):\n%s", diff)
				}
				if hits.Load() != 0 {
					t.Errorf("%d attempts reached the endpoint, want 0", hits.Load())
				}
			})
		}
	}
}

// TestOnlyNamedOperations: Set with operations leaves the others alone,
// and a service without rates is not touched.
func TestOnlyNamedOperations(t *testing.T) {
	t.Parallel()
	url, hits := unreachable(t)
	inj := faultinject.New(1).Set(faultinject.DynamoDB, faultinject.Rates{Throttle: 1}, "PutItem")
	if err := call(t.Context(), faultinject.DynamoDB, url, inj); err == nil || transient.Is(err) {
		t.Errorf("DescribeTable error = %v, want the endpoint's own answer", err)
	}
	if err := call(t.Context(), faultinject.SNS, url, inj); err == nil || transient.Is(err) {
		t.Errorf("Publish error = %v, want the endpoint's own answer", err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d calls reached the endpoint, want 2", hits.Load())
	}
	if r := inj.Report(); r.Injected(faultinject.Throttle) != 0 {
		t.Errorf("injected %d, want 0", r.Injected(faultinject.Throttle))
	}
}

// TestDeterministic: the same seed makes the same decisions, in the
// proportions asked; another seed makes others.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	rates := faultinject.Rates{Throttle: 0.1, ServerError: 0.1, Timeout: 0.05}
	run := func(seed uint64) (string, faultinject.Report) {
		url, _ := unreachable(t)
		inj := faultinject.New(seed).Set(faultinject.SNS, rates)
		inj.Delay = time.Microsecond
		outcomes := ""
		for range 300 {
			err := call(t.Context(), faultinject.SNS, url, inj)
			outcomes += fmt.Sprint(transient.Is(err))
		}
		return outcomes, inj.Report()
	}
	a, ra := run(7)
	b, rb := run(7)
	c, _ := run(8)
	if a != b || !cmp.Equal(ra, rb) {
		t.Errorf("two runs with seed 7 differ:\n%v\n%v", ra, rb)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same outcomes")
	}
	sr := ra.Services[faultinject.SNS]
	for kind, rate := range map[faultinject.Kind]float64{faultinject.Throttle: rates.Throttle, faultinject.ServerError: rates.ServerError, faultinject.Timeout: rates.Timeout} {
		got := float64(sr.Injected[kind]) / float64(sr.Attempts)
		if got < rate/2 || got > rate*2 {
			t.Errorf("%s: %d of %d attempts (%.3f), want about %.2f", kind, sr.Injected[kind], sr.Attempts, got, rate)
		}
	}
	t.Logf("seed 7: %s", ra)
}

// TestFakeSNSUnderFaults: against the fake SNS, every publish that
// succeeded is in the outbox once, and none that failed is: a fault
// injected before the transport sends nothing.
func TestFakeSNSUnderFaults(t *testing.T) {
	t.Parallel()
	client, outbox := testenv.SNS(t)
	inj := faultinject.New(3).Set(faultinject.SNS, faultinject.Rates{Throttle: 0.3, ServerError: 0.2, Timeout: 0.1})
	inj.Delay = time.Millisecond
	c := sns.New(client.Options(), inj.SNSOptions(time.Millisecond))
	ok := 0
	for i := range 60 {
		_, err := c.Publish(t.Context(), &sns.PublishInput{PhoneNumber: aws.String(fmt.Sprintf("+7999%07d", i)), Message: aws.String("m")})
		switch {
		case err == nil:
			ok++
		case !transient.Is(err):
			t.Errorf("publish %d: %v is not transient", i, err)
		}
	}
	entries, err := local.ReadOutbox(outbox)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range entries {
		seen[e.To]++
	}
	for to, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d SMS, want 1", to, n)
		}
	}
	r := inj.Report()
	sr := r.Services[faultinject.SNS]
	if len(entries) != ok || sr.Calls != 60 || sr.Failed != 60-ok {
		t.Errorf("%d in the outbox, %d succeeded, report %+v", len(entries), ok, sr)
	}
	if r.Injected(faultinject.Throttle) == 0 || sr.Attempts <= 60 {
		t.Errorf("report %s: want faults injected and retried", r)
	}
	t.Logf("%d of 60 publishes succeeded; %s", ok, r)
}

// TestPause: a paused injector injects nothing, and counts the calls.
func TestPause(t *testing.T) {
	t.Parallel()
	url, hits := unreachable(t)
	inj := faultinject.New(1).Set(faultinject.KMS, faultinject.Rates{ServerError: 1})
	inj.Pause()
	if err := call(t.Context(), faultinject.KMS, url, inj); transient.Is(err) {
		t.Errorf("paused: error %v is an injected fault", err)
	}
	inj.Resume()
	if err := call(t.Context(), faultinject.KMS, url, inj); !transient.Is(err) {
		t.Errorf("resumed: error %v, want the injected fault", err)
	}
	if hits.Load() != 1 || inj.Report().Services[faultinject.KMS].Calls != 2 {
		t.Errorf("hits %d, report %s", hits.Load(), inj.Report())
	}
}

// TestOutage: an outage of 4 attempts outlasts the first call's 3
// attempts; the next call fails once and then gets through.
func TestOutage(t *testing.T) {
	t.Parallel()
	url, hits := unreachable(t)
	inj := faultinject.New(1).Set(faultinject.SFN, faultinject.Rates{Outage: 4})
	if err := call(t.Context(), faultinject.SFN, url, inj); !transient.Is(err) {
		t.Errorf("first call: %v, want the outage", err)
	}
	if err := call(t.Context(), faultinject.SFN, url, inj); err == nil || transient.Is(err) {
		t.Errorf("second call: %v, want the endpoint's own answer", err)
	}
	sr := inj.Report().Services[faultinject.SFN]
	if hits.Load() != 1 || sr.Attempts != 5 || sr.Injected[faultinject.ServerError] != 4 || sr.Surfaced[faultinject.ServerError] != 1 {
		t.Errorf("hits %d, report %+v; want 1 hit after 4 injected of 5 attempts, 1 surfaced", hits.Load(), sr)
	}
}

// TestNotInTheFunctions: no Lambda function or local command links the
// injector; only tests do.
func TestNotInTheFunctions(t *testing.T) {
	t.Parallel()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "../../functions/...", "../../infra/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasSuffix(pkg, "/internal/faultinject") {
			t.Fatalf("a function or command imports %s", pkg)
		}
	}
	if !strings.Contains(string(out), "/internal/app") {
		t.Fatalf("go list -deps did not list the functions' packages:\n%s", out)
	}
}
