package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseProgress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		line string
		want progress
		ok   bool
	}{
		{"running", "fuzz: elapsed: 3s, execs: 45750 (15250/sec), new interesting: 2 (total: 75)",
			progress{Elapsed: 3 * time.Second, Execs: 45750, New: 2, Total: 75}, true},
		{"closing", "fuzz: elapsed: 1m0s, execs: 9 (0/sec), new interesting: 0 (total: 73)",
			progress{Elapsed: time.Minute, Execs: 9, Total: 73}, true},
		{"baseline", "fuzz: elapsed: 0s, gathering baseline coverage: 73/73 completed, now fuzzing with 1 workers", progress{}, false},
		{"pass", "PASS", progress{}, false},
		{"overflow", "fuzz: elapsed: 3s, execs: 99999999999999999999 (1/sec), new interesting: 0 (total: 1)", progress{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseProgress(tt.line)
			if ok != tt.ok {
				t.Fatalf("parseProgress(%q) ok = %v, want %v", tt.line, ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseProgress(%q) mismatch (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

// FuzzParseProgress: a line is read only when it has the progress form,
// and then its figures print back as they were written.
func FuzzParseProgress(f *testing.F) {
	f.Add("fuzz: elapsed: 3s, execs: 45750 (15250/sec), new interesting: 2 (total: 75)")
	f.Add("fuzz: elapsed: 0s, gathering baseline coverage: 0/73 completed")
	f.Add("fuzz: elapsed: 3s, execs: 1 (1/sec), new interesting: 1 (total: 0) trailing")
	f.Fuzz(func(t *testing.T, line string) {
		p, ok := parseProgress(line)
		if !ok {
			if p != (progress{}) {
				t.Fatalf("parseProgress(%q) = %+v on refusal, want zero", line, p)
			}
			return
		}
		if !strings.HasPrefix(line, "fuzz: elapsed: ") || p.Execs < 0 || p.New < 0 || p.Total < 0 || p.Elapsed < 0 {
			t.Fatalf("parseProgress(%q) = %+v", line, p)
		}
	})
}

func TestSaveCorpus(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	old := time.Now().Add(-time.Hour)
	write := func(dir, name, body string, mod time.Time) {
		t.Helper()
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	since := time.Now().Add(-time.Minute)
	write(src, "stale", "x", old)
	write(src, "big", strings.Repeat("b", 100), time.Now())
	write(src, "small", "s", time.Now())
	write(src, "mid", "mmmm", time.Now())
	write(src, "huge", strings.Repeat("h", 300), time.Now())
	write(dst, "held", "h", old)
	n, err := saveCorpus(src, dst, since, 3, 200)
	if err != nil || n != 2 {
		t.Fatalf("saveCorpus() = %d, %v; want 2, nil", n, err)
	}
	entries, err := os.ReadDir(dst)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff([]string{"held", "mid", "small"}, got); diff != "" {
		t.Errorf("saved corpus mismatch (-want +got):\n%s", diff)
	}
	if n, err := saveCorpus(t.TempDir()+"/none", dst, since, 3, 200); err != nil || n != 0 {
		t.Fatalf("saveCorpus(missing cache) = %d, %v; want 0, nil", n, err)
	}
}

func TestScan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		out  string
		want outcome
	}{
		{"pass", `fuzz: elapsed: 0s, gathering baseline coverage: 0/12 completed
fuzz: elapsed: 3s, execs: 12711 (4237/sec), new interesting: 1 (total: 13)
fuzz: elapsed: 8s, execs: 33773 (0/sec), new interesting: 2 (total: 14)
PASS
ok  	github.com/portalid/portalid/internal/flow/settings	8.487s
`, outcome{last: progress{Elapsed: 8 * time.Second, Execs: 33773, New: 2, Total: 14}}},
		{"deadline race", `fuzz: elapsed: 8s, execs: 33773 (3011/sec), new interesting: 0 (total: 12)
--- FAIL: FuzzNotMe (8.21s)
    context deadline exceeded
FAIL
exit status 1
`, outcome{last: progress{Elapsed: 8 * time.Second, Execs: 33773, Total: 12}, failed: true, deadline: true}},
		{"finding", `fuzz: elapsed: 2s, execs: 99 (50/sec), new interesting: 0 (total: 3)
--- FAIL: FuzzParseRefresh (2.10s)
    --- FAIL: FuzzParseRefresh (0.00s)
        fuzz_refresh_test.go:35: parseRefresh(...)
    Failing input written to testdata/fuzz/FuzzParseRefresh/0123
FAIL
`, outcome{last: progress{Elapsed: 2 * time.Second, Execs: 99, Total: 3}, failed: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var echo strings.Builder
			got := scan(strings.NewReader(tt.out), &echo)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(outcome{})); diff != "" {
				t.Errorf("scan() mismatch (-want +got):\n%s", diff)
			}
			if strings.Count(echo.String(), "\n  ") != strings.Count(tt.out, "\n")-1 {
				t.Errorf("scan() echoed %q", echo.String())
			}
		})
	}
}
