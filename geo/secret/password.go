package secret

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's parameters. Default is what new hashes use: modest
// enough for a 2-core server (one hash takes 64 MiB and tens of
// milliseconds), per OWASP's argon2id minimum of m=19 MiB, t=2 raised in
// memory.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen int
	KeyLen  uint32
}

// Default is the one place the password hashing parameters are set.
var Default = Params{Memory: 64 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds on stored parameters accepted by VerifyPassword, so a corrupt or
// hostile hash cannot make one verification take gigabytes or minutes.
const (
	maxMemory  = 256 * 1024
	maxTime    = 10
	maxThreads = 8
)

// ErrMalformed is returned by VerifyPassword for a hash that is not an
// argon2id PHC string with parameters in bounds.
var ErrMalformed = errors.New("secret: malformed password hash")

var b64 = base64.RawStdEncoding

// MaxConcurrent is how many argon2id computations (hashing, verification,
// DummyVerify) run at once in this process; the others wait their turn.
// Each takes Default.Memory (64 MiB), so on a small server a burst of
// sign-ins cannot take the memory of the box, and the waiting ones queue
// instead of thrashing the CPUs.
const MaxConcurrent = 2

// slots is the semaphore of MaxConcurrent argon2id computations; inFlight
// and peak count them, for the tests.
var (
	slots    = make(chan struct{}, MaxConcurrent)
	inFlight atomic.Int32
	peak     atomic.Int32
)

// idKey is argon2.IDKey under the semaphore.
func idKey(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	slots <- struct{}{}
	defer func() { <-slots }()
	n := inFlight.Add(1)
	defer inFlight.Add(-1)
	for {
		p := peak.Load()
		if n <= p || peak.CompareAndSwap(p, n) {
			break
		}
	}
	return argon2.IDKey(pw, salt, time, memory, threads, keyLen)
}

// HashPassword returns the argon2id PHC string of pw with a random salt:
// $argon2id$v=19$m=65536,t=2,p=1$salt$hash. The error is for a password
// over 1 MiB, which callers should have refused (geo.ValidatePassword).
func HashPassword(pw string) (string, error) {
	if len(pw) > 1<<20 {
		return "", errors.New("secret: password too long")
	}
	p := Default
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt)
	key := idKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC string phc, comparing
// in constant time. err is ErrMalformed when phc cannot be parsed or its
// parameters are out of bounds; ok is then false.
func VerifyPassword(phc, pw string) (ok bool, err error) {
	p, salt, want, err := parse(phc)
	if err != nil {
		return false, err
	}
	got := idKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummySalt is fixed: DummyVerify's result is thrown away.
var dummySalt = make([]byte, 16)

// DummyVerify does the work of VerifyPassword with the default parameters
// and throws it away, so that signing in as an unknown (or password-less)
// user takes as long as a wrong password.
func DummyVerify(pw string) {
	p := Default
	key := idKey([]byte(pw), dummySalt, p.Time, p.Memory, p.Threads, p.KeyLen)
	subtle.ConstantTimeCompare(key, key)
}

// NeedsRehash reports whether phc was made with other parameters than
// Default, so the caller may store a new hash after a successful sign-in.
func NeedsRehash(phc string) bool {
	p, salt, key, err := parse(phc)
	return err != nil || p.Memory != Default.Memory || p.Time != Default.Time ||
		p.Threads != Default.Threads || len(salt) != Default.SaltLen || len(key) != int(Default.KeyLen)
}

func parse(phc string) (p Params, salt, key []byte, err error) {
	if len(phc) > 512 {
		return p, nil, nil, ErrMalformed
	}
	parts := strings.Split(phc, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, ErrMalformed
	}
	var m, t, th uint32
	var rest string
	if n, _ := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d%s", &m, &t, &th, &rest); n != 3 ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", m, t, th) {
		return p, nil, nil, ErrMalformed
	}
	if m < 8*th || m > maxMemory || t < 1 || t > maxTime || th < 1 || th > maxThreads {
		return p, nil, nil, ErrMalformed
	}
	salt, err1 := b64.Strict().DecodeString(parts[4])
	key, err2 := b64.Strict().DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(salt) > 64 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, ErrMalformed
	}
	p = Params{Memory: m, Time: t, Threads: uint8(th), SaltLen: len(salt), KeyLen: uint32(len(key))}
	return p, salt, key, nil
}
