package secret

import (
	"bytes"
	"strings"
	"testing"
)

func TestNewIsValidAndHashed(t *testing.T) {
	seen := map[string]bool{}
	for _, prefix := range []string{Session, Token, Link} {
		for range 50 {
			s, h := New(prefix)
			if !Valid(prefix, s) {
				t.Fatalf("New(%q) = %q, not Valid", prefix, s)
			}
			if len(s) != len(prefix)+43 {
				t.Fatalf("len(%q) = %d", s, len(s))
			}
			if !bytes.Equal(h, Hash(s)) || len(h) != 32 {
				t.Fatalf("hash of %q is not Hash(secret)", s)
			}
			if seen[s] {
				t.Fatalf("New repeated %q", s)
			}
			seen[s] = true
		}
	}
}

func TestValid(t *testing.T) {
	good, _ := New(Token)
	body := good[len(Token):]
	for _, c := range []struct {
		name, prefix, s string
		want            bool
	}{
		{"made by New", Token, good, true},
		{"empty", Token, "", false},
		{"prefix only", Token, Token, false},
		{"wrong prefix", Session, good, false},
		{"upper-case prefix", Token, "CGT_" + body, false},
		{"one short", Token, good[:len(good)-1], false},
		{"one long", Token, good + "A", false},
		{"huge", Token, Token + strings.Repeat("A", 1<<20), false},
		{"padding", Token, Token + body[:42] + "=", false},
		{"standard base64", Token, Token + "+" + body[1:], false},
		{"slash", Token, Token + "/" + body[1:], false},
		{"space", Token, Token + " " + body[1:], false},
		{"unicode", Token, Token + "é" + body[2:], false},
		{"SQL", Token, Token + "' OR 1=1 --" + body[11:], false},
		{"NUL", Token, Token + "\x00" + body[1:], false},
		{"non-canonical last char", Token, Token + body[:42] + "B", false},
	} {
		if got := Valid(c.prefix, c.s); got != c.want {
			t.Errorf("%s: Valid(%q, %.60q) = %v, want %v", c.name, c.prefix, c.s, got, c.want)
		}
	}
}

func TestHashIsSHA256OfWholeString(t *testing.T) {
	// echo -n cgs_x | sha256sum
	if got := Hash("cgs_x"); len(got) != 32 || bytes.Equal(got, Hash("x")) {
		t.Fatalf("Hash does not cover the prefix: %x", got)
	}
}

func TestPasswordRoundTrip(t *testing.T) {
	for _, pw := range []string{"correct horse battery", "pässwörd-ünïcödé", strings.Repeat("x", 256), ""} {
		phc, err := HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(phc, "$argon2id$v=19$m=65536,t=2,p=1$") {
			t.Fatalf("PHC string %q", phc)
		}
		if ok, err := VerifyPassword(phc, pw); !ok || err != nil {
			t.Fatalf("VerifyPassword(own hash, %q) = %v, %v", pw, ok, err)
		}
		if ok, err := VerifyPassword(phc, pw+"x"); ok || err != nil {
			t.Fatalf("VerifyPassword(wrong) = %v, %v", ok, err)
		}
		if NeedsRehash(phc) {
			t.Fatal("a fresh hash needs rehashing")
		}
	}
	a, _ := HashPassword("same password here")
	b, _ := HashPassword("same password here")
	if a == b {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

// A hash with other (in-bounds) parameters still verifies, and asks for a
// rehash.
func TestVerifyOtherParams(t *testing.T) {
	const phc = "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$ZGrqBh/5lE0tDkEtq3G0BUtJR1BN+UePvD28hEQPdpo"
	ok, err := VerifyPassword(phc, "password")
	if err != nil {
		t.Fatal(err)
	}
	_ = ok // the key above is not asserted; only that it parses and asks for a rehash
	if !NeedsRehash(phc) {
		t.Fatal("m=8 does not ask for a rehash")
	}
}

func TestVerifyMalformed(t *testing.T) {
	good, _ := HashPassword("a good password")
	parts := strings.Split(good, "$")
	for _, phc := range malformed(parts[4], parts[5]) {
		ok, err := VerifyPassword(phc, "a good password")
		if ok || err != ErrMalformed {
			t.Errorf("VerifyPassword(%.80q) = %v, %v; want false, ErrMalformed", phc, ok, err)
		}
	}
}

func malformed(salt, key string) []string {
	return []string{
		"",
		"$argon2id$",
		"$argon2i$v=19$m=65536,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=65536,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=0,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=2,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=2,p=255$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=2,p=1,x=1$" + salt + "$" + key,
		"$argon2id$v=19$m=-1,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=065536,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$t=2,m=65536,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=2,p=1$" + salt + "=$" + key,
		"$argon2id$v=19$m=65536,t=2,p=1$$" + key,
		"$argon2id$v=19$m=65536,t=2,p=1$" + salt + "$",
		"$argon2id$v=19$m=65536,t=2,p=1$" + salt + "$" + key + "$",
		"$argon2id$v=19$m=65536,t=2,p=1$" + salt + "$" + key[:10],
		"$argon2id$v=19$m=65536,t=2,p=1$" + salt + "$" + strings.Repeat("A", 1000),
		"' OR 1=1 --",
	}
}

func TestDummyVerifyRuns(t *testing.T) {
	DummyVerify("anything") // no result; must not panic on any input
	DummyVerify("")
}

// FuzzValid: Valid never panics, and whatever it accepts has the exact
// shape New makes.
func FuzzValid(f *testing.F) {
	good, _ := New(Session)
	for _, s := range []string{"", good, strings.Repeat("A", 5000), "cgs_" + strings.Repeat("é", 22),
		"cgs_' OR 1=1; DROP TABLE sessions; --xxxxxxxxxxxxxxxxxxxx", "cgt_" + good[4:], "cgs_\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !Valid(Session, s) {
			return
		}
		if len(s) != 47 || !strings.HasPrefix(s, Session) || strings.ContainsAny(s[4:], "=+/ ") {
			t.Fatalf("Valid accepted %q", s)
		}
	})
}

// FuzzParse: parsing a stored hash never panics and never accepts
// parameters out of bounds (so VerifyPassword's work stays bounded).
func FuzzParse(f *testing.F) {
	good, _ := HashPassword("a good password")
	parts := strings.Split(good, "$")
	f.Add(good)
	for _, s := range malformed(parts[4], parts[5]) {
		f.Add(s)
	}
	f.Add(strings.Repeat("$argon2id", 1000))
	f.Add("$argon2id$v=19$m=65536,t=2,p=1$ünï$cödé")
	f.Fuzz(func(t *testing.T, phc string) {
		p, salt, key, err := parse(phc)
		if err != nil {
			return
		}
		if p.Memory > maxMemory || p.Time > maxTime || p.Threads > maxThreads || len(salt) < 8 || len(key) < 16 {
			t.Fatalf("parse(%q) accepted %+v", phc, p)
		}
	})
}

// BenchmarkHashPassword measures one hash with the default parameters.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestArgon2Concurrency: a burst of hashing, verification and DummyVerify
// never runs more than MaxConcurrent argon2id computations at once.
func TestArgon2Concurrency(t *testing.T) {
	phc, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	peak.Store(0)
	done := make(chan struct{})
	const n = 8
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			switch i % 3 {
			case 0:
				_, _ = HashPassword("another password here")
			case 1:
				_, _ = VerifyPassword(phc, "wrong password here")
			default:
				DummyVerify("whatever it is")
			}
		}()
	}
	for range n {
		<-done
	}
	if p := peak.Load(); p < 1 || p > MaxConcurrent {
		t.Fatalf("peak concurrent argon2id = %d, want 1..%d", p, MaxConcurrent)
	}
	if len(slots) != 0 || inFlight.Load() != 0 {
		t.Fatalf("slots held after the burst: %d, in flight %d", len(slots), inFlight.Load())
	}
}
