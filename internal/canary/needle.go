// Package canary finds personal data where it must not be: a canary
// person's values (documents, birth date, names, contacts, secrets, codes
// and tokens as they are issued), in every encoding a leak could take,
// searched for in every sink the system writes (logs, HTTP responses,
// Step Functions executions, events, outboxes, metrics and the raw
// table). Its test (canary_test.go) runs the canary through every flow;
// docs/canary.md describes the rules.
package canary

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// Class is what kind of value a needle is; the policy (policy.go) says
// per sink which classes may appear there.
type Class string

// The classes, from the most to the least guarded.
const (
	// Secret: passwords (also wrong ones) and the security answer. Never
	// anywhere, not even the person's own responses.
	Secret Class = "secret"
	// Code: SMS, e-mail and letter codes, e-mail link tokens, recovery
	// codes. Only in the one message that delivers each.
	Code Class = "code"
	// Token: access and refresh tokens. Only in the answer that issues
	// them.
	Token Class = "token"
	// Document: passport, SNILS, INN, OMS, subdivision code, issuer,
	// birth date and place, addresses, a foreign document. Encrypted at
	// rest; only in the person's own profile answers (and a letter's
	// address on its letter).
	Document Class = "document"
	// Contact: phone and e-mail. Kept in clear on the account (messages
	// are sent to them); never in logs, problems, executions or events.
	Contact Class = "contact"
	// Name: surname, given name, patronymic. As Contact.
	Name Class = "name"
	// Org: a legal entity's name, OGRN and INN. Public in the register
	// of legal entities, so not a person's data, but an account's link
	// to one is not public: only in the organisation's own answers to
	// its members and in the table.
	Org Class = "organisation"
)

// MinNeedle is the shortest value the scanner searches for: shorter runs
// (a 6-digit code, a passport number alone) occur by chance in megabytes
// of ids, hashes and timestamps. Shorter values are searched as whole
// digit runs (see Needle.Exact) or inside the longer forms that carry
// them (series with number, "number":"…").
const MinNeedle = 8

// Needle is one canary value and the forms it is searched in.
type Needle struct {
	Name  string // which it is ("person 1 snils (form 2)", "sms code 3"), printed on a hit
	Kind  string // what it is ("snils"), for the policy's allowances
	Class Class
	Value string
	// Exact, for short all-digit values (6-digit codes), matches only a
	// run of digits equal to the value, not part of a longer run or of
	// a timestamp's fraction.
	Exact bool
	// Home, for a Code or Token, is the one place it may appear (the
	// message that delivers it, the answer that issues it).
	Home  string
	forms []string
}

// Forms returns the strings searched for: the value as given and its
// variants (see variants).
func (n *Needle) Forms() []string {
	if n.forms == nil {
		if n.Exact {
			n.forms = []string{n.Value}
		} else {
			n.forms = variants(n.Value)
		}
	}
	return n.forms
}

// variants are the forms a value takes on its way into a sink: as given,
// upper and lower case, JSON-escaped once and twice (Go escapes <>&,
// other encoders escape every non-ASCII rune as \uXXXX; an execution's
// input is JSON inside its history's JSON), URL-encoded (query strings,
// paths), base64 at each of its three alignments inside longer data, and
// hex. Forms shorter than MinNeedle are dropped.
func variants(v string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if len([]rune(s)) >= MinNeedle && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, c := range []string{v, strings.ToUpper(v), strings.ToLower(v)} {
		add(c)
		j := jsonEscape(c)
		add(j)
		add(jsonEscape(j)) // JSON in a JSON string: an execution's input in its history
		add(asciiJSON(c))
		add(url.QueryEscape(c))
		add(url.PathEscape(c))
		for _, b := range base64Forms(c) {
			add(b)
		}
		add(hex.EncodeToString([]byte(c)))
	}
	return out
}

// jsonEscape is s as encoding/json writes it inside a string.
func jsonEscape(s string) string {
	j, _ := json.Marshal(s)
	return string(j[1 : len(j)-1])
}

// asciiJSON escapes every non-ASCII rune as \uXXXX (lower-case hex, as
// JavaScript's and Java's encoders do when asked to).
func asciiJSON(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r > unicode.MaxASCII && r <= 0xFFFF:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r > 0xFFFF:
			b.WriteString(jsonEscape(string(r)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// base64Forms are the stable cores of v's base64 (standard and URL
// alphabets) when v starts at byte offset 0, 1 or 2 of a 3-byte group:
// the characters that depend only on v's own bytes.
func base64Forms(v string) []string {
	var out []string
	for pad := range 3 {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, pad), v...))
		// Characters touching the padding bytes or the unknown bytes
		// after v are not v's alone: cut them.
		start := (pad*8 + 5) / 6
		end := (pad + len(v)) * 8 / 6
		if end <= start {
			continue
		}
		core := enc[start:end]
		out = append(out, core, strings.NewReplacer("+", "-", "/", "_").Replace(core))
	}
	return out
}
