package catalogue

import (
	"errors"
	"fmt"
	"slices"

	"github.com/portalid/portalid/internal/account"
)

// Service is a state service of the catalogue (SPEC §2.6) and what it
// asks of the person who uses it.
type Service struct {
	ID          string        `json:"id"`
	Category    string        `json:"category"`   // a Category id
	Department  string        `json:"department"` // a Department id
	Name        Text          `json:"name"`
	Description Text          `json:"description"`
	Level       account.Level `json:"level"` // the lowest account level it accepts
	// Methods, when set, are the only confirmation methods the service
	// accepts (the tax-service personal account refuses accounts
	// confirmed by letter); it needs Level confirmed.
	Methods []account.Method `json:"methods,omitempty"`
	// CitizensOnly restricts the service to citizens of the Russian
	// Federation (registration at the place of residence, say).
	CitizensOnly bool `json:"citizensOnly,omitempty"`
}

// Services lists every service, in the order of the data.
func (c *Catalogue) Services() []Service { return c.services }

// Service returns a service by id: ErrServiceNotFound when there is none.
func (c *Catalogue) Service(id string) (Service, error) {
	s, ok := lookup(c.serviceByID, c.services, id)
	if !ok {
		return Service{}, ErrServiceNotFound
	}
	return s, nil
}

// Category returns a category by id.
func (c *Catalogue) Category(id string) (Category, bool) {
	return lookup(c.categoryIdx, c.categories, id)
}

// Department returns a department by id.
func (c *Catalogue) Department(id string) (Department, bool) {
	return lookup(c.deptIdx, c.departments, id)
}

// Levels lists the account levels, lowest first.
func Levels() []account.Level {
	return []account.Level{account.Simplified, account.Standard, account.Confirmed}
}

// Methods lists the confirmation methods.
func Methods() []account.Method {
	return []account.Method{account.MethodLetter, account.MethodInPerson, account.MethodSignature}
}

// checkService checks a service against the rest of the data: known
// category and department, both texts, a known level, and methods only
// on a confirmed-level service, known, distinct and not all of them (a
// list of every method restricts nothing).
func (c *Catalogue) checkService(s Service) error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("service %s: "+format, append([]any{s.ID}, args...)...))
	}
	if _, ok := c.categoryIdx[s.Category]; !ok {
		add("unknown category %q", s.Category)
	}
	if _, ok := c.deptIdx[s.Department]; !ok {
		add("unknown department %q", s.Department)
	}
	errs = append(errs, checkText("service "+s.ID+" name", s.Name), checkText("service "+s.ID+" description", s.Description))
	if !slices.Contains(Levels(), s.Level) {
		add("unknown level %q", s.Level)
	}
	if len(s.Methods) > 0 && s.Level != account.Confirmed {
		add("methods need level confirmed")
	}
	if len(s.Methods) >= len(Methods()) {
		add("lists every method; leave methods out instead")
	}
	for i, m := range s.Methods {
		if !m.Valid() {
			add("unknown method %q", m)
		}
		if slices.Contains(s.Methods[:i], m) {
			add("method %q listed twice", m)
		}
	}
	return errors.Join(errs...)
}
