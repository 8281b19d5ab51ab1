// Package mailtest is a tiny SMTP server on 127.0.0.1 for tests: it speaks
// just enough SMTP (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT) and hands each
// mail it takes to a channel. It imports only the standard library.
package mailtest

import (
	"bufio"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"strings"
	"testing"
)

// Mail is one mail the server took: the MAIL and RCPT command lines, the
// AUTH PLAIN credentials ("\x00user\x00password"), the header and the body
// (quoted-printable decoded).
type Mail struct {
	From, To, Auth string
	Header         textproto.MIMEHeader
	Body           string
}

// Server starts the server for the test's lifetime and returns its
// address and the channel of the mails it takes.
func Server(t testing.TB) (addr string, got chan Mail) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan Mail, 8)
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

func serve(conn net.Conn, got chan<- Mail) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	var m Mail
	_ = tp.PrintfLine("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		switch strings.ToUpper(strings.SplitN(line, " ", 2)[0]) {
		case "EHLO", "HELO":
			_ = tp.PrintfLine("250-test\r\n250 AUTH PLAIN")
		case "AUTH":
			if f := strings.Fields(line); len(f) == 3 {
				b, _ := base64.StdEncoding.DecodeString(f[2])
				m.Auth = string(b)
			}
			_ = tp.PrintfLine("235 ok")
		case "MAIL":
			m.From = line
			_ = tp.PrintfLine("250 ok")
		case "RCPT":
			m.To = line
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 go on")
			r := textproto.NewReader(bufio.NewReader(tp.DotReader()))
			m.Header, _ = r.ReadMIMEHeader()
			body, _ := io.ReadAll(quotedprintable.NewReader(r.R))
			m.Body = string(body)
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
