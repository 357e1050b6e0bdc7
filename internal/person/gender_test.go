package person

import "testing"

func TestParseGender(t *testing.T) {
	t.Parallel()
	checkParse(t, "ParseGender", ParseGender, ErrGenderInvalid, []parseCase{
		{"male", "male", "male"},
		{"female", "female", "female"},
		{"capitalised", "Male", ""},
		{"padded", " female", ""},
		{"letter", "m", ""},
		{"Russian", "мужской", ""},
		{"other", "other", ""},
		{"empty", "", ""},
	})
}
