package recovery_test

import (
	"errors"
	"testing"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/recovery"
)

// TestForeignCitizens: a standard or confirmed foreign citizen without a
// SNILS (SPEC §2.5: optional for them) recovers with the code (and the
// security answer when set), no SNILS asked or matched; one who has a
// checked SNILS gives it like anyone; an account with neither index
// still cannot pass (TestStandardAccountWithoutSNILSIndexCannotPass).
func TestForeignCitizens(t *testing.T) {
	t.Parallel()
	const snils = "11223344595"
	tests := []struct {
		name      string
		level     account.Level
		withSNILS bool // the account holds a checked SNILS too
		in        recovery.ConfirmInput
		wantErr   error
	}{
		{"standard, no SNILS: the code alone", account.Standard, false, recovery.ConfirmInput{}, nil},
		{"standard, no SNILS: a SNILS given is ignored", account.Standard, false, recovery.ConfirmInput{SNILS: "08765430200"}, nil},
		{"confirmed, no SNILS: the code alone", account.Confirmed, false, recovery.ConfirmInput{}, nil},
		{"standard with a SNILS: right SNILS", account.Standard, true, recovery.ConfirmInput{SNILS: snils}, nil},
		{"standard with a SNILS: none given", account.Standard, true, recovery.ConfirmInput{}, recovery.ErrMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := flowtest.New(t)
			phone, _, id := e.Register(t, false)
			attrs := map[string]any{"level": string(tt.level), "foreignDocumentIndex": e.Index.Index("foreign-document", "passport/KAZ/N12345678")}
			if tt.withSNILS {
				attrs["snilsIndex"] = e.Index.Index("snils", snils)
			}
			e.SetAccount(t, id, attrs)
			_, err := tryConfirm(t, e, phone, phone, tt.in)
			if !errors.Is(err, tt.wantErr) && !(err == nil && tt.wantErr == nil) {
				t.Errorf("Confirm() = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
