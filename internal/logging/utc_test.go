package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"
)

// TestTimesAreUTC: a record made in another zone (Moscow, UTC+3) is logged
// with its instant unchanged and written in UTC, by both the loggers New
// builds and any handler Redact wraps (ASVS 7.3.4).
func TestTimesAreUTC(t *testing.T) {
	t.Parallel()
	msk := time.Date(2026, 3, 1, 12, 30, 0, 0, time.FixedZone("MSK", 3*60*60))
	tests := []struct {
		name    string
		handler func(*bytes.Buffer) slog.Handler
	}{
		{"New", func(b *bytes.Buffer) slog.Handler { return New(b, slog.LevelInfo).Handler() }},
		{"Redact over a plain JSON handler", func(b *bytes.Buffer) slog.Handler { return Redact(slog.NewJSONHandler(b, nil)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			h := tt.handler(&buf)
			if err := h.Handle(context.Background(), slog.NewRecord(msk, slog.LevelInfo, "request served", 0)); err != nil {
				t.Fatal(err)
			}
			var line struct{ Time string }
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("output %q: %v", buf.String(), err)
			}
			if want := "2026-03-01T09:30:00Z"; line.Time != want {
				t.Errorf("logged time = %q, want %q (the same instant, in UTC)", line.Time, want)
			}
		})
	}
}
