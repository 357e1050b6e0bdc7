package account

// The blind-index purposes of an account's documents: the identity check
// claims them under these (SNILS#, PASSPORT#, FOREIGNDOC# items), the
// sign-in looks a SNILS up under IndexSNILS, and the operator and the
// organisations find a person by it. One place, so that the flows can
// never disagree on the index of one value.
const (
	IndexSNILS           = "snils"
	IndexPassport        = "passport"
	IndexForeignDocument = "foreign-document"
)
