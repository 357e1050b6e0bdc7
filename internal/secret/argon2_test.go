package secret

import (
	"bytes"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// fast keeps the tests quick; production uses config's defaults.
var fast = Argon2{Time: 1, MemoryKiB: 64, Threads: 1}

var saltReader = func() *bytes.Reader { return bytes.NewReader([]byte("saltsaltsaltsalt")) }

// Known answers from the reference implementation's CLI (Debian's argon2):
// echo -n "correct horse" | argon2 saltsaltsaltsalt -id -t 1 -m 6 -p 1 -l 32 -e
// echo -n "correct horse" | argon2 saltsaltsaltsalt -id -t 2 -k 19456 -p 1 -l 32 -e
const (
	knownFast     = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$rAjuexKlLdAHLvqk7TeeiWZjW4OPoRGwldJXdHbTuKI"
	knownDefaults = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is"
)

func TestArgon2HashKnownAnswer(t *testing.T) {
	t.Parallel()
	got, err := fast.Hash("correct horse", saltReader())
	if err != nil {
		t.Fatal(err)
	}
	if got != knownFast {
		t.Errorf("Hash(correct horse) = %s, want %s", got, knownFast)
	}
}

// TestArgon2Defaults runs the default parameters once (19 MiB, two passes).
func TestArgon2Defaults(t *testing.T) {
	t.Parallel()
	a := Argon2{Time: 2, MemoryKiB: 19456, Threads: 1}
	got, err := a.Hash("correct horse", saltReader())
	if err != nil {
		t.Fatal(err)
	}
	if got != knownDefaults {
		t.Errorf("Hash(correct horse) = %s, want %s", got, knownDefaults)
	}
	if ok, err := VerifyPassword(got, "correct horse"); !ok || err != nil {
		t.Errorf("VerifyPassword(hash, right) = %v, %v; want true, nil", ok, err)
	}
	if a.NeedsRehash(got) {
		t.Errorf("NeedsRehash(own hash) = true, want false")
	}
}

func TestArgon2HashVerify(t *testing.T) {
	t.Parallel()
	format := regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	h1, err := fast.Hash("Жук7 ест кварц", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := fast.Hash("Жук7 ест кварц", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !format.MatchString(h1) {
		t.Errorf("Hash() = %q, not a PHC argon2id string", h1)
	}
	if h1 == h2 {
		t.Errorf("Hash() twice gave the same string; the salt is not random")
	}
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"right", "Жук7 ест кварц", true},
		{"wrong", "Жук7 ест кварц!", false},
		{"case", "жук7 ест кварц", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, h := range []string{h1, h2, knownFast} {
				want := tt.want && h != knownFast
				got, err := VerifyPassword(h, tt.password)
				if err != nil || got != want {
					t.Errorf("VerifyPassword(hash, %q) = %v, %v; want %v, nil", tt.password, got, err, want)
				}
			}
		})
	}
}

func TestVerifyPasswordKnownAnswers(t *testing.T) {
	t.Parallel()
	if ok, err := VerifyPassword(knownFast, "correct horse"); !ok || err != nil {
		t.Errorf("VerifyPassword(known, right) = %v, %v; want true, nil", ok, err)
	}
	if ok, err := VerifyPassword(knownFast, "correct horse "); ok || err != nil {
		t.Errorf("VerifyPassword(known, wrong) = %v, %v; want false, nil", ok, err)
	}
}

// TestVerifyPasswordOldParameters checks that a hash keeps verifying after
// the configured parameters change, and is then due for a rehash.
func TestVerifyPasswordOldParameters(t *testing.T) {
	t.Parallel()
	old := Argon2{Time: 1, MemoryKiB: 32, Threads: 2}
	h, err := old.Hash("s3cret-horse", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(h, "s3cret-horse"); !ok || err != nil {
		t.Errorf("VerifyPassword(old hash) = %v, %v; want true, nil", ok, err)
	}
	if !fast.NeedsRehash(h) {
		t.Errorf("NeedsRehash(hash with other parameters) = false, want true")
	}
}

func TestArgon2NeedsRehash(t *testing.T) {
	t.Parallel()
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "rAjuexKlLdAHLvqk7TeeiWZjW4OPoRGwldJXdHbTuKI"
	tests := []struct {
		name    string
		encoded string
		want    bool
	}{
		{"same parameters", knownFast, false},
		{"other memory", "$argon2id$v=19$m=128,t=1,p=1$" + salt + "$" + key, true},
		{"other time", "$argon2id$v=19$m=64,t=2,p=1$" + salt + "$" + key, true},
		{"other threads", "$argon2id$v=19$m=64,t=1,p=2$" + salt + "$" + key, true},
		{"shorter salt", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$" + key, true},
		{"shorter key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:22], true},
		{"malformed", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key, true},
		{"empty", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := fast.NeedsRehash(tt.encoded); got != tt.want {
				t.Errorf("NeedsRehash(%q) = %v, want %v", tt.encoded, got, tt.want)
			}
		})
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	t.Parallel()
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "rAjuexKlLdAHLvqk7TeeiWZjW4OPoRGwldJXdHbTuKI"
	with := func(params string) string { return "$argon2id$v=19$" + params + "$" + salt + "$" + key }
	tests := []struct {
		name    string
		encoded string
		wantErr error
	}{
		{"empty", "", ErrHashMalformed},
		{"bcrypt", "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", ErrHashMalformed},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key, ErrHashMalformed},
		{"argon2d", "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + key, ErrHashMalformed},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key, ErrHashMalformed},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key, ErrHashMalformed},
		{"missing key", "$argon2id$v=19$m=64,t=1,p=1$" + salt, ErrHashMalformed},
		{"extra field", knownFast + "$x", ErrHashMalformed},
		{"parameters reordered", with("t=1,m=64,p=1"), ErrHashMalformed},
		{"parameter missing", with("m=64,t=1"), ErrHashMalformed},
		{"extra parameter", with("m=64,t=1,p=1,keyid=x"), ErrHashMalformed},
		{"leading zero", with("m=064,t=1,p=1"), ErrHashMalformed},
		{"sign", with("m=+64,t=1,p=1"), ErrHashMalformed},
		{"negative", with("m=64,t=-1,p=1"), ErrHashMalformed},
		{"memory over 32 bits", with("m=4294967296,t=1,p=1"), ErrHashMalformed},
		{"threads over 8 bits", with("m=64,t=1,p=256"), ErrHashMalformed},
		{"spaces", with("m=64, t=1, p=1"), ErrHashMalformed},
		{"memory over 1 GiB", with("m=1048577,t=1,p=1"), ErrArgon2Params},
		{"memory far over", with("m=4294967295,t=1,p=1"), ErrArgon2Params},
		{"time over 20", with("m=64,t=21,p=1"), ErrArgon2Params},
		{"time 0", with("m=64,t=0,p=1"), ErrArgon2Params},
		{"threads over 16", with("m=1024,t=1,p=17"), ErrArgon2Params},
		{"threads 0", with("m=64,t=1,p=0"), ErrArgon2Params},
		{"memory under 8 per thread", with("m=15,t=1,p=2"), ErrArgon2Params},
		{"padded salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key, ErrHashMalformed},
		{"url-safe base64", strings.ReplaceAll(knownDefaults, "/", "_"), ErrHashMalformed},
		{"newline inside base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:10] + "\n" + salt[10:] + "$" + key, ErrHashMalformed},
		{"non-canonical base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:21] + "B$" + key, ErrHashMalformed},
		{"salt under 8 bytes", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key, ErrHashMalformed},
		{"salt over 64 bytes", "$argon2id$v=19$m=64,t=1,p=1$" + strings.Repeat("A", 88) + "$" + key, ErrHashMalformed},
		{"key under 16 bytes", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:20], ErrHashMalformed},
		{"key over 64 bytes", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.Repeat("A", 88), ErrHashMalformed},
		{"trailing newline", knownFast + "\n", ErrHashMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, err := VerifyPassword(tt.encoded, "correct horse")
			if ok || !errors.Is(err, tt.wantErr) {
				t.Errorf("VerifyPassword(%q) = %v, %v; want false, %v", tt.encoded, ok, err, tt.wantErr)
			}
		})
	}
}

func TestArgon2HashErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		a       Argon2
		r       func() *bytes.Reader
		wantErr error
	}{
		{"zero parameters", Argon2{}, saltReader, ErrArgon2Params},
		{"zero threads", Argon2{Time: 1, MemoryKiB: 64}, saltReader, ErrArgon2Params},
		{"too much memory", Argon2{Time: 1, MemoryKiB: 1<<20 + 1, Threads: 1}, saltReader, ErrArgon2Params},
		{"short salt source", fast, func() *bytes.Reader { return bytes.NewReader(make([]byte, 15)) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.a.Hash("correct horse", tt.r())
			if err == nil || got != "" || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("Hash() = %q, %v; want \"\", an error (%v)", got, err, tt.wantErr)
			}
		})
	}
}

func TestParsePHCRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := parsePHC(knownDefaults)
	if err != nil {
		t.Fatal(err)
	}
	if h.memory != 19456 || h.time != 2 || h.threads != 1 || len(h.salt) != 16 || len(h.key) != 32 {
		t.Errorf("parsePHC(known) = m=%d t=%d p=%d salt %d key %d; want 19456, 2, 1, 16, 32",
			h.memory, h.time, h.threads, len(h.salt), len(h.key))
	}
	if got := h.String(); got != knownDefaults {
		t.Errorf("parsePHC(known).String() = %s, want %s", got, knownDefaults)
	}
}

func TestDummy(t *testing.T) {
	t.Parallel()
	a := Argon2{Time: 1, MemoryKiB: 64, Threads: 1}
	d1, err := a.Dummy(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := a.Dummy(rand.Reader)
	if d1 == d2 || !strings.HasPrefix(d1, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("Dummy() = %q, %q; want two different argon2id hashes at a's parameters", d1, d2)
	}
	for _, guess := range []string{"", "password", d1} {
		if ok, err := VerifyPassword(d1, guess); ok || err != nil {
			t.Errorf("VerifyPassword(dummy, %q) = %v, %v; want false, nil", guess, ok, err)
		}
	}
	// A dummy must cost what a real hash costs, so it takes a's
	// parameters, and refuses ones Hash would refuse.
	if a.NeedsRehash(d1) {
		t.Errorf("Dummy() = %q, not at a's parameters and sizes", d1)
	}
	if _, err := (Argon2{Time: 0, MemoryKiB: 64, Threads: 1}).Dummy(rand.Reader); !errors.Is(err, ErrArgon2Params) {
		t.Errorf("Dummy(t=0) error = %v, want %v", err, ErrArgon2Params)
	}
}
