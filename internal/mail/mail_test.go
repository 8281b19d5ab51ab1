package mail

import (
	"context"
	"mime"
	"net"
	"strings"
	"testing"

	"github.com/commonground/commonground/internal/mail/mailtest"
)

func TestSend(t *testing.T) {
	addr, got := mailtest.Server(t)
	s, err := New(Config{URL: "smtp://relay:s3cret@" + addr, From: "CommonGround <noreply@example.org>"})
	if err != nil {
		t.Fatal(err)
	}
	hostile := "Evil\r\nBcc: victim@example.net\r\nX-Injected: yes"
	link := "https://cg.example.org/#/accept?link=cgl_abc-DEF_123"
	body := "Hello,\n" + hostile + " invited you.\n\n" + link + "\n.\nA line with only a dot above.\n"
	if err := s.Send(context.Background(), "new.person@example.org", "Invitation from "+hostile, body); err != nil {
		t.Fatal(err)
	}
	m := <-got
	if m.To != "RCPT TO:<new.person@example.org>" || m.From != "MAIL FROM:<noreply@example.org>" {
		t.Errorf("envelope %q %q", m.From, m.To)
	}
	if m.Auth != "\x00relay\x00s3cret" {
		t.Errorf("AUTH PLAIN = %q", m.Auth)
	}
	for _, h := range []string{"Bcc", "X-Injected", "Cc"} {
		if v := m.Header.Get(h); v != "" {
			t.Errorf("injected header %s: %q", h, v)
		}
	}
	if len(m.Header["To"]) != 1 || m.Header.Get("To") != "<new.person@example.org>" {
		t.Errorf("To = %q", m.Header["To"])
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subj != "Invitation from Evil  Bcc: victim@example.net  X-Injected: yes" {
		t.Errorf("Subject = %q (%v)", subj, err)
	}
	if !strings.Contains(m.Body, link) || !strings.Contains(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n.\nA line with only a dot") {
		t.Errorf("body lacks the link or the dot line:\n%s", m.Body)
	}
}

// TestSendFails: a closed port and a relay without STARTTLS on a
// non-loopback host are errors, not hangs.
func TestSendFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, err := New(Config{URL: "smtp://" + addr, From: "noreply@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), "a@example.org", "x", "y"); err == nil {
		t.Fatal("send to a closed port succeeded")
	}
	if err := s.Send(context.Background(), "a@example.org\r\nRCPT TO:<b@example.org>", "x", "y"); err == nil {
		t.Fatal("a recipient with CRLF was accepted")
	}
	// A relay that is not loopback must offer STARTTLS.
	addr2, _ := mailtest.Server(t)
	_, port2, _ := net.SplitHostPort(addr2)
	s2, err := New(Config{URL: "smtp://127.0.0.1:" + port2, From: "noreply@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	s2.plaintext = false // as for a remote host
	if err := s2.Send(context.Background(), "a@example.org", "x", "y"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("no STARTTLS: %v", err)
	}
}

func TestNewConfig(t *testing.T) {
	if s, err := New(Config{}); s != nil || err != nil {
		t.Fatalf("empty URL = %v, %v", s, err)
	}
	for _, u := range []string{"http://h", "smtp://", "smtp://h:0", "smtp://h:99999", "smtp://h/x", "smtp://h?x=1", "smtp://:pw@h", "::"} {
		if _, err := New(Config{URL: u, From: "a@example.org"}); err == nil {
			t.Errorf("%q accepted", u)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("%q: error shows the password: %v", u, err)
		}
	}
	for _, f := range []string{"", "not an address", "a@example.org\r\nBcc: b@example.org"} {
		if _, err := New(Config{URL: "smtp://h", From: f}); err == nil {
			t.Errorf("From %q accepted", f)
		}
	}
	s, err := New(Config{URL: "smtps://u:p@mail.example.org", From: "a@example.org", Password: "from file"})
	if err != nil || s.addr != "mail.example.org:465" || !s.implicit || s.pass != "from file" || s.plaintext {
		t.Fatalf("smtps: %+v %v", s, err)
	}
	if s, _ := New(Config{URL: "smtp://localhost", From: "a@example.org"}); s.addr != "localhost:587" || !s.plaintext {
		t.Fatalf("smtp localhost: %+v", s)
	}
}
