package catalogue_test

import (
	"encoding/json"
	"testing"

	"github.com/portalid/portalid/internal/catalogue"
)

func TestParseInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		from, to int
		ok       bool
	}{
		{"08:00-20:00", 8 * 60, 20 * 60, true},
		{"00:00-24:00", 0, 24 * 60, true},
		{"09:30-09:31", 9*60 + 30, 9*60 + 31, true},
		{"20:00-08:00", 0, 0, false},
		{"09:00-09:00", 0, 0, false},
		{"24:00-24:00", 0, 0, false},
		{"9:00-18:00", 0, 0, false},
		{"09:00-18:60", 0, 0, false},
		{"09:00-24:01", 0, 0, false},
		{"09:00–18:00", 0, 0, false}, // an en dash
		{"09:00 - 18:00", 0, 0, false},
		{"09.00-18.00", 0, 0, false},
		{"", 0, 0, false},
		{"-", 0, 0, false},
		{"+9:00-18:00", 0, 0, false},
	}
	for _, tt := range tests {
		iv, from, to, err := catalogue.ParseInterval(tt.in)
		if (err == nil) != tt.ok || from != tt.from || to != tt.to {
			t.Errorf("ParseInterval(%q) = %v, %d, %d, %v; want %d, %d, ok %v", tt.in, iv, from, to, err, tt.from, tt.to, tt.ok)
		}
		if tt.ok && iv.Opens+"-"+iv.Closes != tt.in {
			t.Errorf("ParseInterval(%q) = %+v, want the same ends", tt.in, iv)
		}
	}
}

func TestWeekJSON(t *testing.T) {
	t.Parallel()
	w := catalogue.Week{{{Opens: "09:00", Closes: "13:00"}, {Opens: "14:00", Closes: "18:00"}}}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"mon":[{"opens":"09:00","closes":"13:00"},{"opens":"14:00","closes":"18:00"}],"tue":[],"wed":[],"thu":[],"fri":[],"sat":[],"sun":[]}`
	if string(b) != want {
		t.Errorf("json.Marshal(week) = %s, want %s", b, want)
	}
}
