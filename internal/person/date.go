package person

import (
	"fmt"
	"time"

	"github.com/portalid/portalid/internal/fault"
)

// ErrDateInvalid is the fault for a date that ParseDate refuses.
var ErrDateInvalid = fault.New(fault.Invalid, "date-invalid")

// ErrBirthDateInvalid is the fault for a date of birth that ValidBirthDate
// refuses.
var ErrBirthDateInvalid = fault.New(fault.Invalid, "birth-date-invalid")

// MaxAge is the oldest a person can be, in years, for ValidBirthDate.
const MaxAge = 130

// Date is a civil date (year, month, day) without a time or a time zone,
// such as a date of birth or a document's issue date. Dates of birth are
// personal data, so a Date prints as "[redacted]"; Value gives the ISO
// form. The zero Date is no date; Dates compare with ==.
type Date struct {
	redaction
	year  int
	month time.Month
	day   int
}

// ParseDate accepts exactly "YYYY-MM-DD" (ISO 8601 calendar date, years
// 0001–9999) naming a day that exists, 29 February in leap years only.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, invalid(ErrDateInvalid)
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, invalid(ErrDateInvalid)
	}
	return Date{year: y, month: time.Month(m), day: d}, nil
}

// atoi parses s as ASCII digits only (no sign, no spaces).
func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn returns the number of days in month m of year y (proleptic
// Gregorian calendar, as time uses).
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DateOf returns the civil date of t in t's location. Callers choose the
// location: DateOf(now.In(moscow)) is today in Moscow.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{year: y, month: m, day: d}
}

// Year returns the year.
func (d Date) Year() int { return d.year }

// Month returns the month.
func (d Date) Month() time.Month { return d.month }

// Day returns the day of the month.
func (d Date) Day() int { return d.day }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.compare(e) < 0 }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.compare(e) > 0 }

func (d Date) compare(e Date) int {
	switch {
	case d.year != e.year:
		return d.year - e.year
	case d.month != e.month:
		return int(d.month - e.month)
	}
	return d.day - e.day
}

// AddYears returns the same day n years later (earlier for negative n).
// 29 February becomes 28 February in a year that has none: a term counted
// in years ends on the last day of the month when the month lacks the day
// (Civil Code of the Russian Federation, art. 192(3)), so a person born on
// 29 February 2008 turns 14 on 28 February 2022.
func (d Date) AddYears(n int) Date {
	y := d.year + n
	day := min(d.day, daysIn(y, d.month))
	return Date{year: y, month: d.month, day: day}
}

// Value returns the date as "YYYY-MM-DD", or "" for the zero Date.
func (d Date) Value() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.year, int(d.month), d.day)
}

// ValidBirthDate checks a date of birth against today, the date of now in
// now's location: it must not be after today nor more than MaxAge years
// before it.
func ValidBirthDate(d Date, now time.Time) error {
	today := DateOf(now)
	if d.IsZero() || d.After(today) || d.Before(today.AddYears(-MaxAge)) {
		return invalid(ErrBirthDateInvalid)
	}
	return nil
}
