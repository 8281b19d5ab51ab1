// Package mail sends CommonGround's few plain-text mails (invitation and
// password reset links) through an SMTP relay.
//
// It uses the standard library's net/smtp rather than wneessen/go-mail: the
// mails are one recipient and plain text, net/smtp already speaks EHLO,
// STARTTLS, AUTH and DATA with dot-stuffing, and so no new module (with its
// own Go version floor) enters the build. What net/smtp leaves out is done
// here: a deadline on the whole conversation, implicit TLS (smtps://),
// refusing a relay without STARTTLS, and building the message so that no
// header can be injected.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds one send, from dialling to QUIT.
const DefaultTimeout = 15 * time.Second

// Config is the relay: URL smtp://user:pass@host:587 (STARTTLS) or
// smtps://user:pass@host:465 (implicit TLS), the From address, and whether
// a plain smtp:// relay that offers no STARTTLS may be used anyway (it may
// on a loopback host without saying so).
type Config struct {
	URL       string
	From      string
	Password  string // overrides the URL's password when not empty
	Plaintext bool
	Timeout   time.Duration // 0: DefaultTimeout
	// TLS is the base TLS configuration (its roots verify the relay's
	// certificate); nil: the system's roots. ServerName is set here.
	TLS *tls.Config
}

// Sender sends mail through one relay. It is safe for concurrent use; each
// Send is its own connection.
type Sender struct {
	addr      string // host:port
	host      string
	implicit  bool // smtps://
	plaintext bool // STARTTLS not required
	user      string
	pass      string
	from      *mail.Address
	timeout   time.Duration
	tls       *tls.Config
}

// New checks cfg and returns its Sender, or nil and no error when cfg.URL
// is empty (no relay configured). Errors are one line naming what is wrong
// and never carry the password.
func New(cfg Config) (*Sender, error) {
	if cfg.URL == "" {
		return nil, nil
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, errors.New("not a URL (smtp://user:pass@host:587 or smtps://user:pass@host:465)")
	}
	s := &Sender{host: u.Hostname(), plaintext: cfg.Plaintext, timeout: cfg.Timeout}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		port = cmp(port, "587")
	case "smtps":
		s.implicit, port = true, cmp(port, "465")
	default:
		return nil, errors.New("scheme must be smtp or smtps")
	}
	if s.host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, errors.New("must be scheme://[user[:password]@]host[:port] and nothing more")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, errors.New("port must be 1 to 65535")
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if cfg.Password != "" {
		s.pass = cfg.Password
	}
	if s.pass != "" && s.user == "" {
		return nil, errors.New("a password needs a user name")
	}
	if ip := net.ParseIP(s.host); s.host == "localhost" || (ip != nil && ip.IsLoopback()) {
		s.plaintext = true
	}
	if cfg.From == "" {
		return nil, errors.New("a From address is needed with a relay")
	}
	if s.from, err = mail.ParseAddress(cfg.From); err != nil || strings.ContainsAny(cfg.From, "\r\n") {
		return nil, errors.New("From is not an address")
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	s.tls = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	if cfg.TLS != nil {
		s.tls = cfg.TLS.Clone()
		s.tls.ServerName = s.host
	}
	return s, nil
}

// Addr is the relay's host:port (no user or password), for logs.
func (s *Sender) Addr() string { return s.addr }

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Send mails a plain-text message to one address. to must be a bare
// address; subject and body are text (any CR or LF in the subject becomes a
// space, the body's line ends become CRLF). The whole conversation is
// bounded by the Sender's timeout and by ctx.
func (s *Sender) Send(ctx context.Context, to, subject, body string) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil || strings.ContainsAny(to, "\r\n<>") || rcpt.Address != strings.TrimSpace(to) {
		return errors.New("mail: the recipient is not an address")
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	msg := s.message(rcpt.Address, subject, body, time.Now())
	if err := s.send(ctx, rcpt.Address, msg); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("mail: %s: timed out: %w", s.addr, err)
		}
		return fmt.Errorf("mail: %s: %w", s.addr, err)
	}
	return nil
}

func (s *Sender) send(ctx context.Context, to string, msg []byte) error {
	d := &net.Dialer{}
	var conn net.Conn
	var err error
	if s.implicit {
		conn, err = (&tls.Dialer{NetDialer: d, Config: s.tls}).DialContext(ctx, "tcp", s.addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	dl, _ := ctx.Deadline()
	if err := conn.SetDeadline(dl); err != nil {
		return err
	}
	// net/smtp knows no context: closing the connection when ctx ends
	// unblocks it (the deadline already covers the timeout).
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if !s.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tls); err != nil {
				return err
			}
		} else if !s.plaintext {
			return errors.New("the relay offers no STARTTLS (use smtps://, or allow plaintext)")
		}
	}
	if s.user != "" {
		if err := c.Auth(plainAuth{user: s.user, pass: s.pass}); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// plainAuth is AUTH PLAIN. net/smtp's PlainAuth refuses to send the
// password without TLS except to localhost; whether plaintext is allowed is
// decided in New and send (STARTTLS is required unless the relay is
// loopback or plaintext was allowed explicitly), so this one just answers.
type plainAuth struct{ user, pass string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge")
	}
	return nil, nil
}

// message builds the RFC 5322 message: every header value is made here
// from checked addresses or encoded text, so nothing in the subject or the
// body can add a header; the body is quoted-printable UTF-8.
func (s *Sender) message(to, subject, body string, now time.Time) []byte {
	var b strings.Builder
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	from := &mail.Address{Name: oneLine(s.from.Name), Address: s.from.Address}
	b.WriteString("From: " + from.String() + "\r\n")
	b.WriteString("To: <" + to + ">\r\n")
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", oneLine(subject)) + "\r\n")
	b.WriteString("Date: " + now.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Message-ID: <" + hex.EncodeToString(id) + "@" + domain + ">\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n")
	b.WriteString("Auto-Submitted: auto-generated\r\n\r\n")
	qp := quotedprintable.NewWriter(&b) // text mode: line ends become CRLF
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	_, _ = qp.Write([]byte(body))
	_ = qp.Close()
	return []byte(b.String())
}

// oneLine replaces control characters (CR, LF, tab, ...) with spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}
