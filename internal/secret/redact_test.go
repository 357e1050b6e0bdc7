package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedacts(t *testing.T) {
	t.Parallel()
	code, err := NewCode(bytes.NewReader([]byte{0, 1, 0xE2, 0x40})) // 123456
	if err != nil {
		t.Fatal(err)
	}
	token, err := NewToken(bytes.NewReader(bytes.Repeat([]byte{0xAB}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte("k"), 32)
	hasher := NewHasher(key)
	tests := []struct {
		name    string
		outs    []string
		zero    []string
		canary  []string
		revealN int
	}{
		{"code", printed(code), printed(Code{}), []string{"123456"}, 6},
		{"token", printed(token), printed(Token{}), []string{token.Reveal(), "q6ur"}, 43},
		{"hasher", printed(hasher), printed(Hasher{}), []string{"kkkk", "6b6b6b6b", "107 107"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, out := range tt.outs {
				for _, c := range tt.canary {
					if strings.Contains(out, c) {
						t.Errorf("printed as %q, showing the value", out)
					}
				}
				if !strings.Contains(out, "[redacted]") {
					t.Errorf("printed as %q, want [redacted]", out)
				}
			}
			if diff := cmp.Diff(tt.zero, tt.outs); diff != "" {
				t.Errorf("prints differently from the zero value (-zero +got):\n%s", diff)
			}
		})
	}
	if len(code.Reveal()) != 6 || code.Reveal() != "123456" {
		t.Errorf("Code.Reveal() = %q, want %q", code.Reveal(), "123456")
	}
}

// printed returns v as every printing path shows it: fmt verbs, JSON, and
// slog's JSON and text handlers (without the time); alone, through a
// pointer, and inside an exported struct field.
func printed[T any](v T) []string {
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
	noTime := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Attr{}
		}
		return a
	}}
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
