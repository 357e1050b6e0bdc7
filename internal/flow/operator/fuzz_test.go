package operator

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portalid/portalid/internal/fault"
)

func FuzzValidPrincipal(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:user/operators/op-0001",
		"arn:aws:sts::123456789012:assumed-role/Operator/ivanova@mfc.example",
		"arn:aws-us-gov:iam::123456789012:role/ops",
		"arn:aws:iam::12345678901:user/x", "arn:aws:s3:::bucket", "", "citizen", "arn:aws:iam::123456789012:user/a b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidPrincipal(s) {
			return
		}
		if len(s) > 1024 || !strings.HasPrefix(s, "arn:aws") || !utf8.ValidString(s) || strings.ContainsAny(s, " \t\r\n\"#\\") {
			t.Errorf("ValidPrincipal(%q) = true for a value unfit for a table key", s)
		}
		if parts := strings.SplitN(s, ":", 6); len(parts) != 6 || (parts[2] != "iam" && parts[2] != "sts") || len(parts[4]) != 12 {
			t.Errorf("ValidPrincipal(%q) = true for something that is not an IAM or STS principal", s)
		}
	})
}

func FuzzValidRef(f *testing.F) {
	for _, s := range []string{"mfc-moskva-tverskaya", "op-0001", "a", "-a", "a-", "a--b", "A-b", "", strings.Repeat("a", 65)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidRef(s) {
			return
		}
		if len(s) == 0 || len(s) > 64 || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") ||
			strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			t.Errorf("ValidRef(%q) = true, want kebab-case only", s)
		}
	})
}

// FuzzParsePresented: a presented passport is accepted only in the
// profile's normal form, and a refusal names fields, never values.
func FuzzParsePresented(f *testing.F) {
	f.Add("45 08", "123456", "2012-04-17")
	f.Add("4508", "12345", "2012-02-30")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, series, number, issued string) {
		p, err := parsePresented(Presented{Series: series, Number: number, IssueDate: issued})
		if err != nil {
			fe, ok := fault.As(err)
			if !ok || fe.Slug != "validation-failed" || len(fe.Fields) == 0 {
				t.Fatalf("parsePresented() error = %v, want field errors", err)
			}
			for _, fl := range fe.Fields {
				if fl.Pointer != "/series" && fl.Pointer != "/number" && fl.Pointer != "/issueDate" {
					t.Errorf("field %q is not one of the input's", fl.Pointer)
				}
			}
			return
		}
		if len(p.series) != 4 || len(p.number) != 6 || len(p.issueDate) != 10 || strings.Trim(p.series+p.number, "0123456789") != "" {
			t.Errorf("parsePresented(%q, %q, %q) = %+v, want 4 + 6 digits and an ISO date", series, number, issued, p)
		}
	})
}
