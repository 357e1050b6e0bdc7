package identity

import "github.com/portalid/portalid/internal/registry"

// itemNames are the registry items a check may hold, in the order Items
// lists them.
var itemNames = []string{registry.SNILS, registry.Passport, registry.ForeignDocument}

// Items names the registry items that apply to the check, in a fixed
// order: an RF citizen's snils and passport; a foreign citizen's
// foreign-document, and snils when they gave one. An item applies when it
// has a status (a new check's items start pending).
func (c Check) Items() []string {
	var out []string
	for _, name := range itemNames {
		if c.item(name).Status != "" {
			out = append(out, name)
		}
	}
	return out
}

// item returns the check's item of that name (nil for an unknown name).
func (c *Check) item(name string) *Item {
	switch name {
	case registry.SNILS:
		return &c.SNILS
	case registry.Passport:
		return &c.Passport
	case registry.ForeignDocument:
		return &c.ForeignDocument
	}
	return nil
}

// Item returns the check's item of that name (zero for an unknown name or
// an item that does not apply).
func (c Check) Item(name string) Item {
	if it := c.item(name); it != nil {
		return *it
	}
	return Item{}
}
