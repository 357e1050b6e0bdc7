package organisation_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/flow/flowtest"
	"github.com/portalid/portalid/internal/flow/organisation"
	sigflow "github.com/portalid/portalid/internal/flow/signature"
	"github.com/portalid/portalid/internal/signature"
	"github.com/portalid/portalid/internal/signature/devca"
)

// TestCreate creates an organisation end to end with a test certificate:
// the organisation, its head's membership both ways, the event in both
// chains, the challenge spent with the certificate's fingerprint.
func TestCreate(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	p := w.confirmed(t)
	nums := fresh()
	c := w.challenge(t, p)
	o, err := w.Flow.Create(ctx, creation(p, c, nums, w.signed(t, head(nums), c.Bytes)))
	if err != nil {
		t.Fatalf("Create() error = %v", err)
	}
	if o.Name != orgName || o.OGRN != nums.OGRN || o.INN != nums.INN || o.HeadID != p.ID || o.Members != 1 || !account.ValidID(o.ID) {
		t.Errorf("Create() = %+v, want %s with %v headed by %s", o, orgName, nums, p.ID)
	}
	got, role, err := w.Flow.Get(ctx, p.Principal.Account, o.ID)
	if err != nil || got.ID != o.ID || got.Name != orgName || role != organisation.Head {
		t.Errorf("Get() = %+v, %q, %v; want the organisation, head", got, role, err)
	}
	mine, err := w.Flow.Mine(ctx, p.Principal.Account)
	if err != nil || len(mine) != 1 || mine[0].Organisation.ID != o.ID || mine[0].Role != organisation.Head || mine[0].Organisation.OGRN != nums.OGRN {
		t.Errorf("Mine() = %+v, %v; want the one organisation as head", mine, err)
	}
	members, err := w.Flow.Members(ctx, p.Principal.Account, o.ID)
	if err != nil || len(members) != 1 || members[0].AccountID != p.ID || members[0].Role != organisation.Head || members[0].Surname != surname {
		t.Errorf("Members() = %+v, %v; want the head", members, err)
	}
	if evs := w.orgEvents(t, o.ID); !slices.Equal(evs, []string{"organisation-created " + p.ID + " head"}) {
		t.Errorf("organisation events = %q", evs)
	}
	if got := w.last(t, p.ID); got != "organisation-created "+o.ID+" head" {
		t.Errorf("the head's last event = %q", got)
	}
	if outcome, fp := w.challengeOutcome(t, p.ID, c.ID); outcome != "organisation-created" || len(fp) != 64 {
		t.Errorf("challenge outcome = %q with fingerprint %q, want organisation-created with the certificate's", outcome, fp)
	}
	// Spent: the same signature again is refused.
	if _, err := w.Flow.Create(ctx, creation(p, c, fresh(), w.signed(t, head(nums), c.Bytes))); !errors.Is(err, sigflow.ErrChallengeUsed) {
		t.Errorf("Create() again = %v, want %v", err, sigflow.ErrChallengeUsed)
	}
}

// TestCreateRefusals runs one refused creation per case: what it answers,
// that nothing but the challenge's outcome is written, and whether the
// challenge is spent.
func TestCreateRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	taken := fresh()
	w.createWith(t, w.confirmed(t), taken)
	day := 24 * time.Hour
	tests := []struct {
		name string
		// in makes the request of p for the challenge c (nil: a
		// confirmed person and a valid signature for fresh numbers).
		in     func(p member, c sigflow.Challenge) organisation.Creation
		want   error
		fields []string // of a validation-failed
		spent  bool     // the challenge records the refusal
	}{
		{name: "wrong OGRN checksum", want: fault.InvalidFields(), fields: []string{"/ogrn:ogrn-invalid"}, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			in := creation(p, c, nums, w.signed(t, head(nums), c.Bytes))
			in.OGRN = flip(in.OGRN)
			return in
		}},
		{name: "every field wrong", want: fault.InvalidFields(), fields: []string{"/name:organisation-name-invalid", "/ogrn:ogrn-invalid", "/inn:inn-invalid"}, in: func(p member, c sigflow.Challenge) organisation.Creation {
			return organisation.Creation{Account: p.Principal.Account, Name: "<>", OGRN: "123", INN: flip(fresh().INN), ChallengeID: c.ID, CMS: []byte("x")}
		}},
		{name: "the certificate names another organisation", want: organisation.ErrCertificateOrganisation, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			return creation(p, c, nums, w.signed(t, head(fresh()), c.Bytes))
		}},
		{name: "the certificate names another OGRN only", want: organisation.ErrCertificateOrganisation, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			cert := head(nums)
			cert.OGRN = fresh().OGRN
			return creation(p, c, nums, w.signed(t, cert, c.Bytes))
		}},
		{name: "a personal certificate (no organisation)", want: organisation.ErrCertificateOrganisation, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			return creation(p, c, fresh(), w.signed(t, devca.Person{Surname: surname, GivenName: given + " " + patronymic}, c.Bytes))
		}},
		{name: "the certificate names the numbers under another name", want: organisation.ErrCertificateOrganisation, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			cert := head(nums)
			cert.Organisation = `ПАО "Газпром"`
			return creation(p, c, nums, w.signed(t, cert, c.Bytes))
		}},
		{name: "no organisation name in the certificate", want: organisation.ErrCertificateOrganisation, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			cert := head(nums)
			cert.Organisation = ""
			return creation(p, c, nums, w.signed(t, cert, c.Bytes))
		}},
		{name: "the certificate of someone else", want: sigflow.ErrSubjectMismatch, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			cert := head(nums)
			cert.Surname = "Иванова"
			return creation(p, c, nums, w.signed(t, cert, c.Bytes))
		}},
		{name: "another SNILS in the certificate", want: sigflow.ErrSubjectMismatch, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			cert := head(nums)
			cert.SNILS = snils(people.Add(1))
			return creation(p, c, nums, w.signed(t, cert, c.Bytes))
		}},
		{name: "taken OGRN", want: organisation.ErrOGRNTaken, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := numbers{OGRN: taken.OGRN, INN: fresh().INN}
			return creation(p, c, nums, w.signed(t, head(nums), c.Bytes))
		}},
		{name: "taken INN", want: organisation.ErrINNTaken, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := numbers{OGRN: fresh().OGRN, INN: taken.INN}
			return creation(p, c, nums, w.signed(t, head(nums), c.Bytes))
		}},
		{name: "an expired certificate", want: signature.ErrExpired, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			cred, err := w.issuing.Issue(head(nums), devca.Options{NotBefore: time.Now().Add(-400 * day), NotAfter: time.Now().Add(-day)})
			if err != nil {
				t.Fatal(err)
			}
			cms, err := cred.Sign(c.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			return creation(p, c, nums, cms)
		}},
		{name: "not a signature", want: signature.ErrSignatureInvalid, spent: true, in: func(p member, c sigflow.Challenge) organisation.Creation {
			return creation(p, c, fresh(), []byte("garbage"))
		}},
		{name: "not confirmed (the account as authenticated)", want: organisation.ErrNotConfirmed, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			in := creation(p, c, nums, w.signed(t, head(nums), c.Bytes))
			in.Account.Level = account.Standard
			return in
		}},
		{name: "a malformed challenge id", want: sigflow.ErrChallengeNotFound, in: func(p member, c sigflow.Challenge) organisation.Creation {
			nums := fresh()
			in := creation(p, c, nums, w.signed(t, head(nums), c.Bytes))
			in.ChallengeID = "../x"
			return in
		}},
	}
	// One at a time: each counts the items of the shared table.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := w.confirmed(t)
			c := w.challenge(t, p)
			in := tt.in(p, c)
			before := w.Items(t)
			_, err := w.Flow.Create(ctx, in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Create() error = %v, want %v", err, tt.want)
			}
			if got := flowtest.Fields(err); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %q, want %q", got, tt.fields)
			}
			if after := w.Items(t); after != before {
				t.Errorf("a refusal wrote %d items", after-before)
			}
			mine, err := w.Flow.Mine(ctx, p.Principal.Account)
			if err != nil || len(mine) != 0 {
				t.Errorf("Mine() = %+v, %v; want none", mine, err)
			}
			outcome, _ := w.challengeOutcome(t, p.ID, c.ID)
			if f, _ := fault.As(tt.want); tt.spent != (outcome != "") || tt.spent && outcome != f.Slug {
				t.Errorf("challenge outcome = %q, want spent %v as %s", outcome, tt.spent, f.Slug)
			}
		})
	}
}

// TestWhoMayCreate checks who gets a challenge and who may spend which:
// confirmed accounts only, an organisation's challenge not for the
// identity confirmation and a confirmation's not for an organisation.
func TestWhoMayCreate(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	std := w.standard(t)
	before := w.Items(t)
	if _, err := w.Flow.Challenge(ctx, std.Principal.Account); !errors.Is(err, organisation.ErrNotConfirmed) {
		t.Errorf("Challenge(standard) error = %v, want %v", err, organisation.ErrNotConfirmed)
	}
	if after := w.Items(t); after != before {
		t.Errorf("a refused challenge wrote %d items", after-before)
	}

	// A confirmation's challenge does not create an organisation.
	conf, err := w.Sig.Start(ctx, std.Principal.Account)
	if err != nil {
		t.Fatal(err)
	}
	w.SetAccount(t, std.ID, map[string]any{"level": string(account.Confirmed)})
	p := std
	p.Principal = w.signIn(t, std.Phone)
	nums := fresh()
	if _, err := w.Flow.Create(ctx, creation(p, conf, nums, w.signed(t, head(nums), conf.Bytes))); !errors.Is(err, sigflow.ErrChallengeNotFound) {
		t.Errorf("Create() with a confirmation's challenge = %v, want %v", err, sigflow.ErrChallengeNotFound)
	}

	// An organisation's challenge does not confirm an identity.
	c := w.challenge(t, p)
	w.SetAccount(t, p.ID, map[string]any{"level": string(account.Standard)})
	p.Principal = w.signIn(t, p.Phone)
	_, err = w.Sig.Submit(ctx, sigflow.Submission{Account: p.Principal.Account, ChallengeID: c.ID, CMS: w.signed(t, head(nums), c.Bytes)})
	if !errors.Is(err, sigflow.ErrChallengeNotFound) {
		t.Errorf("signature Submit() with an organisation's challenge = %v, want %v", err, sigflow.ErrChallengeNotFound)
	}

	// An account that dropped below confirmed after its challenge was
	// issued is refused when it signs, and the challenge spent.
	if _, err := w.Flow.Create(ctx, creation(p, c, nums, w.signed(t, head(nums), c.Bytes))); !errors.Is(err, organisation.ErrNotConfirmed) {
		t.Errorf("Create() as authenticated standard = %v, want %v", err, organisation.ErrNotConfirmed)
	}
	q := w.confirmed(t)
	c = w.challenge(t, q)
	w.SetAccount(t, q.ID, map[string]any{"level": string(account.Standard)})
	if _, err := w.Flow.Create(ctx, creation(q, c, nums, w.signed(t, head(nums), c.Bytes))); !errors.Is(err, organisation.ErrNotConfirmed) {
		t.Errorf("Create() after a drop to standard = %v, want %v", err, organisation.ErrNotConfirmed)
	}
	if outcome, _ := w.challengeOutcome(t, q.ID, c.ID); outcome != organisation.ErrNotConfirmed.Slug {
		t.Errorf("challenge outcome = %q, want %s", outcome, organisation.ErrNotConfirmed.Slug)
	}

	// An expired challenge is refused without a write.
	r := w.confirmed(t)
	c = w.challenge(t, r)
	cms := w.signed(t, head(nums), c.Bytes)
	w.Clock.Advance(c.ExpiresAt.Sub(w.Clock.Now()))
	before = w.Items(t)
	if _, err := w.Flow.Create(ctx, creation(r, c, nums, cms)); !errors.Is(err, sigflow.ErrChallengeExpired) {
		t.Errorf("Create() at expiry = %v, want %v", err, sigflow.ErrChallengeExpired)
	}
	if after := w.Items(t); after != before {
		t.Errorf("an expired challenge wrote %d items", after-before)
	}
}

// createWith makes m the head of the organisation with nums.
func (w *world) createWith(t testing.TB, m member, nums numbers) organisation.Organisation {
	t.Helper()
	c := w.challenge(t, m)
	o, err := w.Flow.Create(ctx, creation(m, c, nums, w.signed(t, head(nums), c.Bytes)))
	if err != nil {
		t.Fatalf("Create() error = %v", err)
	}
	return o
}

// flip changes the last digit of a number, breaking its checksum.
func flip(digits string) string {
	last := digits[len(digits)-1]
	return digits[:len(digits)-1] + string('0'+(last-'0'+1)%10)
}

// challengeOutcome reads what a challenge recorded ("" while unspent) and
// the certificate fingerprint of a success.
func (w *world) challengeOutcome(t testing.TB, accountID, challengeID string) (string, string) {
	t.Helper()
	res, err := w.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(w.Table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}, "sk": &types.AttributeValueMemberS{Value: "SIGCHAL#" + challengeID},
		},
	})
	if err != nil || res.Item == nil {
		t.Fatalf("GetItem(challenge) = %v, %v", res, err)
	}
	var outcome, fp string
	if v, ok := res.Item["outcome"].(*types.AttributeValueMemberS); ok {
		outcome = v.Value
	}
	if v, ok := res.Item["certFingerprint"].(*types.AttributeValueMemberS); ok {
		fp = v.Value
	}
	return outcome, strings.TrimSpace(fp)
}

// TestNameAsTheCertificateSpellsIt: the name given must be the
// certificate's O but for case, ё/е and white space; the name kept is the
// one given, in its canonical form.
func TestNameAsTheCertificateSpellsIt(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 10)
	p := w.confirmed(t)
	c := w.challenge(t, p)
	nums := fresh()
	in := creation(p, c, nums, w.signed(t, head(nums), c.Bytes))
	in.Name = "  " + strings.ToUpper(in.Name) + " "
	o, err := w.Flow.Create(ctx, in)
	if err != nil {
		t.Fatalf("Create(name in capitals) error = %v", err)
	}
	if !strings.EqualFold(o.Name, orgName) {
		t.Errorf("name kept = %q, want %q in any case", o.Name, orgName)
	}
}
