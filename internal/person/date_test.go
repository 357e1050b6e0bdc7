package person

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseDate", ParseDate, ErrDateInvalid, []parseCase{
		{"ordinary", "1985-04-12", "1985-04-12"},
		{"leap day in a leap year", "2000-02-29", "2000-02-29"},
		{"leap day in a century leap year", "2400-02-29", "2400-02-29"},
		{"first day", "0001-01-01", "0001-01-01"},
		{"last day", "9999-12-31", "9999-12-31"},
		{"leap day in a common year", "2001-02-29", ""},
		{"leap day in a century common year", "1900-02-29", ""},
		{"31 April", "1985-04-31", ""},
		{"month 13", "1985-13-01", ""},
		{"month 0", "1985-00-10", ""},
		{"day 0", "1985-04-00", ""},
		{"day 32", "1985-01-32", ""},
		{"year 0", "0000-01-01", ""},
		{"no padding", "1985-4-12", ""},
		{"two-digit year", "85-04-12", ""},
		{"five-digit year", "01985-04-12", ""},
		{"Russian order", "12.04.1985", ""},
		{"slashes", "1985/04/12", ""},
		{"with time", "1985-04-12T00:00:00Z", ""},
		{"space", " 1985-04-12", ""},
		{"sign", "+985-04-12", ""},
		{"sign in month", "1985-+4-12", ""},
		{"full-width digit", "1985-04-1２", ""},
		{"empty", "", ""},
	})
}

// mustDate parses an ISO date or fails the test.
func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q) = %v", s, err)
	}
	return d
}

func TestDateParts(t *testing.T) {
	t.Parallel()
	d := mustDate(t, "1985-04-12")
	if d.Year() != 1985 || d.Month() != time.April || d.Day() != 12 {
		t.Errorf("ParseDate(1985-04-12) parts = %d, %v, %d, want 1985, April, 12", d.Year(), d.Month(), d.Day())
	}
	if got := DateOf(time.Date(1985, 4, 12, 23, 59, 0, 0, time.UTC)); got != d {
		t.Errorf("DateOf(1985-04-12 23:59Z) = %s, want 1985-04-12", got.Value())
	}
	// 23:59 in UTC is already the next day in Moscow (UTC+3).
	msk := time.FixedZone("MSK", 3*60*60)
	if got := DateOf(time.Date(1985, 4, 12, 23, 59, 0, 0, time.UTC).In(msk)); got.Value() != "1985-04-13" {
		t.Errorf("DateOf(1985-04-12 23:59Z in MSK) = %s, want 1985-04-13", got.Value())
	}
	if (Date{}).Value() != "" {
		t.Errorf("Date{}.Value() = %q, want empty", Date{}.Value())
	}
}

func TestDateCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b          string
		before, after bool
	}{
		{"1985-04-12", "1985-04-12", false, false},
		{"1985-04-12", "1985-04-13", true, false},
		{"1985-04-30", "1985-05-01", true, false},
		{"1985-12-31", "1986-01-01", true, false},
		{"1986-01-01", "1985-12-31", false, true},
		{"1985-05-01", "1985-04-30", false, true},
	}
	for _, tt := range tests {
		a, b := mustDate(t, tt.a), mustDate(t, tt.b)
		if got := a.Before(b); got != tt.before {
			t.Errorf("%s.Before(%s) = %v, want %v", tt.a, tt.b, got, tt.before)
		}
		if got := a.After(b); got != tt.after {
			t.Errorf("%s.After(%s) = %v, want %v", tt.a, tt.b, got, tt.after)
		}
	}
}

func TestDateAddYears(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"1985-04-12", 14, "1999-04-12"},
		{"1985-04-12", -130, "1855-04-12"},
		{"2008-02-29", 14, "2022-02-28"}, // Civil Code art. 192(3): last day of the month
		{"2008-02-29", 16, "2024-02-29"},
		{"2008-02-29", -1, "2007-02-28"},
		{"2008-02-28", 1, "2009-02-28"},
		{"2008-03-01", 1, "2009-03-01"},
	}
	for _, tt := range tests {
		if got := mustDate(t, tt.in).AddYears(tt.n).Value(); got != tt.want {
			t.Errorf("%s.AddYears(%d) = %s, want %s", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestValidBirthDate(t *testing.T) {
	t.Parallel()
	// 2025-06-15 10:00 in Moscow.
	now := time.Date(2025, 6, 15, 7, 0, 0, 0, time.UTC).In(time.FixedZone("MSK", 3*60*60))
	tests := []struct {
		in string
		ok bool
	}{
		{"1985-04-12", true},
		{"2025-06-15", true}, // born today
		{"2025-06-16", false},
		{"2100-01-01", false},
		{"1895-06-15", true}, // exactly 130 years ago
		{"1895-06-14", false},
		{"1800-01-01", false},
	}
	for _, tt := range tests {
		err := ValidBirthDate(mustDate(t, tt.in), now)
		if tt.ok && err != nil {
			t.Errorf("ValidBirthDate(%s, %v) = %v, want nil", tt.in, now, err)
		}
		if !tt.ok && !errors.Is(err, ErrBirthDateInvalid) {
			t.Errorf("ValidBirthDate(%s, %v) = %v, want %v", tt.in, now, err, ErrBirthDateInvalid)
		}
	}
	if err := ValidBirthDate(Date{}, now); !errors.Is(err, ErrBirthDateInvalid) {
		t.Errorf("ValidBirthDate(Date{}, %v) = %v, want %v", now, err, ErrBirthDateInvalid)
	}
}
