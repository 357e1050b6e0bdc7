package logging

import (
	"context"
	"io"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// New returns a JSON logger writing to w at the given level, redacting
// sensitive keys. It is the logger of the local system (cmd/local) and of
// tests that capture log output.
func New(w io.Writer, level slog.Level) *slog.Logger {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: ReplaceAttr})
	return slog.New(Redact(h))
}

// Lambda returns the logger of a Lambda main: lambdacontext's handler (JSON
// when AWS_LAMBDA_LOG_FORMAT=JSON, level from AWS_LAMBDA_LOG_LEVEL, requestId
// from the context of every …Context call, written to stdout) behind the
// redacting handler. lambdacontext's handler takes no ReplaceAttr of its
// own (its options only add functionArn or tenantId), hence the wrapper.
func Lambda() *slog.Logger {
	return slog.New(Redact(lambdacontext.NewLogHandler()))
}

// Redact wraps next so that every attribute of every record, and every
// attribute added with WithAttrs, passes through ReplaceAttr before next sees
// it, descending into groups; a group whose own key is sensitive is replaced
// as a whole.
func Redact(next slog.Handler) slog.Handler {
	return &redactHandler{next: next}
}

type redactHandler struct {
	next   slog.Handler
	groups []string
}

func (h *redactHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle redacts r's attributes and stamps it in UTC, whatever the host's
// zone, so every log line of every function and of make run has one time
// base for investigations (ASVS 7.3.4).
func (h *redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time.UTC(), r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redact(h.groups, a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redact(h.groups, a)
	}
	return &redactHandler{next: h.next.WithAttrs(clean), groups: h.groups}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	groups := append(h.groups[:len(h.groups):len(h.groups)], name)
	return &redactHandler{next: h.next.WithGroup(name), groups: groups}
}

// redact applies ReplaceAttr to a and, for groups, to each member.
// LogValuer values are resolved first so a value that resolves to a group
// is inspected too.
func redact(groups []string, a slog.Attr) slog.Attr {
	a.Value = a.Value.Resolve()
	if a.Value.Kind() != slog.KindGroup {
		return ReplaceAttr(groups, a)
	}
	if Sensitive(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	members := a.Value.Group()
	inner := groups
	if a.Key != "" { // an empty-key group is inlined by slog
		inner = append(groups[:len(groups):len(groups)], a.Key)
	}
	clean := make([]slog.Attr, len(members))
	for i, m := range members {
		clean[i] = redact(inner, m)
	}
	return slog.Attr{Key: a.Key, Value: slog.GroupValue(clean...)}
}
