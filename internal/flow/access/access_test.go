package access_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/catalogue"
	"github.com/portalid/portalid/internal/cipher"
	"github.com/portalid/portalid/internal/flow/access"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/profile"
)

type env struct {
	*flowtest.Env
	profiles *profile.Flow
	flow     *access.Flow
}

func newEnv(t testing.TB) env {
	t.Helper()
	e := flowtest.New(t)
	keys, err := cipher.NewLocalDataKeys([]byte("master-key-for-tests-only-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalogue.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	profiles := &profile.Flow{Store: e.Store, Sealer: &cipher.Envelope{Keys: keys}, Now: e.Clock.Now}
	return env{Env: e, profiles: profiles, flow: &access.Flow{Catalogue: cat, Profiles: profiles}}
}

// person registers an account at level with method and, unless
// citizenship is "", saves a profile stating it; it returns the account
// as authentication reads it.
func (e env) person(t testing.TB, level account.Level, method account.Method, citizenship string) account.Account {
	t.Helper()
	_, _, id := e.Register(t, false)
	e.SetAccount(t, id, map[string]any{"level": string(level), "confirmationMethod": string(method)})
	if citizenship != "" {
		raw, _ := json.Marshal(citizenship)
		if _, err := e.profiles.Save(context.Background(), id, profile.Patch{"citizenship": raw}); err != nil {
			t.Fatalf("save profile: %v", err)
		}
	}
	a, err := e.Store.Account(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCheck runs the check over DynamoDB Local and counts its round
// trips: none unless the service is citizens-only, then one (the
// profile).
func TestCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name        string
		level       account.Level
		method      account.Method
		citizenship string
		service     string
		want        catalogue.Outcome
		calls       int64
	}{
		{"simplified, reference", account.Simplified, "", "", "traffic-fines-check", catalogue.Allowed, 0},
		{"simplified, standard service", account.Simplified, "", "RUS", "doctor-appointment", catalogue.SubmitPersonalData, 0},
		{"standard, confirmed service", account.Standard, "", "RUS", "kindergarten-enrolment", catalogue.ConfirmIdentity, 0},
		{"letter, tax account", account.Confirmed, account.MethodLetter, "RUS", "tax-personal-account", catalogue.MethodNotAccepted, 0},
		{"in person, tax account", account.Confirmed, account.MethodInPerson, "RUS", "tax-personal-account", catalogue.Allowed, 0},
		{"signature, tax account", account.Confirmed, account.MethodSignature, "RUS", "tax-personal-account", catalogue.Allowed, 0},
		{"RF citizen, foreign passport", account.Confirmed, account.MethodLetter, "RUS", "foreign-passport", catalogue.Allowed, 1},
		{"foreign citizen, foreign passport", account.Confirmed, account.MethodSignature, "KAZ", "foreign-passport", catalogue.CitizensOnly, 1},
		{"foreign citizen below the level", account.Simplified, "", "UZB", "residence-registration", catalogue.CitizensOnly, 1},
		{"no profile, citizens only", account.Confirmed, account.MethodInPerson, "", "residence-registration", catalogue.SubmitPersonalData, 1},
		{"foreign citizen, no citizenship needed", account.Confirmed, account.MethodInPerson, "KAZ", "pension-assignment", catalogue.Allowed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := e.person(t, tt.level, tt.method, tt.citizenship)
			before := e.Calls.Load()
			s, d, err := e.flow.Check(context.Background(), a, tt.service)
			calls := e.Calls.Load() - before
			if err != nil || s.ID != tt.service || d.Outcome != tt.want {
				t.Fatalf("Check(%s) = %s %s, %v; want %s", tt.service, s.ID, d.Outcome, err, tt.want)
			}
			// Other subtests run at once on the same store; a count above
			// the expected one is ours only when it is alone, so check the
			// floor always and the exact figure in TestCheckRoundTrips.
			if calls < tt.calls {
				t.Errorf("Check(%s) made %d DynamoDB calls, want %d", tt.service, calls, tt.calls)
			}
		})
	}
}

// TestCheckRoundTrips measures, alone on its store, the round trips of a
// check: 0 for a service open to everyone, 1 for a citizens-only one.
func TestCheckRoundTrips(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.person(t, account.Confirmed, account.MethodInPerson, "RUS")
	for service, want := range map[string]int64{"tax-personal-account": 0, "traffic-fines-check": 0, "foreign-passport": 1, "maternity-capital": 1} {
		before := e.Calls.Load()
		if _, d, err := e.flow.Check(context.Background(), a, service); err != nil || d.Outcome != catalogue.Allowed {
			t.Fatalf("Check(%s) = %s, %v; want allowed", service, d.Outcome, err)
		}
		if got := e.Calls.Load() - before; got != want {
			t.Errorf("Check(%s) made %d DynamoDB calls, want %d", service, got, want)
		}
	}
	before := e.Calls.Load()
	if _, _, err := e.flow.Check(context.Background(), a, "no-such-service"); !errors.Is(err, catalogue.ErrServiceNotFound) {
		t.Errorf("Check(unknown) error = %v, want ErrServiceNotFound", err)
	}
	if got := e.Calls.Load() - before; got != 0 {
		t.Errorf("Check(unknown) made %d DynamoDB calls, want 0", got)
	}
}

type failing struct{ err error }

func (f failing) Get(context.Context, string) (profile.Profile, int64, error) {
	return profile.Profile{}, 0, f.err
}

// TestCheckSurfacesProfileFaults: a profile that cannot be read (storage
// down, a blob that does not open) fails the check; it is never taken for
// "no citizenship".
func TestCheckSurfacesProfileFaults(t *testing.T) {
	t.Parallel()
	cat, err := catalogue.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	f := &access.Flow{Catalogue: cat, Profiles: failing{cipher.ErrSealed}}
	a := account.Account{ID: "a", Level: account.Confirmed, ConfirmationMethod: account.MethodInPerson, Contacts: []account.Contact{{Kind: "phone"}}}
	if _, _, err := f.Check(context.Background(), a, "foreign-passport"); !errors.Is(err, cipher.ErrSealed) {
		t.Errorf("Check() error = %v, want the profile's error", err)
	}
	if _, d, err := f.Check(context.Background(), a, "pension-assignment"); err != nil || d.Outcome != catalogue.Allowed {
		t.Errorf("Check(no citizenship needed) = %s, %v; want allowed without reading the profile", d.Outcome, err)
	}
}
