package invariant

import (
	"strings"
)

func owners(t *Table) []Violation {
	var out []Violation
	for _, it := range t.Undecodable {
		out = append(out, at(it, "an account item that does not decode"))
	}
	undecodable := map[string]bool{}
	for _, it := range t.Undecodable {
		undecodable[it.PK()] = true
	}
	exists := func(id string) bool { return t.Accounts[id].ID != "" || undecodable[pkAccount+id] }
	seen := map[string]bool{}
	t.Each(pkAccount, func(it Item) {
		pk := it.PK()
		if !seen[pk] && !exists(strings.TrimPrefix(pk, pkAccount)) {
			seen[pk] = true
			out = append(out, at(it, "items of an account that does not exist"))
		}
	})
	for _, x := range []struct {
		pk       string
		required bool // every item names an account ("" allowed otherwise)
	}{{pkSession, true}, {pkReg, false}, {pkRecovery, false}} {
		t.Each(x.pk, func(it Item) {
			id := it.S("accountId")
			switch {
			case id == "" && x.required:
				out = append(out, at(it, "names no account"))
			case id != "" && !exists(id):
				out = append(out, at(it, "names an account that does not exist"))
			}
		})
	}
	return out
}

// dispatched are the letter states after the code was sent, when the
// code's expiry is set.
var dispatched = map[string]bool{"sent": true, "delivered": true, "used": true, "expired": true}

func expiries(t *Table) []Violation {
	var out []Violation
	need := func(it Item, attrs ...string) {
		for _, a := range attrs {
			if it.N(a) <= 0 {
				out = append(out, at(it, "no %s", a))
			}
		}
	}
	code := func(it Item, c Item, what string) {
		if c.Has("codeHash") && c.N("expiresAt") <= 0 {
			out = append(out, at(it, "%s without an expiry", what))
		}
	}
	t.Each("", func(it Item) {
		pk, sk := it.PK(), it.SK()
		switch {
		case strings.HasPrefix(pk, pkReg):
			need(it, "expiresAt", "ttl")
			ch := it.M("ch")
			for k := range ch {
				code(it, ch.M(k), k+" code")
			}
		case strings.HasPrefix(pk, pkRecovery):
			need(it, "expiresAt", "ttl")
			code(it, it.M("code"), "recovery code")
		case strings.HasPrefix(pk, pkSession):
			need(it, "expiresAt", "ttl")
		case strings.HasPrefix(pk, pkRate), strings.HasPrefix(pk, pkLock), strings.HasPrefix(pk, "IDEMP#"):
			need(it, "ttl")
		case strings.HasPrefix(pk, pkOrg) && strings.HasPrefix(sk, skEvent):
			need(it, "ttl")
		case !strings.HasPrefix(pk, pkAccount):
		case strings.HasPrefix(sk, skChange):
			need(it, "ttl")
			if it.M("code").N("expiresAt") <= 0 {
				out = append(out, at(it, "contact-change code without an expiry"))
			}
		case strings.HasPrefix(sk, skSigChallenge), strings.HasPrefix(sk, "OPCHECK#"):
			need(it, "expiresAt", "ttl")
		case strings.HasPrefix(sk, skEvent):
			need(it, "ttl")
		case strings.HasPrefix(sk, skLetter):
			if (dispatched[it.S("letterStatus")] || it.N("dispatchedAt") > 0) && it.N("expiresAt") <= it.N("dispatchedAt") {
				out = append(out, at(it, "a dispatched letter's code without an expiry after its dispatch"))
			}
		}
	})
	return out
}
