// Package catalogue is the static reference data of the portal: the
// directory of service centres (SPEC §2.4 "In person") and the catalogue
// of state services with the level, confirmation methods and citizenship
// each requires (SPEC §2.6). The data is committed in data/ and embedded
// in the binary; it is parsed and validated once, then filtered, searched
// and paged from memory. The access rule (Decide) is here too, as a pure
// function of the service and the person. No AWS, no clock.
package catalogue

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"

	"github.com/portalid/portalid/internal/fault"
)

//go:embed data/centres.json data/services.json
var data embed.FS

// ErrServiceNotFound is the fault for a service id the catalogue does not
// have.
var ErrServiceNotFound = fault.New(fault.NotFound, "service-not-found")

// Text is a text in Russian and in English.
type Text struct {
	RU string `json:"ru"`
	EN string `json:"en"`
}

// Catalogue is the directory of centres and the catalogue of services,
// read-only once loaded; its methods are safe for concurrent use.
type Catalogue struct {
	cities      []City
	centres     []Centre
	categories  []Category
	departments []Department
	services    []Service

	cityByID    map[string]int
	centreByID  map[string]int
	serviceByID map[string]int
	categoryIdx map[string]int
	deptIdx     map[string]int
	// words holds each service's search words (name and description, ru
	// and en), sorted; nameWords those of its names only.
	words, nameWords [][]string
}

var embedded = sync.OnceValues(func() (*Catalogue, error) {
	centres, err := data.ReadFile("data/centres.json")
	if err != nil {
		return nil, err
	}
	services, err := data.ReadFile("data/services.json")
	if err != nil {
		return nil, err
	}
	return Parse(centres, services)
})

// Embedded returns the catalogue committed in data/, parsed and validated
// on first use; later calls return the same value.
func Embedded() (*Catalogue, error) { return embedded() }

// centresFile and servicesFile are the shapes of the data files.
type centresFile struct {
	Cities  []City       `json:"cities"`
	Centres []centreFile `json:"centres"`
}

type servicesFile struct {
	Categories  []Category   `json:"categories"`
	Departments []Department `json:"departments"`
	Services    []Service    `json:"services"`
}

// Parse reads the two data files and checks every rule of the data (ids,
// references, hours, levels); it reports every problem at once.
func Parse(centresJSON, servicesJSON []byte) (*Catalogue, error) {
	var cf centresFile
	if err := strictJSON(centresJSON, &cf); err != nil {
		return nil, fmt.Errorf("centres: %w", err)
	}
	var sf servicesFile
	if err := strictJSON(servicesJSON, &sf); err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	c := &Catalogue{cities: cf.Cities, categories: sf.Categories, departments: sf.Departments, services: sf.Services}
	var errs []error
	c.cityByID, errs = index(errs, "city", c.cities, func(x City) string { return x.ID })
	for _, x := range c.cities {
		errs = append(errs, checkText("city "+x.ID, x.Name))
		if x.TimeZone == "" {
			errs = append(errs, fmt.Errorf("city %s: no time zone", x.ID))
		}
	}
	for _, f := range cf.Centres {
		ce, err := f.centre()
		errs = append(errs, err)
		c.centres = append(c.centres, ce)
	}
	c.centreByID, errs = index(errs, "centre", c.centres, func(x Centre) string { return x.ID })
	for _, ce := range c.centres {
		errs = append(errs, c.checkCentre(ce))
	}
	c.categoryIdx, errs = index(errs, "category", c.categories, func(x Category) string { return x.ID })
	c.deptIdx, errs = index(errs, "department", c.departments, func(x Department) string { return x.ID })
	for _, x := range c.categories {
		errs = append(errs, checkText("category "+x.ID, x.Name))
	}
	for _, x := range c.departments {
		errs = append(errs, checkText("department "+x.ID, x.Name))
	}
	c.serviceByID, errs = index(errs, "service", c.services, func(x Service) string { return x.ID })
	for _, s := range c.services {
		errs = append(errs, c.checkService(s))
		c.words = append(c.words, words(s.Name.RU, s.Name.EN, s.Description.RU, s.Description.EN))
		c.nameWords = append(c.nameWords, words(s.Name.RU, s.Name.EN))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// slug is the form of every id in the data: lower-case kebab-case.
var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// maxIDLength bounds every id, so a path parameter longer than it is
// refused without a lookup.
const maxIDLength = 64

func validID(id string) bool { return len(id) <= maxIDLength && slug.MatchString(id) }

// index maps ids to positions, adding an error for a malformed or
// repeated id.
func index[T any](errs []error, what string, xs []T, id func(T) string) (map[string]int, []error) {
	m := make(map[string]int, len(xs))
	for i, x := range xs {
		k := id(x)
		if !validID(k) {
			errs = append(errs, fmt.Errorf("%s %q: id is not kebab-case of at most %d characters", what, k, maxIDLength))
		}
		if _, dup := m[k]; dup {
			errs = append(errs, fmt.Errorf("%s %q: id repeated", what, k))
		}
		m[k] = i
	}
	if len(xs) == 0 {
		errs = append(errs, fmt.Errorf("no %s", what))
	}
	return m, errs
}

func checkText(what string, t Text) error {
	if t.RU == "" || t.EN == "" {
		return fmt.Errorf("%s: a text needs both ru and en", what)
	}
	return nil
}

// City is a city of the directory.
type City struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
	// TimeZone is the IANA zone the centres' hours are in.
	TimeZone string `json:"timeZone"`
}

// Cities lists the cities, in the order of the data.
func (c *Catalogue) Cities() []City { return c.cities }

// City returns a city by id.
func (c *Catalogue) City(id string) (City, bool) { return lookup(c.cityByID, c.cities, id) }

// lookup finds an item by id through its index.
func lookup[T any](byID map[string]int, xs []T, id string) (T, bool) {
	i, ok := byID[id]
	if !ok {
		var zero T
		return zero, false
	}
	return xs[i], true
}

// Category is a group of services ("family-and-children", "transport").
type Category struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
}

// Department is the authority that provides a service.
type Department struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
}

// Categories lists the categories, in the order of the data.
func (c *Catalogue) Categories() []Category { return c.categories }

// Departments lists the departments, in the order of the data.
func (c *Catalogue) Departments() []Department { return c.departments }
