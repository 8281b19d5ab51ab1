package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

// createAdminCmd runs the built binary's create-admin with stdin and
// returns its exit error, standard output and standard error.
func createAdminCmd(t *testing.T, dbURL, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(binPath, append([]string{"create-admin"}, args...)...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// create-admin makes a secretariat user who can sign in: with the password
// from standard input, or with the one --generate prints; an email in use
// (in any case) is refused with exit status 1 and one line.
func TestCreateAdmin(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Migrated)
	s, err := postgis.Open(ctx, postgis.Config{URL: dbURL, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	out, stderr, err := createAdminCmd(t, dbURL, "a stdin password here\n", "--email", "root@example.org", "--name", "Root")
	if err != nil || out != "" {
		t.Fatalf("create-admin = %v, stdout %q\n%s", err, out, stderr)
	}
	if _, u, err := s.SignIn(ctx, "root@example.org", "a stdin password here", geo.Client{}); err != nil || u.Role != geo.UserSecretariat || u.DisplayName != "Root" {
		t.Fatalf("SignIn with the stdin password = %+v, %v", u, err)
	}

	out, stderr, err = createAdminCmd(t, dbURL, "", "--email", "gen@example.org", "--generate")
	pw := strings.TrimSpace(out)
	if err != nil || len(pw) < 20 || strings.Count(out, "\n") != 1 {
		t.Fatalf("create-admin --generate = %v, stdout %q\n%s", err, out, stderr)
	}
	if strings.Contains(stderr, pw) {
		t.Error("the generated password is in the log")
	}
	if _, _, err := s.SignIn(ctx, "gen@example.org", pw, geo.Client{}); err != nil {
		t.Fatalf("SignIn with the generated password: %v", err)
	}

	_, stderr, err = createAdminCmd(t, dbURL, "another password here\n", "--email", "ROOT@example.org")
	if exitCode(err) != 1 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "already in use") {
		t.Fatalf("duplicate create-admin = %v, stderr %q", err, stderr)
	}
	if _, _, err := createAdminCmd(t, dbURL, "short\n", "--email", "short@example.org"); exitCode(err) != 1 {
		t.Errorf("short password = %v, want exit 1", err)
	}
	if _, _, err := createAdminCmd(t, dbURL, "", "--name", "X"); exitCode(err) != 2 {
		t.Errorf("no --email = %v, want exit 2", err)
	}
}

// TestReadPasswordPipe: standard input that is a pipe (an *os.File, but no
// terminal) is read as one line, as before the terminal prompt existed.
func TestReadPasswordPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() { _, _ = w.WriteString("piped password here\r\n"); w.Close() }()
	var stderr strings.Builder
	pw, err := readPassword(stdio{in: r, err: &stderr})
	if err != nil || pw != "piped password here" || stderr.Len() != 0 {
		t.Fatalf("readPassword(pipe) = %q, %v; prompted %q", pw, err, stderr.String())
	}
}
