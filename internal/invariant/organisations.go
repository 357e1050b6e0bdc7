package invariant

import (
	"strings"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/organisation"
)

// The organisations (SPEC §2.5, internal/dynamo's store_organisations.go):
// ORG#<id>/ORG with its member count and the head of its audit chain,
// its events ORG#<id>/EVENT#…, each membership twice (ORG#<id>/MEMBER#<account>
// and ACCOUNT#<account>/MEMBEROF#<id>), and the uniqueness claims of its
// numbers, OGRN#<ogrn>/CLAIM and ORGINN#<inn>/CLAIM.

// orgNumbers are the numbers an organisation claims: the claim prefix,
// the name violations use, and the number on the organisation.
var orgNumbers = []struct {
	pk, name string
	of       func(organisation.Organisation) string
}{
	{pkOGRN, "OGRN", func(o organisation.Organisation) string { return o.OGRN }},
	{pkOrgINN, "INN", func(o organisation.Organisation) string { return o.INN }},
}

func organisationClaims(t *Table) []Violation {
	var out []Violation
	for _, it := range t.UndecodableOrganisations {
		out = append(out, at(it, "an organisation item that does not decode"))
	}
	for _, n := range orgNumbers {
		orphans := eachClaimOf(t, n.pk, skClaim, "organisationId", "organisation", func(it Item, id string) bool {
			o, ok := t.Organisations[id]
			if ok && n.of(o) != strings.TrimPrefix(it.PK(), n.pk) {
				out = append(out, at(it, "the organisation it names holds another %s", n.name))
			}
			return ok || t.hasOrganisation(id) // one that does not decode is reported above
		})
		out = append(out, orphans...)
		for _, id := range t.OrganisationIDs() {
			it, _ := t.Get(pkOrg+id, skOrg)
			number := n.of(t.Organisations[id])
			if number == "" {
				out = append(out, at(it, "an organisation without its %s", n.name))
				continue
			}
			if claim, ok := t.Get(n.pk+number, skClaim); !ok || claim.S("organisationId") != id {
				out = append(out, at(it, "its %s is not claimed by it", n.name))
			}
		}
	}
	return out
}

var roles = map[string]bool{string(organisation.Head): true, string(organisation.Administrator): true, string(organisation.Employee): true}

func organisationMembers(t *Table) []Violation {
	var out []Violation
	t.Each(pkOrg, func(it Item) {
		accountID, ok := strings.CutPrefix(it.SK(), skMember)
		if !ok {
			return
		}
		orgID := strings.TrimPrefix(it.PK(), pkOrg)
		if !t.hasOrganisation(orgID) {
			out = append(out, at(it, "a member of an organisation that does not exist"))
		}
		if it.S("accountId") != accountID {
			out = append(out, at(it, "a member item naming another account than its key"))
		}
		if !roles[it.S("role")] {
			out = append(out, at(it, "a member of an unknown role"))
		}
		out = append(out, joined(t, it, orgID, accountID)...)
		switch twin, ok := t.Get(pkAccount+accountID, skMemberOf+orgID); {
		case !ok:
			out = append(out, at(it, "a member without its membership item on the account"))
		case twin.S("role") != it.S("role"):
			out = append(out, at(it, "a member whose membership item on the account has another role"))
		}
	})
	t.Each(pkAccount, func(it Item) {
		orgID, ok := strings.CutPrefix(it.SK(), skMemberOf)
		if !ok {
			return
		}
		if it.S("organisationId") != orgID {
			out = append(out, at(it, "a membership item naming another organisation than its key"))
		}
		if !t.hasOrganisation(orgID) {
			out = append(out, at(it, "a membership of an organisation that does not exist"))
		}
		if _, ok := t.Get(pkOrg+orgID, skMember+strings.TrimPrefix(it.PK(), pkAccount)); !ok {
			out = append(out, at(it, "a membership without its member item in the organisation"))
		}
	})
	return out
}

// joined checks the member item it against the account it names: the
// account exists, and its chain records its joining (the organisation's
// creation, or the member's addition) at a time it was confirmed. When
// retention has dropped the events that would tell, only the account's
// existence is checked.
func joined(t *Table, it Item, orgID, accountID string) []Violation {
	if _, ok := t.Accounts[accountID]; !ok {
		if _, undecodable := t.Get(pkAccount+accountID, skAccount); undecodable {
			return nil // owner-exists reports it
		}
		return []Violation{at(it, "a member that is no existing account")}
	}
	h := historyOf(t, accountID)
	level, found, known := h.levelWhenJoined(orgID)
	switch {
	case !known:
		return nil
	case !found:
		return []Violation{at(it, "a member whose account's events do not record its joining")}
	case level != account.Confirmed:
		return []Violation{at(it, "a member whose account was %s when it joined", level)}
	}
	return nil
}

// levelWhenJoined is the level the account had at its last event that
// made it a member of the organisation (its creation or the member's
// addition), by the level-changed events before it in its chain. found
// reports whether the event is there; known whether the history tells
// (it starts at the first event, or holds the joining event and a level
// change before it).
func (h history) levelWhenJoined(orgID string) (level account.Level, found, known bool) {
	joinedAt := -1
	for i, e := range h.events {
		if (e.Kind == event.OrganisationCreated || e.Kind == event.OrganisationMemberAdded) && e.Details["organisationId"] == orgID {
			joinedAt = i
		}
	}
	complete := len(h.events) == 0 || h.events[0].Seq == 1
	if joinedAt < 0 {
		return "", false, complete
	}
	level, known = account.Simplified, complete
	for _, e := range h.events[:joinedAt] {
		if e.Kind == event.LevelChanged {
			level, known = account.Level(e.Details["to"]), true
		}
	}
	return level, true, known
}

func organisationHeads(t *Table) []Violation {
	var out []Violation
	for _, id := range t.OrganisationIDs() {
		it, _ := t.Get(pkOrg+id, skOrg)
		heads := 0
		for _, m := range t.Under(pkOrg+id, skMember) {
			if m.S("role") == string(organisation.Head) {
				heads++
			}
		}
		if heads != 1 {
			out = append(out, at(it, "%d head members, exactly one", heads))
		}
		headID := t.Organisations[id].HeadID
		if m, ok := t.Get(pkOrg+id, skMember+headID); headID == "" || !ok || m.S("role") != string(organisation.Head) {
			out = append(out, at(it, "the head it names is not its member with the head role"))
		}
	}
	return out
}

func organisationCounts(t *Table) []Violation {
	var out []Violation
	limit := t.Config.Organisation.MaxMembers
	for _, id := range t.OrganisationIDs() {
		it, _ := t.Get(pkOrg+id, skOrg)
		n := len(t.Under(pkOrg+id, skMember))
		if n > limit {
			out = append(out, at(it, "%d members, limit %d", n, limit))
		}
		if it.Has("members") && t.Organisations[id].Members != n {
			out = append(out, at(it, "its member count differs from its %d members", n))
		}
	}
	return out
}

func organisationEvents(t *Table) []Violation {
	var out []Violation
	for _, id := range t.OrganisationIDs() {
		out = append(out, chainBreaks(t, pkOrg+id, t.Organisations[id].Events)...)
	}
	seen := map[string]bool{}
	t.Each(pkOrg, func(it Item) {
		pk := it.PK()
		if strings.HasPrefix(it.SK(), skEvent) && !seen[pk] && !t.hasOrganisation(strings.TrimPrefix(pk, pkOrg)) {
			seen[pk] = true
			out = append(out, at(it, "events of an organisation that does not exist"))
		}
	})
	return out
}
