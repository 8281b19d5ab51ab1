package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
)

// stdio is the command's standard streams.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// createAdmin runs `create-admin --email ADDRESS [--name NAME] [--generate]`:
// it creates a secretariat user with the password read from standard input
// (one line) or, with --generate, a random one printed once on standard
// output. An email in use is refused (exit status 1, one line).
func createAdmin(ctx context.Context, cfg config, args []string, std stdio) error {
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	fs.SetOutput(std.err)
	email := fs.String("email", "", "the administrator's email address")
	name := fs.String("name", "", "display name (default: the email's local part)")
	generate := fs.Bool("generate", false, "generate a random password and print it once")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *email == "" {
		return errUsage
	}
	if *name == "" {
		*name, _, _ = strings.Cut(geo.NormaliseEmail(*email), "@")
	}
	password := ""
	if *generate {
		password = rand.Text() + rand.Text()[:6] // 26 + 6 base32 characters: 160 bits
	} else {
		line, err := readPassword(std)
		if err != nil {
			return err
		}
		password = line
	}
	cfg.StatementTimeout = 0
	return withStore(ctx, cfg, func(s *postgis.Store) error {
		u, err := s.CreateAdmin(ctx, *email, *name, password)
		if err != nil {
			return fmt.Errorf("create-admin: %s", describe(err))
		}
		if *generate {
			fmt.Fprintln(std.out, password)
		}
		fmt.Fprintf(std.err, "created secretariat user %d (%s)\n", u.ID, u.Email)
		return nil
	})
}

// readPassword reads the password: from a terminal, asked twice without
// echo; otherwise one line from standard input, without its line end.
func readPassword(std stdio) (string, error) {
	if f, ok := std.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptPassword(int(f.Fd()), std.err)
	}
	r := bufio.NewReader(io.LimitReader(std.in, geo.MaxPasswordLength+2))
	line, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("create-admin: read the password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("create-admin: no password on standard input (or use --generate)")
	}
	return line, nil
}

// promptPassword asks for the password twice on the terminal fd, without
// echo; the two must match.
func promptPassword(fd int, out io.Writer) (string, error) {
	var pw [2]string
	for i, prompt := range []string{"Password: ", "Repeat the password: "} {
		fmt.Fprint(out, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(out)
		if err != nil {
			return "", fmt.Errorf("create-admin: read the password: %w", err)
		}
		pw[i] = string(b)
	}
	switch {
	case pw[0] == "":
		return "", fmt.Errorf("create-admin: no password given (or use --generate)")
	case pw[0] != pw[1]:
		return "", fmt.Errorf("create-admin: the two passwords differ")
	}
	return pw[0], nil
}

// describe is a coded error as one line for the operator: its message and
// the fields at fault.
func describe(err error) string {
	var e *geo.Error
	if !errors.As(err, &e) || e.Code == geo.EInternal || e.Code == geo.EUnavailable {
		return err.Error()
	}
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, strings.TrimPrefix(f.Pointer, "/")+" "+f.Detail)
	}
	msg := e.Message
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, "; ")
	}
	return msg
}
