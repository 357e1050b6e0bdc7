package session

import (
	"strings"
	"testing"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/secret"
)

// FuzzParseRefresh: a refresh token is accepted only as account id,
// session id and secret token joined by dots, each valid on its own, and
// the parts joined again are the token.
func FuzzParseRefresh(f *testing.F) {
	const id = "abcdefghijklmnopqrstuvwxyz"
	tok := strings.Repeat("A", secret.TokenLength-1) + "E"
	for _, s := range []string{
		id + "." + id + "." + tok, id + "." + id + "." + tok + ".", id + ".." + tok, " " + id + "." + id + "." + tok,
		id + "." + id + "." + strings.Repeat("A", secret.TokenLength-1) + "B", "..", "", strings.Repeat(".", 300),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		acc, sid, sec, ok := parseRefresh(s)
		if !ok {
			if acc != "" || sid != "" || sec != "" {
				t.Fatalf("parseRefresh(%q) refused but returned parts", s)
			}
			return
		}
		if acc+"."+sid+"."+sec != s || !account.ValidID(acc) || !account.ValidID(sid) {
			t.Fatalf("parseRefresh(%q) = %q, %q, %q", s, acc, sid, sec)
		}
		if got, err := secret.ParseToken(sec); err != nil || got != sec {
			t.Fatalf("parseRefresh(%q) secret %q does not parse as it is: %q, %v", s, sec, got, err)
		}
	})
}
