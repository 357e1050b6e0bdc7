package main

import (
	"slices"
	"testing"
)

func TestParseInts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"1,4,16,64", []int{1, 4, 16, 64}, false},
		{" 8 , 32 ,", []int{8, 32}, false},
		{"", nil, false},
		{"0", nil, true},
		{"-4", nil, true},
		{"four", nil, true},
	}
	for _, tt := range tests {
		got, err := parseInts(tt.in)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("parseInts(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if got := joinInts([]int{1, 4, 16}); got != "1,4,16" {
		t.Errorf("joinInts() = %q, want 1,4,16", got)
	}
}

func FuzzParseInts(f *testing.F) {
	f.Add("1,4,16,64")
	f.Add(" ,-1,x")
	f.Fuzz(func(t *testing.T, s string) {
		ns, err := parseInts(s)
		if err != nil {
			return
		}
		for _, n := range ns {
			if n < 1 {
				t.Errorf("parseInts(%q) gave %d workers", s, n)
			}
		}
		if back, err := parseInts(joinInts(ns)); err != nil || !slices.Equal(back, ns) {
			t.Errorf("parseInts(joinInts(%v)) = %v, %v", ns, back, err)
		}
	})
}
