package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/person"
	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

// signatureCADir is where make run keeps its development CA (under
// .local/), whose root is the local signature trust list.
const signatureCADir = "signature-ca"

// signChallenge is `go run ./infra/local sign-challenge`: it issues a
// certificate for a person from make run's development CA and prints the
// detached CMS signature over a challenge, base64, as a client would send
// it. Flags name the person; -expired issues a certificate that expired
// yesterday, to see a refusal.
func signChallenge(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sign-challenge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("ca", "", "the development CA's folder (default .local/"+signatureCADir+", made by make run)")
	surname := fs.String("surname", "", "the surname the certificate names (SN)")
	given := fs.String("given", "", `the given name and patronymic (G), e.g. "Анна Сергеевна"`)
	snils := fs.String("snils", "", "the SNILS the certificate names (optional)")
	expired := fs.Bool("expired", false, "issue a certificate that expired yesterday")
	org := fs.String("org", "", "an organisation head's certificate: the organisation's name (O)")
	ogrn := fs.String("ogrn", "", "with -org: the organisation's OGRN, 13 digits")
	orgINN := fs.String("org-inn", "", "with -org: the organisation's INN (INNLE), 10 digits")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./infra/local sign-challenge -surname S -given G [-snils N] [-org NAME -ogrn N -org-inn N] [-expired] CHALLENGE_BASE64")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *surname == "" || *given == "" {
		fs.Usage()
		return 2
	}
	whom := devca.Person{Surname: strings.TrimSpace(*surname), GivenName: strings.TrimSpace(*given)}
	if err := organisation(&whom, *org, *ogrn, *orgINN); err != nil {
		fmt.Fprintln(stderr, "sign-challenge:", err)
		return 2
	}
	out, err := sign(*dir, whom, *snils, *expired, fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "sign-challenge:", err)
		return 1
	}
	fmt.Fprintln(stdout, out)
	return 0
}

func sign(dir string, p devca.Person, snils string, expired bool, challenge string) (string, error) {
	if dir == "" {
		root, err := local.RepoRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, ".local", signatureCADir)
	}
	if snils != "" {
		s, err := person.ParseSNILS(snils)
		if err != nil {
			return "", fmt.Errorf("-snils: not a valid SNILS")
		}
		p.SNILS = s.Value()
	}
	content, err := signature.DecodeBase64(challenge)
	if err != nil {
		return "", fmt.Errorf("the challenge is not base64")
	}
	ca, err := devca.Load(dir)
	if err != nil {
		return "", fmt.Errorf("%w (start make run once: it makes the development CA)", err)
	}
	var o devca.Options
	if expired {
		o = devca.Options{NotBefore: time.Now().Add(-366 * 24 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)}
	}
	cred, err := ca.Issue(p, o)
	if err != nil {
		return "", err
	}
	der, err := cred.Sign(content)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

// organisation makes p an organisation head's certificate subject: the
// name, OGRN and INN, all three or none, the numbers valid.
func organisation(p *devca.Person, name, ogrn, inn string) error {
	if name == "" && ogrn == "" && inn == "" {
		return nil
	}
	o, err := person.ParseOGRN(ogrn)
	if err != nil {
		return fmt.Errorf("-ogrn: not a valid OGRN")
	}
	n, err := person.ParseOrgINN(inn)
	if err != nil {
		return fmt.Errorf("-org-inn: not a valid organisation INN")
	}
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("-org: the organisation's name is required with -ogrn and -org-inn")
	}
	p.Organisation, p.OGRN, p.OrgINN = strings.TrimSpace(name), o.Value(), n.Value()
	return nil
}
