package person

import (
	"errors"
	"testing"
)

// parseCase is one input of a parser table: want is the normalised value,
// "" when the input is invalid.
type parseCase struct {
	name string
	in   string
	want string
}

// checkParse runs a parser over its table: valid inputs give want, invalid
// ones a zero value and an error matching sentinel.
func checkParse[T interface {
	Value() string
	IsZero() bool
}](t *testing.T, fn string, parse func(string) (T, error), sentinel error, tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parse(tt.in)
			if tt.want == "" {
				if !errors.Is(err, sentinel) || !got.IsZero() {
					t.Fatalf("%s(%q) = %q, %v, want zero, %v", fn, tt.in, got.Value(), err, sentinel)
				}
				return
			}
			if err != nil || got.Value() != tt.want {
				t.Fatalf("%s(%q) = %q, %v, want %q, nil", fn, tt.in, got.Value(), err, tt.want)
			}
		})
	}
}
