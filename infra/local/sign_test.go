package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

// TestSignChallenge runs sign-challenge against a development CA as make
// run makes it, and verifies what it prints as the API would, with the
// CA's root as the trust list.
func TestSignChallenge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := devca.Generate(dir); err != nil {
		t.Fatal(err)
	}
	if err := devca.Generate(dir); err != nil { // kept, not remade
		t.Fatal(err)
	}
	trust, err := signature.LoadTrustList(filepath.Join(dir, devca.RootFile))
	if err != nil {
		t.Fatal(err)
	}
	v := signature.NewVerifier(trust)
	content := bytes.Repeat([]byte{7}, 32)
	challenge := base64.StdEncoding.EncodeToString(content)

	tests := []struct {
		name string
		args []string
		code int
		want error
	}{
		{"a person", []string{"-ca", dir, "-surname", "Ivanova", "-given", "Anna", "-snils", "112-233-445 95", challenge}, 0, nil},
		{"an expired certificate", []string{"-ca", dir, "-surname", "Ivanova", "-given", "Anna", "-expired", challenge}, 0, signature.ErrExpired},
		{"no name", []string{"-ca", dir, challenge}, 2, nil},
		{"a bad SNILS", []string{"-ca", dir, "-surname", "Ivanova", "-given", "Anna", "-snils", "112-233-445 96", challenge}, 1, nil},
		{"no CA", []string{"-ca", t.TempDir(), "-surname", "Ivanova", "-given", "Anna", challenge}, 1, nil},
		{"an organisation head", []string{"-ca", dir, "-surname", "Ivanova", "-given", "Anna", "-snils", "112-233-445 95", "-org", "ООО «Ромашка»", "-ogrn", "1027700132195", "-org-inn", "7707083893", challenge}, 0, nil},
		{"a bad OGRN", []string{"-ca", dir, "-surname", "Ivanova", "-given", "Anna", "-org", "ООО «Ромашка»", "-ogrn", "1027700132196", "-org-inn", "7707083893", challenge}, 2, nil},
		{"a bad organisation INN", []string{"-ca", dir, "-surname", "Ivanova", "-given", "Anna", "-org", "ООО «Ромашка»", "-ogrn", "1027700132195", "-org-inn", "7707083894", challenge}, 2, nil},
		{"an OGRN without a name", []string{"-ca", dir, "-surname", "Ivanova", "-given", "Anna", "-ogrn", "1027700132195", "-org-inn", "7707083893", challenge}, 2, nil},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := signChallenge(tt.args, &stdout, &stderr); code != tt.code {
			t.Errorf("%s: exit %d (%s), want %d", tt.name, code, stderr.String(), tt.code)
			continue
		}
		if tt.code != 0 {
			continue
		}
		cms, err := signature.DecodeBase64(strings.TrimSpace(stdout.String()))
		if err != nil {
			t.Fatalf("%s: output is not base64: %v", tt.name, err)
		}
		s, err := v.Verify(cms, content, time.Now())
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: Verify() error = %v, want %v", tt.name, err, tt.want)
			continue
		}
		if err == nil && (s.Subject.Surname != "Ivanova" || s.Subject.GivenName != "Anna" || s.Subject.SNILS.Value() != "11223344595") {
			t.Errorf("%s: the certificate names %q %q %q", tt.name, s.Subject.Surname, s.Subject.GivenName, s.Subject.SNILS.Value())
		}
		if org := slices.Contains(tt.args, "-org"); err == nil && org != (s.Subject.Organization == "ООО «Ромашка»" && s.Subject.OGRN.Value() == "1027700132195" && s.Subject.OrgINN.Value() == "7707083893") {
			t.Errorf("%s: the certificate names the organisation %q %q %q", tt.name, s.Subject.Organization, s.Subject.OGRN.Value(), s.Subject.OrgINN.Value())
		}
	}
}
