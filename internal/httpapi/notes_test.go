package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// TestUndeliveredIsLoggedNotFailed: a change that stands but could not
// send its notices answers as a success and logs the loss at Warn.
func TestUndeliveredIsLoggedNotFailed(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	a := New(Services{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	a.handlers["PUT /v1/test"] = func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		undelivered(ctx, nil)
		undelivered(ctx, errors.New("send password-changed-sms: publish sms: api error Throttling"))
		return noContent(), nil
	}
	res, err := a.Handle(context.Background(), events.APIGatewayV2HTTPRequest{RouteKey: "PUT /v1/test"})
	if err != nil || res.StatusCode != 204 {
		t.Fatalf("Handle() = %d, %v; want 204", res.StatusCode, err)
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	if line["level"] != "WARN" || line["undelivered"] != "send password-changed-sms: publish sms: api error Throttling" || line["status"] != float64(204) {
		t.Errorf("log line = %v, want one WARN line naming what was undelivered", line)
	}
}
