package canary

import (
	"fmt"

	"github.com/portalid/portalid/internal/person"
)

// Organisation is a canary legal entity (SPEC §2.5): a name, OGRN and
// INN that are valid (check digits) but distinctive enough that finding
// one cannot be chance. The n-th differs from the others in each.
type Organisation struct {
	N    int
	Name string
	OGRN string // 13 digits
	INN  string // 10 digits
}

// NewOrganisation returns the n-th canary organisation (1…9).
func NewOrganisation(n int) Organisation {
	return Organisation{
		N:    n,
		Name: fmt.Sprintf("ООО «Канареечный двор Щеглова %d»", n),
		OGRN: checked(fmt.Sprintf("11869527%d314", n), 13, func(s string) bool { _, err := person.ParseOGRN(s); return err == nil }),
		INN:  checked(fmt.Sprintf("69187%d315", n), 10, func(s string) bool { _, err := person.ParseOrgINN(s); return err == nil }),
	}
}

// Needles are o's values, of class Org.
func (o Organisation) Needles() []*Needle {
	var out []*Needle
	for _, v := range []struct{ kind, value string }{{"organisation name", o.Name}, {"ogrn", o.OGRN}, {"organisation inn", o.INN}} {
		out = append(out, &Needle{Name: fmt.Sprintf("organisation %d %s", o.N, v.kind), Kind: v.kind, Class: Org, Value: v.value})
	}
	return out
}
