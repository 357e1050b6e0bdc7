package person

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePatronymic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		none     bool
		want     string
		wantNone bool
		ok       bool
	}{
		{"patronymic", "Иванович", false, "Иванович", false, true},
		{"normalised as a name", "  Оглы  Алиевич ", false, "Оглы Алиевич", false, true},
		{"none", "", true, "", true, true},
		{"none with white space", "  ", true, "", true, true},
		{"both", "Иванович", true, "", false, false},
		{"neither", "", false, "", false, false},
		{"white space only", "  ", false, "", false, false},
		{"not a name", "Иванович2", false, "", false, false},
		{"none with huge white space", strings.Repeat(" ", 5000), true, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePatronymic(tt.in, tt.none)
			if !tt.ok {
				if !errors.Is(err, ErrPatronymicInvalid) || !got.IsZero() {
					t.Fatalf("ParsePatronymic(%q, %v) = %q, %v, %v, want zero, %v", tt.in, tt.none, got.Value(), got.None(), err, ErrPatronymicInvalid)
				}
				return
			}
			if err != nil || got.Value() != tt.want || got.None() != tt.wantNone || got.Name().Value() != tt.want || got.IsZero() {
				t.Fatalf("ParsePatronymic(%q, %v) = %q, %v, %v, want %q, %v, nil", tt.in, tt.none, got.Value(), got.None(), err, tt.want, tt.wantNone)
			}
		})
	}
}
