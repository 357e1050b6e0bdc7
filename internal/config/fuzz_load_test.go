package config

import (
	"slices"
	"strings"
	"testing"
)

// FuzzLoad sets one variable to any value: Load never panics; a refusal
// is one error naming the variable with a fixed explanation (so never the
// value); only the SPEC limits can be refused; and an accepted value
// changes the configuration the same way every time.
func FuzzLoad(f *testing.F) {
	for i, v := range Vars() {
		f.Add(uint8(i), v.Default)
	}
	for _, v := range []string{"0", "-5m", "1e3", "255", "256", "0x10", "4294967296", " 5", "5 ", "1h1h", "9223372036854775807ns", "\xff"} {
		f.Add(uint8(len(v)), v)
	}
	vars := Vars()
	explanations := []string{
		"want a positive Go duration such as 300s or 72h", "want a positive whole number", "want a whole number from 1 to 255",
	}
	f.Fuzz(func(t *testing.T, i uint8, value string) {
		v := vars[int(i)%len(vars)]
		lookup := func(name string) (string, bool) { return value, name == v.Env }
		c, err := Load(lookup)
		if err != nil {
			msg := err.Error()
			what, ok := strings.CutPrefix(msg, v.Env+": ")
			if !ok || !slices.Contains(explanations, what) {
				t.Fatalf("Load(%s=%q) error = %q, want %q and a fixed explanation", v.Env, value, msg, v.Env+": ")
			}
			if !v.Limit {
				t.Fatalf("Load(%s=%q) refused a variable that is not a limit", v.Env, value)
			}
			return
		}
		again, err := Load(lookup)
		if err != nil || again != c {
			t.Fatalf("Load(%s=%q) twice = %+v, %v; want %+v", v.Env, value, again, err, c)
		}
		if value == "" && c != Defaults() {
			t.Fatalf("Load(%s=\"\") = %+v, want the defaults", v.Env, c)
		}
	})
}
