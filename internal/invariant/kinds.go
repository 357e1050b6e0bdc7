package invariant

import "strings"

// The key schema of internal/dynamo (its store_*.go files name each
// item): partition prefixes and sort keys.
const (
	pkAccount  = "ACCOUNT#"
	pkPhone    = "PHONE#"
	pkEmail    = "EMAIL#"
	pkSNILS    = "SNILS#"
	pkPassport = "PASSPORT#"
	pkForeign  = "FOREIGNDOC#"
	pkReg      = "REG#"
	pkRate     = "RATE#"
	pkLock     = "LOCK#"
	pkSession  = "SESSION#"
	pkRecovery = "RECOVERY#"
	pkOrg      = "ORG#"
	pkOGRN     = "OGRN#"
	pkOrgINN   = "ORGINN#"

	skAccount      = "ACCOUNT"
	skContact      = "CONTACT"
	skEvent        = "EVENT#"
	skCheck        = "CHECK#"
	skCurrentCheck = "IDCHECK"
	skLetter       = "LETTER#"
	skChange       = "CHANGE#"
	skSigChallenge = "SIGCHAL#"
	skOrg          = "ORG"
	skMember       = "MEMBER#"
	skMemberOf     = "MEMBEROF#"
	skClaim        = "CLAIM"
)

// Kind is one shape of item: a partition-key prefix and a sort key (or,
// ending in '#', a sort-key prefix).
type Kind struct{ PK, SK string }

func (k Kind) matches(it Item) bool {
	if !strings.HasPrefix(it.PK(), k.PK) {
		return false
	}
	if strings.HasSuffix(k.SK, "#") {
		return strings.HasPrefix(it.SK(), k.SK)
	}
	return it.SK() == k.SK
}

// Kinds are every item shape the data model defines.
var Kinds = []Kind{
	{pkAccount, skAccount}, {pkAccount, "PROFILE"}, {pkAccount, skCurrentCheck}, {pkAccount, skCheck},
	{pkAccount, "LETTER"}, {pkAccount, skLetter}, {pkAccount, skEvent}, {pkAccount, skChange},
	{pkAccount, skSigChallenge}, {pkAccount, "OPCHECK#"},
	{pkPhone, skContact}, {pkEmail, skContact}, {pkSNILS, skContact}, {pkPassport, skContact}, {pkForeign, skContact},
	{pkReg, "REG"}, {pkRate, "RATE"}, {pkLock, "LOCK"}, {pkSession, "SESSION"}, {pkRecovery, "RECOVERY"},
	{"IDEMP#", "IDEMP"}, {"OPERATOR#", "OPERATOR"},
	{pkOrg, skOrg}, {pkOrg, skMember}, {pkOrg, skEvent}, {pkAccount, skMemberOf},
	{pkOGRN, skClaim}, {pkOrgINN, skClaim},
}

func knownItems(t *Table) []Violation {
	var out []Violation
	t.Each("", func(it Item) {
		for _, k := range Kinds {
			if k.matches(it) {
				return
			}
		}
		out = append(out, at(it, "an item of a kind the data model does not define"))
	})
	return out
}
