package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// TestNoLogInjection: values carrying line breaks, quotes or a forged JSON
// record stay inside their own field of one JSON line (ASVS 7.3.1).
func TestNoLogInjection(t *testing.T) {
	t.Parallel()
	tests := []string{
		"POST /v1/sessions\n{\"level\":\"INFO\",\"msg\":\"login ok\",\"route\":\"forged\"}",
		"a\r\nb\u2028c\u0000d",
		`","level":"ERROR","msg":"forged`,
	}
	for _, in := range tests {
		var buf bytes.Buffer
		New(&buf, slog.LevelInfo).Info("request served", "route", in, slog.Group("g", "fault", in))
		out := strings.TrimSuffix(buf.String(), "\n")
		if strings.ContainsAny(out, "\r\n") {
			t.Errorf("log of %q spans lines: %q", in, out)
		}
		var line struct {
			Level, Msg, Route string
			G                 struct{ Fault string }
		}
		if err := json.Unmarshal([]byte(out), &line); err != nil {
			t.Fatalf("log of %q is not one JSON object: %v", in, err)
		}
		if line.Level != "INFO" || line.Msg != "request served" || line.Route != in || line.G.Fault != in {
			t.Errorf("log of %q = %+v, want the value intact in its field", in, line)
		}
	}
}
