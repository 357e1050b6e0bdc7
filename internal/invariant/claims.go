package invariant

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portalid/portalid/internal/account"
)

// A document kind: its claim prefix, its attribute in a check item, in
// the current-check pointer (held) and on the account ("" when the
// account keeps none).
type docKind struct {
	pk, checkAttr, heldAttr, accountAttr string
}

var docKinds = []docKind{
	{pkSNILS, "snilsIndex", "heldSnilsIndex", "snils"},
	{pkPassport, "passportIndex", "heldPassportIndex", ""},
	{pkForeign, "foreignDocumentIndex", "heldForeignDocumentIndex", "foreign"},
}

// accountIndex is the account's own index of a document kind.
func accountIndex(a account.Account, attr string) string {
	switch attr {
	case "snils":
		return a.SNILSIndex
	case "foreign":
		return a.ForeignDocumentIndex
	}
	return ""
}

// contactPK is the claim of a login contact (dynamo's contactPK).
func contactPK(kind, index string) string { return strings.ToUpper(kind) + "#" + index }

func contactClaims(t *Table) []Violation {
	var out []Violation
	for _, prefix := range []string{pkPhone, pkEmail} {
		kind := strings.ToLower(strings.TrimSuffix(prefix, "#"))
		orphans := eachClaim(t, prefix, func(it Item, a account.Account) {
			index := strings.TrimPrefix(it.PK(), prefix)
			if !slices.ContainsFunc(a.Contacts, func(c account.Contact) bool { return c.Kind == kind && c.Index == index }) {
				out = append(out, at(it, "the account it names does not hold the contact"))
			}
		})
		out = append(out, orphans...)
	}
	return out
}

// eachClaim calls fn with every claim under prefix and the account it
// names; it returns the claims that name no existing account.
func eachClaim(t *Table, prefix string, fn func(it Item, a account.Account)) []Violation {
	return eachClaimOf(t, prefix, skContact, "accountId", "account", func(it Item, id string) bool {
		a, ok := t.Accounts[id]
		if ok {
			fn(it, a)
		}
		return ok
	})
}

// eachClaimOf calls found with every claim under prefix (sort key sk)
// and the id of the owner (what: an account, an organisation) that its
// attribute attr names; found reports whether that owner exists. It
// returns the claims that name no owner or one that does not exist.
func eachClaimOf(t *Table, prefix, sk, attr, what string, found func(it Item, id string) bool) []Violation {
	var out []Violation
	t.Each(prefix, func(it Item) {
		if it.SK() != sk {
			return
		}
		switch id := it.S(attr); {
		case id == "":
			out = append(out, at(it, "the claim names no %s", what))
		case !found(it, id):
			out = append(out, at(it, "the claim names an %s that does not exist", what))
		}
	})
	return out
}

// checks is what an account's identity checks justify: the current-check
// pointer and the check it names.
type checks struct {
	pointer, current Item
}

func checksOf(t *Table, accountID string) checks {
	var c checks
	c.pointer, _ = t.Get(pkAccount+accountID, skCurrentCheck)
	if id := c.pointer.S("checkId"); id != "" {
		c.current, _ = t.Get(pkAccount+accountID, skCheck+id)
	}
	return c
}

// running reports whether the current check may still hold new claims
// beside the held ones: it runs, or stalled keeping them.
func (c checks) running() bool {
	s := c.current.S("checkState")
	return s == "running" || s == "stalled"
}

// justifies reports whether the account holds or is checking the
// document of kind d with index.
func (c checks) justifies(a account.Account, d docKind, index string) bool {
	if index == "" {
		return false
	}
	if accountIndex(a, d.accountAttr) == index || c.pointer.S(d.heldAttr) == index {
		return true
	}
	return c.current.S(d.checkAttr) == index && c.current.S("checkState") != "failed"
}

func documentClaims(t *Table) []Violation {
	var out []Violation
	count := map[string]map[string][]Item{} // account → kind → claims
	for _, d := range docKinds {
		orphans := eachClaim(t, d.pk, func(it Item, a account.Account) {
			if !checksOf(t, a.ID).justifies(a, d, strings.TrimPrefix(it.PK(), d.pk)) {
				out = append(out, at(it, "the account it names neither holds nor is checking the document"))
			}
			if count[a.ID] == nil {
				count[a.ID] = map[string][]Item{}
			}
			count[a.ID][d.pk] = append(count[a.ID][d.pk], it)
		})
		out = append(out, orphans...)
	}
	for id, kinds := range count {
		c := checksOf(t, id)
		for kind, claims := range kinds {
			if len(claims) > 2 || len(claims) == 2 && !c.running() {
				for _, it := range claims {
					out = append(out, at(it, "the account holds %d %s claims (one, or its held and its running check's)", len(claims), strings.TrimSuffix(kind, "#")))
				}
			}
		}
	}
	return out
}

func accountContacts(t *Table) []Violation {
	var out []Violation
	holders := map[string][]string{} // claim key → accounts listing it
	for _, id := range t.AccountIDs() {
		a := t.Accounts[id]
		it, _ := t.Get(pkAccount+id, skAccount)
		perKind := map[string]int{}
		for _, c := range a.Contacts {
			perKind[c.Kind]++
			if c.Index == "" {
				out = append(out, at(it, "a %s contact without a blind index", c.Kind))
				continue
			}
			pk := contactPK(c.Kind, c.Index)
			holders[pk] = append(holders[pk], id)
			if claim, ok := t.Get(pk, skContact); !ok || claim.S("accountId") != id {
				out = append(out, at(it, "its %s contact is not claimed by it", c.Kind))
			}
		}
		for kind, n := range perKind {
			if n > 1 {
				out = append(out, at(it, "%d %s contacts, at most one per kind", n, kind))
			}
		}
	}
	for pk, ids := range holders {
		if len(ids) > 1 {
			out = append(out, Violation{PK: pk, SK: skContact, Problem: fmt.Sprintf("the contact is on %d accounts", len(ids))})
		}
	}
	return out
}

func accountDocuments(t *Table) []Violation {
	var out []Violation
	for _, id := range t.AccountIDs() {
		a := t.Accounts[id]
		c := checksOf(t, id)
		for _, d := range docKinds {
			kind := strings.TrimSuffix(d.pk, "#")
			if index := accountIndex(a, d.accountAttr); index != "" && !claimedBy(t, d.pk+index, id) {
				it, _ := t.Get(pkAccount+id, skAccount)
				out = append(out, at(it, "its %s index is not claimed by it", kind))
			}
			if index := c.pointer.S(d.heldAttr); index != "" && !claimedBy(t, d.pk+index, id) {
				out = append(out, at(c.pointer, "its held %s is not claimed by it", kind))
			}
		}
	}
	return out
}

func claimedBy(t *Table, pk, accountID string) bool {
	claim, ok := t.Get(pk, skContact)
	return ok && claim.S("accountId") == accountID
}
