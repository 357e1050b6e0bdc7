package invariant

import (
	"fmt"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/event"
)

// history is an account's retained events, decoded, oldest first, with
// the items they came from; bad lists those that did not decode.
type history struct {
	events []event.Event
	items  []Item
	bad    []Item
}

func historyOf(t *Table, accountID string) history { return historyAt(t, pkAccount+accountID) }

// historyAt is the history of the chain kept in partition pk (an
// account's, or an organisation's).
func historyAt(t *Table, pk string) history {
	var h history
	for _, it := range t.Under(pk, skEvent) {
		e, err := dynamo.DecodeEvent(it)
		if err != nil {
			h.bad = append(h.bad, it)
			continue
		}
		h.events = append(h.events, e)
		h.items = append(h.items, it)
	}
	return h
}

// levelChanges are the level-changed events, oldest first; complete
// reports whether the history starts at the first event (retention has
// dropped none), so that no level change can be missing from it.
func (h history) levelChanges() (changes []event.Event, complete bool) {
	for _, e := range h.events {
		if e.Kind == event.LevelChanged {
			changes = append(changes, e)
		}
	}
	return changes, len(h.events) == 0 || h.events[0].Seq == 1
}

var levels = map[account.Level]bool{account.Simplified: true, account.Standard: true, account.Confirmed: true}

func levelEvents(t *Table) []Violation {
	var out []Violation
	for _, id := range t.AccountIDs() {
		a := t.Accounts[id]
		it, _ := t.Get(pkAccount+id, skAccount)
		if !levels[a.Level] {
			out = append(out, at(it, "an unknown level"))
			continue
		}
		h := historyOf(t, id)
		changes, complete := h.levelChanges()
		want := account.Level("")
		if complete {
			want = account.Simplified
		}
		for _, e := range changes {
			if from := account.Level(e.Details["from"]); want != "" && from != want {
				out = append(out, at(itemOf(h, e), "the level changed from %q, but was %q", from, want))
			}
			want = account.Level(e.Details["to"])
			if !levels[want] {
				out = append(out, at(itemOf(h, e), "a level change to an unknown level"))
			}
		}
		if want != "" && a.Level != want {
			out = append(out, at(it, "level %q, but its events make it %q", a.Level, want))
		}
	}
	return out
}

// itemOf is the item event e came from.
func itemOf(h history, e event.Event) Item {
	for i, x := range h.events {
		if x.Seq == e.Seq {
			return h.items[i]
		}
	}
	return nil
}

func confirmations(t *Table) []Violation {
	var out []Violation
	for _, id := range t.AccountIDs() {
		a := t.Accounts[id]
		it, _ := t.Get(pkAccount+id, skAccount)
		if a.Level != account.Confirmed {
			if a.ConfirmationMethod != "" {
				out = append(out, at(it, "a confirmation method on a %s account", a.Level))
			}
			continue
		}
		if !a.ConfirmationMethod.Valid() {
			out = append(out, at(it, "confirmed without a known confirmation method"))
			continue
		}
		changes, _ := historyOf(t, id).levelChanges()
		if len(changes) == 0 {
			// Retention may have dropped it (a year on): only a retained
			// history that starts at the first event must hold it, and
			// level-events reports that.
			continue
		}
		last := changes[len(changes)-1]
		if last.Details["to"] == string(account.Confirmed) && last.Details["method"] != string(a.ConfirmationMethod) {
			out = append(out, at(it, "confirmed by %s, but its confirmation event names %q", a.ConfirmationMethod, last.Details["method"]))
		}
		if a.ConfirmationMethod == account.MethodLetter && !hasUsedLetter(t, id) {
			out = append(out, at(it, "confirmed by letter without a used letter"))
		}
	}
	return out
}

func hasUsedLetter(t *Table, accountID string) bool {
	for _, l := range t.Under(pkAccount+accountID, skLetter) {
		if l.S("letterStatus") == "used" {
			return true
		}
	}
	return false
}

func standardChecks(t *Table) []Violation {
	var out []Violation
	for _, id := range t.AccountIDs() {
		a := t.Accounts[id]
		if !a.AtLeast(account.Standard) {
			continue
		}
		it, _ := t.Get(pkAccount+id, skAccount)
		passed := false
		for _, c := range t.Under(pkAccount+id, skCheck) {
			passed = passed || c.S("checkState") == "passed"
		}
		if !passed {
			out = append(out, at(it, "%s without a passed identity check", a.Level))
		}
		if a.SNILSIndex == "" && a.ForeignDocumentIndex == "" {
			out = append(out, at(it, "%s without a SNILS or foreign-document index", a.Level))
		}
	}
	return out
}

func eventChains(t *Table) []Violation {
	var out []Violation
	for _, id := range t.AccountIDs() {
		out = append(out, chainBreaks(t, pkAccount+id, t.Accounts[id].Events)...)
	}
	return out
}

// chainBreaks verifies the chain kept in partition pk against its head
// (event.Verify, as the verification route does): the events that do
// not decode, and the first place where it breaks.
func chainBreaks(t *Table, pk string, head event.Head) []Violation {
	var out []Violation
	h := historyAt(t, pk)
	for _, it := range h.bad {
		out = append(out, at(it, "an event that does not decode"))
	}
	if broken := event.Verify(h.events, head); broken != 0 {
		out = append(out, Violation{PK: pk, SK: fmt.Sprintf("%s%012d", skEvent, broken), Problem: "the event chain breaks here"})
	}
	return out
}
