package task_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/portalid/portalid/internal/task"
	"github.com/portalid/portalid/internal/workflow"
)

// attrLog keeps the attributes of every record, by key.
type attrLog struct {
	mu    sync.Mutex
	attrs []slog.Attr
}

func (l *attrLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *attrLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *attrLog) WithGroup(string) slog.Handler            { return l }
func (l *attrLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r.Attrs(func(a slog.Attr) bool { l.attrs = append(l.attrs, a); return true })
	return nil
}

// FuzzLambda feeds any Payload to the task boundary: never a panic; a
// Payload that is not a JSON object, or names no task, fails with a fixed
// ASL name and cause (never an echo of the input); a known task gets the
// Payload as it came and its output goes back unchanged; the item and
// task names reach the log only when short and plain.
func FuzzLambda(f *testing.F) {
	for _, s := range []string{
		`{"task":"CheckItem","accountId":"a","checkId":"c","item":"snils"}`, `{"task":"IssueLetterCode","letterId":"l"}`,
		`{"task":"Nope<script>","item":"passport\u0000"}`, `{"task":"CheckItem","item":"` + strings.Repeat("x", 41) + `"}`,
		`[]`, `"CheckItem"`, `null`, `{"task":1}`, ``, `{"task":"CheckItem"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var got json.RawMessage
		echo := func(_ context.Context, p json.RawMessage, _ string) (json.RawMessage, error) {
			got = p
			return json.RawMessage(`{"ok":true}`), nil
		}
		logs := &attrLog{}
		d := task.Dispatcher{Log: slog.New(logs), Tasks: map[string]workflow.Handler{"CheckItem": echo, "IssueLetterCode": echo}}
		out, err := d.Lambda(context.Background(), in)
		var env struct {
			Task string `json:"task"`
			Item string `json:"item"`
		}
		decoded := json.Unmarshal(in, &env) == nil
		if err != nil {
			ive, ok := err.(messages.InvokeResponse_Error) //nolint:errorlint // the runtime asserts the type exactly
			if !ok || !slices.Contains(task.Names, ive.Type) {
				t.Fatalf("Lambda(%q) error = %#v, want an InvokeResponse_Error with a known name", in, err)
			}
			if len(in) >= 8 && strings.Contains(ive.Message, string(in)) {
				t.Fatalf("Lambda(%q) cause %q echoes the input", in, ive.Message)
			}
			if decoded && (env.Task == "CheckItem" || env.Task == "IssueLetterCode") {
				t.Fatalf("Lambda(%q) failed a known task: %v", in, err)
			}
		} else if !decoded || !bytes.Equal(got, in) || string(out) != `{"ok":true}` {
			t.Fatalf("Lambda(%q) = %s; the task got %q", in, out, got)
		}
		for _, a := range logs.attrs {
			v := a.Value.String()
			if (a.Key == "item" || a.Key == "task") && v != "[odd]" && v != "[long]" && !plain(v) {
				t.Fatalf("Lambda(%q) logged %s=%q", in, a.Key, v)
			}
		}
	})
}

// plain is a name the log may hold as it is: up to 40 ASCII letters and
// hyphens.
func plain(s string) bool {
	return len(s) <= 40 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == ""
}
