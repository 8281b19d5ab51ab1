package mail

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"strings"
	"testing"
)

// received is one mail the test server took.
type received struct {
	from, to, auth string
	header         textproto.MIMEHeader
	body           string
}

// smtpServer speaks just enough SMTP on 127.0.0.1 (EHLO, AUTH PLAIN, MAIL,
// RCPT, DATA, QUIT) and hands each mail to got.
func smtpServer(t *testing.T) (addr string, got chan received) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan received, 4)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(conn, got)
		}
	}()
	return ln.Addr().String(), got
}

func serve(conn net.Conn, got chan<- received) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	var m received
	_ = tp.PrintfLine("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO", "HELO":
			_ = tp.PrintfLine("250-test\r\n250 AUTH PLAIN")
		case "AUTH":
			f := strings.Fields(line)
			if len(f) == 3 {
				b, _ := base64.StdEncoding.DecodeString(f[2])
				m.auth = string(b)
			}
			_ = tp.PrintfLine("235 ok")
		case "MAIL":
			m.from = line
			_ = tp.PrintfLine("250 ok")
		case "RCPT":
			m.to = line
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 go on")
			r := textproto.NewReader(bufio.NewReader(tp.DotReader()))
			h, _ := r.ReadMIMEHeader()
			raw, _ := io.ReadAll(r.R)
			body, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(raw))))
			m.header, m.body = h, string(body)
			_ = tp.PrintfLine("250 queued")
			got <- m
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("502 no")
		}
	}
}

func TestSend(t *testing.T) {
	addr, got := smtpServer(t)
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
	if m.to != "RCPT TO:<new.person@example.org>" || m.from != "MAIL FROM:<noreply@example.org>" {
		t.Errorf("envelope %q %q", m.from, m.to)
	}
	if m.auth != "\x00relay\x00s3cret" {
		t.Errorf("AUTH PLAIN = %q", m.auth)
	}
	for _, h := range []string{"Bcc", "X-Injected", "Cc"} {
		if v := m.header.Get(h); v != "" {
			t.Errorf("injected header %s: %q", h, v)
		}
	}
	if len(m.header["To"]) != 1 || m.header.Get("To") != "<new.person@example.org>" {
		t.Errorf("To = %q", m.header["To"])
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.header.Get("Subject"))
	if err != nil || subj != "Invitation from Evil  Bcc: victim@example.net  X-Injected: yes" {
		t.Errorf("Subject = %q (%v)", subj, err)
	}
	if !strings.Contains(m.body, link) || !strings.Contains(strings.ReplaceAll(m.body, "\r\n", "\n"), "\n.\nA line with only a dot") {
		t.Errorf("body lacks the link or the dot line:\n%s", m.body)
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
	addr2, _ := smtpServer(t)
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
