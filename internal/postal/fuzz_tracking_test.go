package postal_test

import (
	"strings"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/postal"
)

// FuzzTrackingNumber: whatever the letter id and date, the simulated
// tracking number is 14 digits from the sender office, ending in the
// check digit of the others, and the same letter in the same month gets
// the same number; a tracking link holds the number in place of the
// template's placeholder, or is empty.
func FuzzTrackingNumber(f *testing.F) {
	f.Add("abcdefghijklmnopqrstuvwxyz", int64(1_790_000_000), "https://www.pochta.ru/tracking?barcode={tracking}")
	f.Add("", int64(0), "{tracking}{tracking}")
	f.Add("\xff", int64(-62_135_596_800), "no placeholder")
	f.Fuzz(func(t *testing.T, id string, unix int64, template string) {
		at := time.Unix(unix, 0).UTC()
		n := postal.TrackingNumber(id, at)
		if len(n) != 14 || strings.Trim(n, "0123456789") != "" || !strings.HasPrefix(n, postal.SenderOffice) {
			t.Fatalf("TrackingNumber(%q, %v) = %q", id, at, n)
		}
		if d := postal.CheckDigit(n[:13]); n[13:] != d {
			t.Fatalf("TrackingNumber(%q, %v) = %q, check digit %s", id, at, n, d)
		}
		if again := postal.TrackingNumber(id, at.AddDate(0, 0, -at.Day()+1)); again != n {
			t.Fatalf("TrackingNumber(%q) = %q on %v, %q on the first of the month", id, n, at, again)
		}
		link := postal.TrackingLink(template, n)
		if !strings.Contains(template, "{tracking}") {
			if link != "" {
				t.Fatalf("TrackingLink(%q, %q) = %q, want none", template, n, link)
			}
			return
		}
		if link != strings.ReplaceAll(template, "{tracking}", n) || !strings.Contains(link, n) {
			t.Fatalf("TrackingLink(%q, %q) = %q", template, n, link)
		}
	})
}
