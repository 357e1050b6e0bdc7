package catalogue

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/portalid/portalid/internal/person"
)

// CentreType is the kind of a service centre (SPEC §2.4).
type CentreType string

// The kinds of centre, and the prefix of their ids.
const (
	MFC            CentreType = "mfc"             // multifunctional centre ("Мои документы")
	PostOffice     CentreType = "post-office"     // Russian Post branch
	OperatorOffice CentreType = "operator-office" // the portal operator's customer-service office
)

var typePrefix = map[CentreType]string{MFC: "mfc-", PostOffice: "post-", OperatorOffice: "office-"}

// CentreTypes lists the kinds of centre.
func CentreTypes() []CentreType { return []CentreType{MFC, PostOffice, OperatorOffice} }

// CentreService is what a centre does for a person in front of it.
type CentreService string

// The services a centre may offer.
const (
	// IdentityConfirmation: an operator checks the passport and raises a
	// standard account to confirmed, method in_person.
	IdentityConfirmation CentreService = "identity-confirmation"
	// AccessRestoration: an operator resets the contact or password of
	// the person's account.
	AccessRestoration CentreService = "access-restoration"
	// PassportDataCheck: an operator checks the passport against the
	// personal data and helps correct it (e.g. after a failed registry
	// check).
	PassportDataCheck CentreService = "passport-data-check"
	// UECIssue: application for a universal electronic card.
	UECIssue CentreService = "uec-issue"
)

// CentreServices lists the services a centre may offer.
func CentreServices() []CentreService {
	return []CentreService{IdentityConfirmation, AccessRestoration, PassportDataCheck, UECIssue}
}

// Centre is a service centre of the directory. The operator API names
// centres by ID, so an ID never changes once published.
type Centre struct {
	ID       string
	Type     CentreType
	Name     Text
	City     string // a City id
	Address  Text
	Postcode string
	Hours    Week
	Services []CentreService
}

// Offers reports whether the centre offers s.
func (c Centre) Offers(s CentreService) bool { return slices.Contains(c.Services, s) }

// Centres lists every centre, in the order of the data.
func (c *Catalogue) Centres() []Centre { return c.centres }

// Centre returns a centre by id.
func (c *Catalogue) Centre(id string) (Centre, bool) { return lookup(c.centreByID, c.centres, id) }

// centreFile is a centre as data/centres.json writes it: hours as
// "HH:MM-HH:MM" per weekday key.
type centreFile struct {
	ID       string              `json:"id"`
	Type     CentreType          `json:"type"`
	Name     Text                `json:"name"`
	City     string              `json:"city"`
	Address  Text                `json:"address"`
	Postcode string              `json:"postcode"`
	Hours    map[string][]string `json:"hours"`
	Services []CentreService     `json:"services"`
}

func (f centreFile) centre() (Centre, error) {
	w, err := ParseWeek(f.Hours)
	if err != nil {
		err = fmt.Errorf("centre %s: hours: %w", f.ID, err)
	}
	return Centre{
		ID: f.ID, Type: f.Type, Name: f.Name, City: f.City, Address: f.Address, Postcode: f.Postcode,
		Hours: w, Services: f.Services,
	}, err
}

// checkCentre checks a centre against the rest of the data: a known type
// and city, an id "<type prefix><city>-…", both texts, a postcode, at
// least one open day and known, distinct services.
func (c *Catalogue) checkCentre(ce Centre) error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("centre %s: "+format, append([]any{ce.ID}, args...)...))
	}
	prefix, ok := typePrefix[ce.Type]
	if !ok {
		add("unknown type %q", ce.Type)
	}
	if _, ok := c.cityByID[ce.City]; !ok {
		add("unknown city %q", ce.City)
	} else if ok && !strings.HasPrefix(ce.ID, prefix+ce.City+"-") {
		add("id must start with %q", prefix+ce.City+"-")
	}
	errs = append(errs, checkText("centre "+ce.ID+" name", ce.Name), checkText("centre "+ce.ID+" address", ce.Address))
	if _, err := person.ParsePostcode(ce.Postcode); err != nil || ce.Postcode != strings.TrimSpace(ce.Postcode) {
		add("postcode is not 6 digits")
	}
	if !ce.Hours.Open() {
		add("closed every day")
	}
	if len(ce.Services) == 0 {
		add("offers no service")
	}
	for i, s := range ce.Services {
		if !slices.Contains(CentreServices(), s) {
			add("unknown service %q", s)
		}
		if slices.Contains(ce.Services[:i], s) {
			add("service %q listed twice", s)
		}
	}
	return errors.Join(errs...)
}
