package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

const (
	canary       = "CANARY-7f3a9c"
	canaryNumber = 31337271828 // longer than any run of digits in a timestamp
)

// secretValue resolves, through LogValue, to a group holding a sensitive key.
type secretValue struct{}

func (secretValue) LogValue() slog.Value {
	return slog.GroupValue(slog.String("phone", canary), slog.String("kind", "phone"))
}

func TestReplaceAttr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want string
	}{
		{"password", Redacted},
		{"PASSWORD", Redacted},
		{"birthDate", Redacted},
		{"birth_date", Redacted},
		{"Authorization", Redacted},
		{"refresh-token", Redacted},
		{"requestId", canary},
		{"idempotencyKey", canary},
		{"route", canary},
		{"codeSent", canary},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			got := ReplaceAttr(nil, slog.String(tt.key, canary)).Value.String()
			if got != tt.want {
				t.Errorf("ReplaceAttr(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestNewRedactsEverySensitiveKey(t *testing.T) {
	t.Parallel()
	for _, key := range SensitiveKeys() {
		tests := []struct {
			name string
			log  func(l *slog.Logger)
		}{
			{"top level", func(l *slog.Logger) { l.Info("event", key, canary) }},
			{"upper case", func(l *slog.Logger) { l.Info("event", strings.ToUpper(key), canary) }},
			{"in group", func(l *slog.Logger) { l.Info("event", slog.Group("request", key, canary)) }},
			{"nested groups", func(l *slog.Logger) {
				l.Info("event", slog.Group("a", slog.Group("b", slog.Int(key, canaryNumber), key+"x", "keep")))
			}},
			{"with attrs", func(l *slog.Logger) { l.With(key, canary).Info("event") }},
			{"with group", func(l *slog.Logger) { l.WithGroup("g").Info("event", key, canary) }},
			{"group under key", func(l *slog.Logger) { l.Info("event", slog.Group(key, "inner", canary)) }},
			{"any value", func(l *slog.Logger) { l.Info("event", slog.Any(key, map[string]string{"x": canary})) }},
			{"log valuer", func(l *slog.Logger) { l.Info("event", "contact", secretValue{}) }},
		}
		for _, tt := range tests {
			t.Run(key+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				tt.log(New(&buf, slog.LevelDebug))
				out := buf.String()
				if strings.Contains(out, canary) || strings.Contains(out, "31337271828") {
					t.Errorf("log output contains the canary: %s", out)
				}
				if !json.Valid(bytes.TrimSpace(buf.Bytes())) {
					t.Errorf("log output is not one JSON object: %s", out)
				}
			})
		}
	}
}

func TestNewKeepsOrdinaryKeys(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := New(&buf, slog.LevelInfo)
	l.With("requestId", "req-1").WithGroup("http").Info("request done",
		"route", "POST /v1/registrations", "status", 202, "durationMs", 12,
		slog.Group("fault", "kind", "conflict", "slug", "code-expired"))
	l.Debug("below level", "route", "hidden")

	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output %q: %v", buf.String(), err)
	}
	if got["requestId"] != "req-1" || got["msg"] != "request done" {
		t.Errorf("top level = %v, want requestId and msg kept", got)
	}
	http, _ := got["http"].(map[string]any)
	fault, _ := http["fault"].(map[string]any)
	if http["route"] != "POST /v1/registrations" || http["status"] != 202.0 || fault["slug"] != "code-expired" {
		t.Errorf("http group = %v, want route, status and fault kept", http)
	}
	if strings.Contains(buf.String(), "below level") {
		t.Errorf("debug record logged at info level: %s", buf.String())
	}
}

// TestLambda replaces os.Stdout (lambdacontext's handler writes there), so it
// is not parallel.
func TestLambda(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = f
	l := Lambda()
	os.Stdout = stdout

	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-8d1e"})
	l.InfoContext(ctx, "contact confirmed", "phone", canary, "flow", "registration", slog.Group("body", "token", canary))
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), canary) {
		t.Errorf("lambda log contains the canary: %s", out)
	}
	for _, want := range []string{"req-8d1e", "requestId", "registration", "contact confirmed"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("lambda log %q does not contain %q", out, want)
		}
	}
}
