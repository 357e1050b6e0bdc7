package secret

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2 holds the argon2id parameters new password hashes are made with.
// They come from configuration (SPEC §2.1: tuned for Lambda memory; the
// defaults t=2, m=19456 KiB, p=1 are OWASP's minimum). Every hash records
// its own parameters, so changing them keeps old hashes verifiable, and
// NeedsRehash tells when a hash should be replaced at the next login.
type Argon2 struct {
	Time      uint32 // passes over the memory
	MemoryKiB uint32
	Threads   uint8
}

// Sizes of what Hash makes.
const (
	saltLength = 16
	keyLength  = 32
)

// Bounds on parameters, for Hash and for hashes read back: a corrupted or
// forged hash must not make VerifyPassword allocate gigabytes or spin.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 20
	maxThreads   = 16
	minSalt      = 8
	maxSalt      = 64
	minKey       = 16
	maxKey       = 64
)

// phcPrefix starts every hash: the algorithm and its version (0x13 = 19).
var phcPrefix = fmt.Sprintf("$argon2id$v=%d$", argon2.Version)

var (
	// ErrHashMalformed means an encoded hash is not an argon2id PHC string
	// this package can read; it signals corrupted data, not a wrong password.
	ErrHashMalformed = errors.New("secret: malformed password hash")
	// ErrArgon2Params means argon2id parameters are out of range.
	ErrArgon2Params = errors.New("secret: argon2 parameters out of range")
)

// Hash hashes password with argon2id, a 16-byte salt read from r
// (crypto/rand.Reader in production) and a 32-byte key, and returns the
// PHC string "$argon2id$v=19$m=<KiB>,t=<time>,p=<threads>$<salt>$<key>"
// with salt and key in unpadded standard base64. It fails when a's
// parameters are out of the range VerifyPassword accepts.
func (a Argon2) Hash(password string, r io.Reader) (string, error) {
	if err := checkParams(a.MemoryKiB, a.Time, a.Threads); err != nil {
		return "", err
	}
	salt := make([]byte, saltLength)
	if _, err := io.ReadFull(r, salt); err != nil {
		return "", fmt.Errorf("read random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, a.Time, a.MemoryKiB, a.Threads, keyLength)
	return phc{memory: a.MemoryKiB, time: a.Time, threads: a.Threads, salt: salt, key: key}.String(), nil
}

// VerifyPassword reports whether password matches encoded, a hash made by
// Hash with any parameters in range. The keys are compared in constant
// time. An error (ErrHashMalformed, ErrArgon2Params) means encoded cannot be
// read; the result is then false.
func VerifyPassword(encoded, password string) (bool, error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters or
// sizes than a would use now, or cannot be read at all. After a successful
// login the caller then stores a new Hash of the password.
func (a Argon2) NeedsRehash(encoded string) bool {
	h, err := parsePHC(encoded)
	if err != nil {
		return true
	}
	return h.memory != a.MemoryKiB || h.time != a.Time || h.threads != a.Threads ||
		len(h.salt) != saltLength || len(h.key) != keyLength
}

// checkParams bounds argon2id parameters; argon2 itself panics on t or p 0
// and needs at least 8 KiB per thread.
func checkParams(memory, time uint32, threads uint8) error {
	switch {
	case time < 1 || time > maxTime:
		return fmt.Errorf("%w: t=%d not in 1..%d", ErrArgon2Params, time, maxTime)
	case threads < 1 || threads > maxThreads:
		return fmt.Errorf("%w: p=%d not in 1..%d", ErrArgon2Params, threads, maxThreads)
	case memory < 8*uint32(threads) || memory > maxMemoryKiB:
		return fmt.Errorf("%w: m=%d not in %d..%d", ErrArgon2Params, memory, 8*uint32(threads), maxMemoryKiB)
	}
	return nil
}

// phc is a parsed argon2id hash.
type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// String encodes h in PHC form.
func (h phc) String() string {
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", phcPrefix, h.memory, h.time, h.threads,
		base64.RawStdEncoding.EncodeToString(h.salt), base64.RawStdEncoding.EncodeToString(h.key))
}

// parsePHC reads an argon2id PHC string strictly: only the form String
// writes (canonical numbers in the order m, t, p; canonical unpadded base64)
// is accepted, so every hash has one spelling.
func parsePHC(s string) (phc, error) {
	rest, ok := strings.CutPrefix(s, phcPrefix)
	if !ok {
		return phc{}, fmt.Errorf("%w: not argon2id version 19", ErrHashMalformed)
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return phc{}, fmt.Errorf("%w: want parameters, salt and key", ErrHashMalformed)
	}
	params := strings.Split(parts[0], ",")
	if len(params) != 3 {
		return phc{}, fmt.Errorf("%w: want m, t and p", ErrHashMalformed)
	}
	var h phc
	var err error
	var threads uint32
	for i, p := range []struct {
		name string
		dst  *uint32
		bits int
	}{{"m", &h.memory, 32}, {"t", &h.time, 32}, {"p", &threads, 8}} {
		if *p.dst, err = parseParam(params[i], p.name, p.bits); err != nil {
			return phc{}, err
		}
	}
	h.threads = uint8(threads)
	if err := checkParams(h.memory, h.time, h.threads); err != nil {
		return phc{}, err
	}
	if h.salt, err = decodeB64(parts[1], "salt", minSalt, maxSalt); err != nil {
		return phc{}, err
	}
	if h.key, err = decodeB64(parts[2], "key", minKey, maxKey); err != nil {
		return phc{}, err
	}
	return h, nil
}

// parseParam reads "<name>=<decimal>" with no sign and no leading zeros.
func parseParam(s, name string, bits int) (uint32, error) {
	v, ok := strings.CutPrefix(s, name+"=")
	if !ok {
		return 0, fmt.Errorf("%w: want %s", ErrHashMalformed, name)
	}
	n, err := strconv.ParseUint(v, 10, bits)
	if err != nil || strconv.FormatUint(n, 10) != v {
		return 0, fmt.Errorf("%w: bad %s", ErrHashMalformed, name)
	}
	return uint32(n), nil
}

// decodeB64 reads canonical unpadded standard base64 of min..max bytes.
func decodeB64(s, name string, minLen, maxLen int) ([]byte, error) {
	if len(s) > base64.RawStdEncoding.EncodedLen(maxLen) {
		return nil, fmt.Errorf("%w: %s too long", ErrHashMalformed, name)
	}
	// The decoder skips \r and \n even when strict; refuse them here.
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("%w: bad %s", ErrHashMalformed, name)
	}
	b, err := base64.RawStdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: bad %s", ErrHashMalformed, name)
	}
	if len(b) < minLen || len(b) > maxLen {
		return nil, fmt.Errorf("%w: %s of %d bytes not in %d..%d", ErrHashMalformed, name, len(b), minLen, maxLen)
	}
	return b, nil
}

// Dummy returns a hash nobody can match: a's parameters with a random salt
// and a random key. Verifying against it when there is nothing real to
// verify (an unknown login, an account without a security answer) costs
// the same argon2id work as a real check, so timing tells nothing. No
// password is hashed to make it (a random key is as unmatchable as the
// hash of a random secret), so making it at cold start costs nothing.
func (a Argon2) Dummy(r io.Reader) (string, error) {
	if err := checkParams(a.MemoryKiB, a.Time, a.Threads); err != nil {
		return "", err
	}
	b := make([]byte, saltLength+keyLength)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random dummy hash: %w", err)
	}
	return phc{memory: a.MemoryKiB, time: a.Time, threads: a.Threads, salt: b[:saltLength], key: b[saltLength:]}.String(), nil
}
