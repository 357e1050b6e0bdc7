package metric_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/metric"
)

var at = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func clock() time.Time { return at }

func TestEmit(t *testing.T) {
	t.Parallel()
	ms := at.UnixMilli()
	tests := []struct {
		name      string
		namespace string
		samples   []metric.Sample
		want      []string
		wantErr   bool
	}{
		{
			name:      "one count",
			namespace: "portalid",
			samples:   []metric.Sample{metric.Count(metric.Registrations)},
			want: []string{`{"Registrations":1,"Stage":"prod","_aws":{"CloudWatchMetrics":[{"Dimensions":[["Stage"]],` +
				`"Metrics":[{"Name":"Registrations","Unit":"Count"}],"Namespace":"portalid"}],"Timestamp":` + itoa(ms) + `}}`},
		},
		{
			name:    "counts are summed per metric, in first-noted order",
			samples: []metric.Sample{metric.Count(metric.Lockouts), metric.Count(metric.ChecksStalled), metric.Count(metric.Lockouts)},
			want: []string{
				`{"Lockouts":2,"Stage":"prod","_aws":{"CloudWatchMetrics":[{"Dimensions":[["Stage"]],"Metrics":[{"Name":"Lockouts","Unit":"Count"}],"Namespace":"portalid"}],"Timestamp":` + itoa(ms) + `}}`,
				`{"ChecksStalled":1,"Stage":"prod","_aws":{"CloudWatchMetrics":[{"Dimensions":[["Stage"]],"Metrics":[{"Name":"ChecksStalled","Unit":"Count"}],"Namespace":"portalid"}],"Timestamp":` + itoa(ms) + `}}`,
			},
		},
		{
			name:      "a confirmation is counted in total and per method",
			namespace: "portalid-test",
			samples:   []metric.Sample{metric.Confirmed(account.MethodLetter)},
			want: []string{`{"Confirmations":1,"Method":"letter","Stage":"prod","_aws":{"CloudWatchMetrics":[{"Dimensions":[["Stage"],["Stage","Method"]],` +
				`"Metrics":[{"Name":"Confirmations","Unit":"Count"}],"Namespace":"portalid-test"}],"Timestamp":` + itoa(ms) + `}}`},
		},
		{
			name:    "two methods are two lines",
			samples: []metric.Sample{metric.Confirmed(account.MethodSignature), metric.Confirmed(account.MethodInPerson)},
			want: []string{
				`{"Confirmations":1,"Method":"signature","Stage":"prod","_aws":{"CloudWatchMetrics":[{"Dimensions":[["Stage"],["Stage","Method"]],"Metrics":[{"Name":"Confirmations","Unit":"Count"}],"Namespace":"portalid"}],"Timestamp":` + itoa(ms) + `}}`,
				`{"Confirmations":1,"Method":"in_person","Stage":"prod","_aws":{"CloudWatchMetrics":[{"Dimensions":[["Stage"],["Stage","Method"]],"Metrics":[{"Name":"Confirmations","Unit":"Count"}],"Namespace":"portalid"}],"Timestamp":` + itoa(ms) + `}}`,
			},
		},
		{
			name:    "an unknown name or method is dropped and reported; the rest is written",
			samples: []metric.Sample{metric.Count("PhoneNumbersSeen"), metric.Confirmed("carrier-pigeon"), metric.Count(metric.LettersFailed)},
			want: []string{`{"LettersFailed":1,"Stage":"prod","_aws":{"CloudWatchMetrics":[{"Dimensions":[["Stage"]],` +
				`"Metrics":[{"Name":"LettersFailed","Unit":"Count"}],"Namespace":"portalid"}],"Timestamp":` + itoa(ms) + `}}`},
			wantErr: true,
		},
		{name: "nothing noted, nothing written"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			e := metric.New(&out, tt.namespace, "prod", clock)
			ctx, b := metric.Collect(context.Background())
			for _, s := range tt.samples {
				metric.Add(ctx, s)
			}
			err := e.Emit(b)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Emit() error = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, lines(out.String())); diff != "" {
				t.Errorf("Emit() lines (-want +got):\n%s", diff)
			}
			for _, l := range lines(out.String()) {
				checkEMF(t, l)
			}
			out.Reset()
			if err := e.Emit(b); err != nil || out.Len() != 0 {
				t.Errorf("second Emit(b) = %v and wrote %q; want nothing: a batch is written once", err, out.String())
			}
		})
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// checkEMF checks the rules of the Embedded Metric Format specification
// CloudWatch applies: _aws.Timestamp in epoch milliseconds, a namespace,
// every dimension and metric a root member, every metric value a number.
func checkEMF(t *testing.T, line string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(line), &doc); err != nil {
		t.Fatalf("line %q is not a JSON object: %v", line, err)
	}
	meta, _ := doc["_aws"].(map[string]any)
	if ts, ok := meta["Timestamp"].(float64); !ok || ts != float64(at.UnixMilli()) {
		t.Errorf("_aws.Timestamp = %v, want %d", meta["Timestamp"], at.UnixMilli())
	}
	directives, _ := meta["CloudWatchMetrics"].([]any)
	if len(directives) == 0 {
		t.Fatalf("line %q has no CloudWatchMetrics", line)
	}
	for _, d := range directives {
		dir := d.(map[string]any)
		if ns, _ := dir["Namespace"].(string); ns == "" {
			t.Errorf("directive without a namespace: %v", dir)
		}
		for _, set := range dir["Dimensions"].([]any) {
			for _, key := range set.([]any) {
				if _, ok := doc[key.(string)].(string); !ok {
					t.Errorf("dimension %v is not a string member of the root", key)
				}
			}
		}
		for _, m := range dir["Metrics"].([]any) {
			name := m.(map[string]any)["Name"].(string)
			if _, ok := doc[name].(float64); !ok {
				t.Errorf("metric %s has no numeric value at the root", name)
			}
		}
	}
}

func TestAddWithoutBatch(t *testing.T) {
	t.Parallel()
	metric.Add(context.Background(), metric.Count(metric.Registrations)) // must not panic
	var e *metric.Emitter
	if err := e.Emit(&metric.Batch{}); err != nil {
		t.Errorf("nil Emitter.Emit() = %v, want nil", err)
	}
}

// TestConcurrentAdd notes from many goroutines at once (a flow may fan
// out); every note is counted.
func TestConcurrentAdd(t *testing.T) {
	t.Parallel()
	ctx, b := metric.Collect(context.Background())
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			<-gate
			metric.Add(ctx, metric.Count(metric.Lockouts))
		})
	}
	close(gate)
	wg.Wait()
	var out bytes.Buffer
	if err := metric.New(&out, "", "dev", clock).Emit(b); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["Lockouts"] != float64(50) {
		t.Errorf("Lockouts = %v, want 50", doc["Lockouts"])
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("stdout closed") }

func TestEmitWriteError(t *testing.T) {
	t.Parallel()
	ctx, b := metric.Collect(context.Background())
	metric.Add(ctx, metric.Count(metric.Registrations))
	if err := metric.New(failingWriter{}, "", "dev", clock).Emit(b); err == nil {
		t.Error("Emit() to a failing writer = nil, want the error")
	}
}
