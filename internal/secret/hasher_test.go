package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"testing"
)

// testKey is bytes 0x00..0x1f; the expected sums below were computed
// independently (Python's hmac module).
func testKey() []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = byte(i)
	}
	return k
}

func TestHasherSum(t *testing.T) {
	t.Parallel()
	h := NewHasher(testKey())
	got := hex.EncodeToString(h.Sum("phone", "+79123456789"))
	want := "497613d3a8dcc9d1c54bdc311269e1e7bfa316cf546ab4ee05d720c28b91ed9a"
	if got != want {
		t.Errorf("Sum(phone, +79123456789) = %s, want %s", got, want)
	}
	if got, want := h.Index("phone", "+79123456789"), "SXYT06jcydHFS9wxEmnh57-jFs9UarTuBdcgwouR7Zo"; got != want {
		t.Errorf("Index(phone, +79123456789) = %s, want %s", got, want)
	}
}

func TestHasherSeparates(t *testing.T) {
	t.Parallel()
	h := NewHasher(testKey())
	other := NewHasher(bytes.Repeat([]byte{7}, 32))
	base := h.Sum("phone", "+79123456789")
	tests := []struct {
		name string
		sum  []byte
	}{
		{"other purpose", h.Sum("email", "+79123456789")},
		{"other value", h.Sum("phone", "+79123456780")},
		{"purpose and value shifted", h.Sum("phon", "e+79123456789")},
		{"other key", other.Sum("phone", "+79123456789")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if bytes.Equal(tt.sum, base) {
				t.Errorf("Sum collides with Sum(phone, +79123456789)")
			}
		})
	}
}

func TestHasherIndexIsSum(t *testing.T) {
	t.Parallel()
	h := NewHasher(testKey())
	idx := h.Index("email", "ivan@example.ru")
	if got := base64.RawURLEncoding.EncodeToString(h.Sum("email", "ivan@example.ru")); idx != got || len(idx) != 43 {
		t.Errorf("Index() = %q, want base64url of Sum %q (43 chars)", idx, got)
	}
}

func TestNewHasherCopiesKey(t *testing.T) {
	t.Parallel()
	key := testKey()
	h := NewHasher(key)
	before := h.Sum("phone", "x")
	key[0] ^= 0xFF
	if !bytes.Equal(h.Sum("phone", "x"), before) {
		t.Errorf("changing the key after NewHasher changed the Hasher")
	}
}

func TestHasherPanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func()
	}{
		{"nil key", func() { NewHasher(nil) }},
		{"31-byte key", func() { NewHasher(make([]byte, 31)) }},
		{"purpose with NUL", func() { NewHasher(testKey()).Sum("pho\x00ne", "x") }},
		{"zero Hasher", func() { Hasher{}.Sum("phone", "x") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", tt.name)
				}
			}()
			tt.f()
		})
	}
}

func TestEqual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b []byte
		want bool
	}{
		{"equal", []byte("abc"), []byte("abc"), true},
		{"both empty", nil, []byte{}, true},
		{"differ", []byte("abc"), []byte("abd"), false},
		{"prefix", []byte("ab"), []byte("abc"), false},
		{"empty and not", nil, []byte("a"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Equal(tt.a, tt.b); got != tt.want {
				t.Errorf("Equal(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
