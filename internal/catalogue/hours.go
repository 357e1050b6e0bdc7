package catalogue

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Interval is a span of opening hours within one day, local time of the
// centre's city, "HH:MM" each; Closes may be "24:00".
type Interval struct {
	Opens  string `json:"opens"`
	Closes string `json:"closes"`
}

// Week is a centre's opening hours by weekday, Monday first; a day with
// no interval is closed. Intervals of a day are in order and apart.
type Week [7][]Interval

// Weekdays are the keys of Week in JSON, Monday first.
var Weekdays = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// maxIntervals bounds the intervals of one day (say, morning and
// afternoon around a lunch break, and an evening).
const maxIntervals = 3

// Open reports whether the centre is open on at least one day.
func (w Week) Open() bool {
	for _, d := range w {
		if len(d) > 0 {
			return true
		}
	}
	return false
}

// MarshalJSON writes the week as an object keyed "mon" … "sun", every
// day present, a closed day as [].
func (w Week) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, day := range w {
		if i > 0 {
			b.WriteByte(',')
		}
		if day == nil {
			day = []Interval{}
		}
		v, err := json.Marshal(day)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%q:%s", Weekdays[i], v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// ParseWeek reads hours as the data file writes them: every weekday key
// "mon" … "sun" present, each a list of "HH:MM-HH:MM" in order and apart
// ([] for a closed day).
func ParseWeek(days map[string][]string) (Week, error) {
	var w Week
	var errs []error
	for i, key := range Weekdays {
		spans, ok := days[key]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: missing (write [] for a closed day)", key))
			continue
		}
		if len(spans) > maxIntervals {
			errs = append(errs, fmt.Errorf("%s: more than %d intervals", key, maxIntervals))
			continue
		}
		prev := -1
		for _, s := range spans {
			iv, from, to, err := ParseInterval(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", key, err))
				continue
			}
			if from <= prev {
				errs = append(errs, fmt.Errorf("%s: %s overlaps or precedes the interval before it", key, s))
			}
			prev = to
			w[i] = append(w[i], iv)
		}
	}
	for key := range days {
		if !slices.Contains(Weekdays[:], key) {
			errs = append(errs, fmt.Errorf("%q is not a weekday key", key))
		}
	}
	return w, errors.Join(errs...)
}

// ErrIntervalInvalid reports a span ParseInterval refuses.
var ErrIntervalInvalid = errors.New(`want "HH:MM-HH:MM", opening before closing, within 00:00-24:00`)

// ParseInterval reads "HH:MM-HH:MM" and returns it with its ends in
// minutes since midnight; the opening comes before the closing and
// "24:00" may only close.
func ParseInterval(s string) (iv Interval, from, to int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Interval{}, 0, 0, ErrIntervalInvalid
	}
	from, ok1 := clock(a)
	to, ok2 := clock(b)
	if !ok1 || !ok2 || from >= to || from >= 24*60 {
		return Interval{}, 0, 0, ErrIntervalInvalid
	}
	return Interval{Opens: a, Closes: b}, from, to, nil
}

// clock reads "HH:MM" (two digits each, 00:00 to 24:00) as minutes.
func clock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}
