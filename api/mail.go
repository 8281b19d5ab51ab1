package api

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Mailer sends one plain-text mail to one address (cmd/commonground hands
// over internal/mail's Sender when an SMTP relay is configured). It must
// give up on its own after a bounded time.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// mailTimeout bounds a send within the request, well inside the handler
// deadline, so a slow relay still leaves time to answer with the link.
const mailTimeout = 5 * time.Second

// productName names the application in mails.
const productName = "CommonGround"

// mailResult is the "mail" member of an invitation or reset answer: absent
// without a relay; else whether the relay took the mail, and why not.
type mailResult struct {
	Sent  bool   `json:"sent"`
	To    string `json:"to"`
	Error string `json:"error,omitempty"`
}

// mailLink mails link to the person at to, when a mailer is configured, and
// says what happened; a failure is logged and reported, never returned: the
// link was made and stays on screen to copy.
func (s *server) mailLink(c *gin.Context, to, subject, body string) *mailResult {
	if s.cfg.Mailer == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), mailTimeout)
	defer cancel()
	if err := s.cfg.Mailer.Send(ctx, to, subject, body); err != nil {
		s.log.WarnContext(c.Request.Context(), "mail not sent", "to", to, "err", err, "request_id", requestID(c))
		return &mailResult{To: to, Error: "the mail relay did not take the mail; copy the link instead (" + oneLine(err.Error()) + ")"}
	}
	return &mailResult{Sent: true, To: to}
}

// inviterName is who is asking, for the mail text.
func inviterName(c *gin.Context) string {
	if a := authOf(c); a != nil {
		if n := oneLine(a.user.DisplayName); n != "" {
			return n
		}
	}
	return "the secretariat"
}

func invitationMail(inviter, link string, expires time.Time) (subject, body string) {
	subject = "Your invitation to " + productName
	body = fmt.Sprintf("Hello,\n\n%s has invited you to %s, the alliance's map of where its members work.\n\n"+
		"To accept, open this link and choose a password:\n\n%s\n\n"+
		"The link works once and expires on %s.\n\n"+
		"If you did not expect this invitation, you can ignore this mail.\n",
		inviter, productName, link, expires.UTC().Format("2 January 2006 at 15:04 UTC"))
	return subject, body
}

func resetMail(inviter, link string, expires time.Time) (subject, body string) {
	subject = "Set a new " + productName + " password"
	body = fmt.Sprintf("Hello,\n\n%s has made a link for you to set a new %s password:\n\n%s\n\n"+
		"The link works once and expires on %s.\n\n"+
		"If you did not ask for this, tell the secretariat; your current password keeps working until the link is used.\n",
		inviter, productName, link, expires.UTC().Format("2 January 2006 at 15:04 UTC"))
	return subject, body
}

// oneLine replaces control characters with spaces and trims.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s))
}
