package canary

import "slices"

// Allowance is a place where some canary values may appear, and why.
type Allowance struct {
	Sink Sink
	// Route limits it to the responses of one route ("" = any item of
	// the sink).
	Route   string
	Classes []Class
	// Kinds allows needles of these kinds, beyond the classes.
	Kinds []string
	Why   string
}

// Allowances lists every place a canary may appear. Anything not listed
// is a hit: logs, metrics, problem bodies, headers, executions and
// events allow nothing; secrets are allowed nowhere; a code or token only
// at its Home.
func Allowances() []Allowance {
	return []Allowance{
		{Sink: Body, Route: "GET /v1/me/profile", Classes: []Class{Document, Name},
			Why: "the person's own profile, read by the person (SPEC §2.3: drafts are resumed)"},
		{Sink: Body, Route: "PATCH /v1/me/profile", Classes: []Class{Document, Name},
			Why: "the saved draft answered back to the person who saved it"},
		{Sink: Body, Route: "GET /v1/me", Classes: []Class{Contact, Name},
			Why: "the person's own account: names and contacts (SPEC §3)"},
		{Sink: Body, Route: "POST /v1/me/contacts/{kind}/confirm", Classes: []Class{Contact},
			Why: "the person's own contacts as they stand after the change they confirmed"},
		{Sink: Body, Route: "POST /v1/operator/account-searches", Classes: []Class{Name},
			Why: "the operator at the desk sees the name of the account the SNILS handed over finds, to compare with the passport (SPEC §2.4); nothing else of it"},
		{Sink: Body, Route: "POST /v1/organisations", Classes: []Class{Org},
			Why: "the created organisation (name, OGRN, INN) answered to the head who created it (SPEC §2.5)"},
		{Sink: Body, Route: "GET /v1/organisations", Classes: []Class{Org},
			Why: "the person's own organisations, listed to him"},
		{Sink: Body, Route: "GET /v1/organisations/{id}", Classes: []Class{Org},
			Why: "the organisation, read by one of its members"},
		{Sink: Body, Route: "GET /v1/organisations/{id}/members", Classes: []Class{Name},
			Why: "the members' names, listed to the organisation's members (their SNILS never)"},
		{Sink: Body, Route: "POST /v1/organisations/{id}/members", Classes: []Class{Name},
			Why: "the added member's name answered to the head who named him by SNILS and surname (his SNILS is not echoed)"},
		{Sink: SMS, Classes: []Class{Contact},
			Why: "an SMS is addressed to its phone (no message greets by name: one that would must be allowed here, deliberately)"},
		{Sink: Mail, Classes: []Class{Contact},
			Why: "a mail is addressed to its e-mail"},
		{Sink: LetterOutbox, Classes: []Class{Name}, Kinds: LetterKinds,
			Why: "a registered letter carries its addressee's name and address (and its own code, at its Home)"},
		{Sink: Table, Classes: []Class{Contact, Name},
			Why: "contacts and names are not among the encrypted fields (SPEC §4: passport, SNILS, INN, addresses, birth date are); lookups go through blind indexes"},
		{Sink: Table, Classes: []Class{Org},
			Why: "an organisation's name, OGRN and INN are public in the register of legal entities, not a person's data, and not among the encrypted fields: the organisation's item, its OGRN# and ORGINN# uniqueness claims, each member's MEMBEROF# copy and the creation's stored idempotent answer hold them"},
	}
}

// LetterKinds are the needles a letter may carry: its address.
var LetterKinds = []string{"registration address", "postcode"}

var allowances = Allowances()

// Allowed reports whether n may appear in it.
func Allowed(it Item, n *Needle) bool {
	switch n.Class {
	case Secret:
		return false
	case Code, Token:
		return n.Home != "" && it.Where == n.Home
	}
	for _, a := range allowances {
		if a.Sink != it.Sink || (a.Route != "" && a.Route != it.Route) {
			continue
		}
		if slices.Contains(a.Classes, n.Class) || slices.Contains(a.Kinds, n.Kind) {
			return true
		}
	}
	return false
}
