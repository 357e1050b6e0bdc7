package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// TestPanicIsAGenericInternalError: a handler that panics, with a value or
// an error that carries the input, is answered like any unexpected error
// (500 problem+json "internal" with the request id, no-store) and logged
// once at Error naming where it panicked, never what it panicked with
// (ASVS 7.4.1, 7.4.3).
func TestPanicIsAGenericInternalError(t *testing.T) {
	t.Parallel()
	const canary = "CANARY-passport-4510-123456"
	tests := []struct {
		name  string
		value any
	}{
		{"string", "bad input " + canary},
		{"error", errors.New("parse " + canary)},
		{"nil map write", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			a := New(Services{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
			a.handlers["POST /v1/test"] = func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
				if tt.value == nil {
					var m map[string]int
					m["x"]++ // a runtime error, not a panic call
				}
				panic(tt.value)
			}
			req := events.APIGatewayV2HTTPRequest{RouteKey: "POST /v1/test", Body: canary}
			req.RequestContext.RequestID = "req-panic-1"
			res, err := a.Handle(context.Background(), req)
			if err != nil {
				t.Fatalf("Handle() error = %v, want nil", err)
			}
			var p Problem
			if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
				t.Fatalf("body %q: %v", res.Body, err)
			}
			if res.StatusCode != http.StatusInternalServerError || p.Type != ProblemBase+"internal" || p.RequestID != "req-panic-1" ||
				res.Headers["content-type"] != "application/problem+json" || res.Headers["cache-control"] != "no-store" {
				t.Errorf("Handle(panicking) = %d %v %s, want the generic 500 internal problem", res.StatusCode, res.Headers, res.Body)
			}
			if strings.Contains(res.Body, canary) || strings.Contains(buf.String(), canary) {
				t.Errorf("the panic's value leaked: body %s, log %s", res.Body, buf.String())
			}
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("want one JSON log line, got %q: %v", buf.String(), err)
			}
			msg, _ := line["error"].(string)
			if line["level"] != "ERROR" || line["fault"] != "internal" || !strings.HasPrefix(msg, errPanic.Error()) || !strings.Contains(msg, "recover_test.go") {
				t.Errorf("log line = %v, want one ERROR line naming the panic and its site", line)
			}
		})
	}
}
