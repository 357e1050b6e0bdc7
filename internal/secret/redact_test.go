package secret

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/redacttest"
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
		{"code", redacttest.Printed(code), redacttest.Printed(Code{}), []string{"123456"}, 6},
		{"token", redacttest.Printed(token), redacttest.Printed(Token{}), []string{token.Reveal(), "q6ur"}, 43},
		{"hasher", redacttest.Printed(hasher), redacttest.Printed(Hasher{}), []string{"kkkk", "6b6b6b6b", "107 107"}, 0},
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
