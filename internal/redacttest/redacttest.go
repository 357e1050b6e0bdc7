// Package redacttest shows a value the way every printing path would, so
// that tests of redacting types (personal data, codes, keys) can check
// that none of them reveals the value. Only tests import it.
package redacttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// noTime drops slog's time so outputs compare.
var noTime = &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}}

// Printed returns v as every printing path shows it: fmt verbs, JSON, and
// slog's JSON and text handlers (without the time); alone, through a
// pointer, and inside an exported struct field.
func Printed[T any](v T) []string {
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10.3v"} {
		outs = append(outs, fmt.Sprintf(verb, v))
		outs = append(outs, fmt.Sprintf(verb, struct{ A any }{v}))
		outs = append(outs, fmt.Sprintf(verb, &v))
	}
	outs = append(outs, fmt.Sprint(v), fmt.Sprintln(v))
	j, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	outs = append(outs, string(j))
	j, _ = json.Marshal(struct{ A any }{v})
	outs = append(outs, string(j))
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, noTime), slog.NewTextHandler(&buf, noTime)} {
		l := slog.New(h)
		l.Info("msg", "v", v)
		l.Info("msg", slog.Any("s", struct{ A any }{v}))
		l.Info("msg", slog.Group("g", "v", v))
		outs = append(outs, buf.String())
		buf.Reset()
	}
	return outs
}

// Quick is the cheap subset of Printed that a fuzz target can run on every
// input: the common fmt verbs, JSON and a slog JSON line, as one string.
func Quick(v any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v|%s|%+v|%#v|%q|", v, v, v, v, v)
	j, _ := json.Marshal(v)
	b.Write(j)
	slog.New(slog.NewJSONHandler(&b, noTime)).Info("m", "v", v)
	return b.String()
}
