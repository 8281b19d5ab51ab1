// Package secret makes and checks CommonGround's secrets: random session,
// token and link strings kept by the database only as SHA-256 hashes, and
// argon2id password hashes as PHC strings. It is pure: no database, no I/O
// but crypto/rand.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Prefixes of the secret kinds: a session cookie, an API token, a
// single-use account link (invitation or reset).
const (
	Session = "cgs_"
	Token   = "cgt_"
	Link    = "cgl_"
)

// randomBytes is how much randomness a secret carries.
const randomBytes = 32

// encodedLen is the length of a secret after its prefix: 32 bytes in
// base64url without padding.
var encodedLen = base64.RawURLEncoding.EncodedLen(randomBytes)

// New returns a fresh secret, prefix followed by 32 random bytes in
// base64url without padding, and its hash (Hash) for the database.
func New(prefix string) (secret string, hash []byte) {
	b := make([]byte, randomBytes)
	// crypto/rand.Read never returns an error (Go 1.24+): it crashes the
	// program rather than hand out predictable bytes.
	_, _ = rand.Read(b)
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, Hash(secret)
}

// Hash is the SHA-256 of the whole secret string, as the database keeps it.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Valid reports whether s has the shape of a secret made by New with
// prefix: the prefix, then exactly 43 base64url characters. It is cheap and
// runs before any database work, so a huge or odd cookie costs nothing.
func Valid(prefix, s string) bool {
	if len(s) != len(prefix)+encodedLen || s[:len(prefix)] != prefix {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	// The last character carries 2 bits of padding, which must be zero for
	// the encoding to be canonical (one secret, one spelling).
	_, err := base64.RawURLEncoding.Strict().DecodeString(s[len(prefix):])
	return err == nil
}

// DisplayPrefix is the start of a token shown in listings so people can
// tell their tokens apart: the kind prefix and four characters.
func DisplayPrefix(s string) string {
	if len(s) < 8 {
		return s
	}
	return s[:8]
}
