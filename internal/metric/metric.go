// Package metric counts the facts operators alarm on (registrations,
// confirmations by method, lockouts, stalled identity checks, failed
// letters) and writes them as CloudWatch Embedded Metric Format log lines:
// CloudWatch Logs turns each line into metric data, so counting costs no
// API call and no IAM permission beyond the logs every function writes.
//
// The code that knows a fact notes it in the request's context (Add); the
// inbound boundary (httpapi, task) opened that context with Collect and
// writes one line per noted metric when the request ends (Emitter.Emit),
// so a request is still logged once, at its edge. Dimensions are bounded
// by construction: the stage (a deployment fact) and, for confirmations,
// the account.Method. A Sample holds nothing else, so no personal data
// can reach a metric.
package metric

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/portalid/portalid/internal/account"
)

// Name is a metric of the namespace; only the names below are emitted.
type Name string

// The metrics (template.yaml alarms and the dashboard name them).
const (
	// Registrations counts accounts created (SPEC §2.1).
	Registrations Name = "Registrations"
	// Confirmations counts accounts raised to confirmed, also per Method
	// (SPEC §2.4): letter, in_person, signature.
	Confirmations Name = "Confirmations"
	// Lockouts counts sign-in lockouts started (SPEC §2.2).
	Lockouts Name = "Lockouts"
	// ChecksStalled counts identity checks that ended stalled: a
	// registry gave no answer within the timeout (SPEC §2.3).
	ChecksStalled Name = "ChecksStalled"
	// LettersFailed counts registered letters the postal provider could
	// not deliver or that failed to be handed over (SPEC §2.4).
	LettersFailed Name = "LettersFailed"
)

// Names lists every metric the package emits.
var Names = []Name{Registrations, Confirmations, Lockouts, ChecksStalled, LettersFailed}

// The dimension keys.
const (
	DimStage  = "Stage"
	DimMethod = "Method"
)

// DefaultNamespace is the CloudWatch namespace when none is configured.
const DefaultNamespace = "portalid"

// Sample is one occurrence of a metric with its dimension values. Build it
// with Count or Confirmed.
type Sample struct {
	name   Name
	method account.Method
}

// Count is one occurrence of a metric that has no dimension besides the
// stage. Confirmations should use Confirmed, which adds the method.
func Count(n Name) Sample { return Sample{name: n} }

// Confirmed is one account raised to confirmed by method m.
func Confirmed(m account.Method) Sample { return Sample{name: Confirmations, method: m} }

// Batch holds the samples noted while serving one request or task.
type Batch struct {
	mu      sync.Mutex
	samples []Sample
}

type batchKey struct{}

// Collect returns a context in which Add notes samples into the returned
// batch; the boundary that calls it hands the batch to Emitter.Emit.
func Collect(ctx context.Context) (context.Context, *Batch) {
	b := &Batch{}
	return context.WithValue(ctx, batchKey{}, b), b
}

// Add notes s in the batch of ctx; without one (a test calling a flow
// directly, the local system) it does nothing.
func Add(ctx context.Context, s Sample) {
	b, ok := ctx.Value(batchKey{}).(*Batch)
	if !ok {
		return
	}
	b.mu.Lock()
	b.samples = append(b.samples, s)
	b.mu.Unlock()
}

// Emitter writes EMF lines to Out (a Lambda function's stdout, which
// CloudWatch Logs receives). A nil *Emitter writes nothing.
type Emitter struct {
	out       io.Writer
	namespace string
	stage     string
	now       func() time.Time
	mu        sync.Mutex
}

// New returns an Emitter writing to out under namespace (DefaultNamespace
// when empty), with every metric dimensioned by stage.
func New(out io.Writer, namespace, stage string, now func() time.Time) *Emitter {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	return &Emitter{out: out, namespace: namespace, stage: stage, now: now}
}

// Emit writes one line per metric and dimension value noted in b, with
// the occurrences summed. Samples of an unknown name or an invalid method
// are dropped and reported in the error (after the valid ones are
// written), so a mistake cannot mint unbounded metrics.
func (e *Emitter) Emit(b *Batch) error {
	if e == nil || b == nil {
		return nil
	}
	b.mu.Lock()
	samples := slices.Clone(b.samples)
	b.samples = nil
	b.mu.Unlock()
	counts := map[Sample]int{}
	var order []Sample
	var bad []string
	for _, s := range samples {
		if !slices.Contains(Names, s.name) || s.method != "" && (s.name != Confirmations || !s.method.Valid()) {
			bad = append(bad, string(s.name))
			continue
		}
		if counts[s] == 0 {
			order = append(order, s)
		}
		counts[s]++
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range order {
		line, err := json.Marshal(e.document(s, counts[s]))
		if err != nil {
			return fmt.Errorf("encode metric %s: %w", s.name, err)
		}
		if _, err := e.out.Write(append(line, '\n')); err != nil {
			return fmt.Errorf("write metric %s: %w", s.name, err)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("metrics dropped (unknown name or dimension): %q", bad)
	}
	return nil
}

// document is the EMF object of one sample: the _aws metadata (timestamp,
// namespace, dimension sets, metric and unit) and, at the root, the
// dimension values and the count.
func (e *Emitter) document(s Sample, n int) map[string]any {
	dims := [][]string{{DimStage}}
	doc := map[string]any{DimStage: e.stage, string(s.name): n}
	if s.method != "" {
		dims = append(dims, []string{DimStage, DimMethod})
		doc[DimMethod] = string(s.method)
	}
	doc["_aws"] = map[string]any{
		"Timestamp": e.now().UnixMilli(),
		"CloudWatchMetrics": []map[string]any{{
			"Namespace":  e.namespace,
			"Dimensions": dims,
			"Metrics":    []map[string]string{{"Name": string(s.name), "Unit": "Count"}},
		}},
	}
	return doc
}
