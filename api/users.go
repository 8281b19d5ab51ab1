package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// users answers GET /users?organisation=N: the secretariat sees everyone
// (or one organisation), members the people of their own organisation.
func (s *server) users(c *gin.Context) error {
	p, err := parseParams(c, []string{"organisation"})
	if err != nil {
		return err
	}
	var org int64
	if ids := p.ids("organisation"); len(ids) == 1 {
		org = ids[0]
	} else if len(ids) > 1 {
		p.bad("organisation", "one organisation only")
	}
	if err := p.err(); err != nil {
		return err
	}
	v := viewerOf(c)
	obj := geo.Object{OrganisationID: org}
	if org == 0 && v.Kind == geo.Member {
		obj.OrganisationID = v.OrganisationID
	}
	if err := geo.Authorise(v, geo.ActListUsers, obj); err != nil {
		return err
	}
	acc := s.store
	list, err := acc.Users(c.Request.Context(), v, obj.OrganisationID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []geo.User{}
	}
	return writeAccount(c, http.StatusOK, gin.H{"users": list})
}

type inviteBody struct {
	Email          string       `json:"email"`
	DisplayName    string       `json:"display_name"`
	OrganisationID int64        `json:"organisation_id"`
	Role           geo.UserRole `json:"role"`
}

// inviteUser answers POST /users (secretariat): 201 {"user", "link",
// "expires_at"}, the link to copy to the invited person, and "mail"
// ({"sent", "to", "error"}) when an SMTP relay is configured: the link is
// mailed to the person too, and a failed send still leaves the invitation.
func (s *server) inviteUser(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActManageUsers, geo.Object{}); err != nil {
		return err
	}
	var b inviteBody
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	nu := geo.NewUser{Email: geo.NormaliseEmail(b.Email), DisplayName: strings.TrimSpace(b.DisplayName), OrganisationID: b.OrganisationID, Role: b.Role}
	if err := nu.Validate(); err != nil {
		return err
	}
	acc := s.store
	u, link, expires, err := acc.InviteUser(c.Request.Context(), v, nu)
	if err != nil {
		return err
	}
	url := acceptURL(c, link)
	out := gin.H{"user": u, "link": url, "expires_at": expires}
	subject, body := invitationMail(inviterName(c), url, expires)
	if m := s.mailLink(c, u.Email, subject, body); m != nil {
		out["mail"] = m
	}
	return writeAccount(c, http.StatusCreated, out)
}

// acceptURL is the absolute address of the web app's page that accepts
// link.
func acceptURL(c *gin.Context, link string) string { return abs(c, "/#/accept?link="+link) }

type patchBody struct {
	DisplayName    *string       `json:"display_name"`
	Role           *geo.UserRole `json:"role"`
	Disabled       *bool         `json:"disabled"`
	OrganisationID *int64        `json:"organisation_id"`
}

// updateUser answers PATCH /users/{id} (secretariat), a JSON merge patch of
// display_name, role, disabled and organisation_id. If-Match must carry the
// user's version: 428 without it, 412 (with current_version) when stale.
func (s *server) updateUser(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActManageUsers, geo.Object{}); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if c.GetHeader("If-Match") == "" {
		simpleProblem(http.StatusPreconditionRequired, geo.EInvalid, `If-Match with the user's version ("3") is required`)(c)
		return nil
	}
	version, err := ifMatchVersion(c.GetHeader("If-Match"))
	if err != nil {
		return err
	}
	var b patchBody
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	if b.Role != nil && !b.Role.Valid() {
		return bodyError("/role", "must be viewer, editor or secretariat")
	}
	if b.DisplayName != nil {
		if n := len(strings.TrimSpace(*b.DisplayName)); n == 0 || n > geo.MaxDisplayNameLength {
			return bodyError("/display_name", "must be 1 to 200 bytes")
		}
	}
	acc := s.store
	u, err := acc.UpdateUser(c.Request.Context(), v, id, version, geo.UserPatch(b))
	if geo.ErrorCode(err) == geo.EConflict {
		return s.staleUser(c, acc, v, id, err)
	}
	if err != nil {
		return err
	}
	c.Header("ETag", strconv.Quote(strconv.Itoa(u.Version)))
	return writeAccount(c, http.StatusOK, gin.H{"user": u})
}

// staleUser answers a stale If-Match: 412 with the user's current version.
func (s *server) staleUser(c *gin.Context, acc Accounts, v geo.Viewer, id int64, cause error) error {
	list, err := acc.Users(c.Request.Context(), v, 0)
	if err != nil {
		return err
	}
	for _, u := range list {
		if u.ID == id {
			cur := u.Version
			writeProblem(c, Problem{Type: "about:blank", Title: http.StatusText(http.StatusPreconditionFailed),
				Status: http.StatusPreconditionFailed, Detail: geo.ErrorMessage(cause), Instance: c.Request.URL.Path,
				Code: geo.EConflict, RequestID: requestID(c), CurrentVersion: &cur})
			return nil
		}
	}
	return cause
}

// ifMatchVersion reads the version of If-Match: "3" (or W/"3").
func ifMatchVersion(h string) (int, error) {
	n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(strings.TrimSpace(h), "W/"), `"`))
	if err != nil || n < 1 {
		return 0, &geo.Error{Code: geo.EInvalid, Message: "If-Match must be the user's version, as in \"3\"",
			Fields: []geo.FieldError{{Parameter: "If-Match", Detail: "not a version"}}}
	}
	return n, nil
}

// resetLink answers POST /users/{id}/reset (secretariat): 201 {"link",
// "expires_at"}, a password reset link to copy, and "mail" as for
// inviteUser when a relay is configured.
func (s *server) resetLink(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActManageUsers, geo.Object{}); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := s.store
	link, expires, err := acc.ResetLink(c.Request.Context(), v, id)
	if err != nil {
		return err
	}
	url := acceptURL(c, link)
	out := gin.H{"link": url, "expires_at": expires}
	if to := s.userEmail(c, v, id); to != "" {
		subject, body := resetMail(inviterName(c), url, expires)
		if m := s.mailLink(c, to, subject, body); m != nil {
			out["mail"] = m
		}
	}
	return writeAccount(c, http.StatusCreated, out)
}

// userEmail is the address of user id, "" without a mailer (no need to
// look) or when it cannot be read.
func (s *server) userEmail(c *gin.Context, v geo.Viewer, id int64) string {
	if s.cfg.Mailer == nil {
		return ""
	}
	list, err := s.store.Users(c.Request.Context(), v, 0)
	if err != nil {
		return ""
	}
	for _, u := range list {
		if u.ID == id {
			return u.Email
		}
	}
	return ""
}

// auditLog answers GET /audit?limit&offset (secretariat), newest first.
func (s *server) auditLog(c *gin.Context) error {
	p, err := parseParams(c, []string{"limit", "offset"})
	if err != nil {
		return err
	}
	pg := geo.Page{Limit: defaultLimit}
	if l := p.one("limit"); l != "" {
		if n, err := strconv.Atoi(l); err != nil || n < 1 {
			p.bad("limit", "must be a positive integer")
		} else {
			pg.Limit = min(n, maxLimit)
		}
	}
	if o := p.one("offset"); o != "" {
		if n, err := strconv.Atoi(o); err != nil || n < 0 || n > maxOffset {
			p.bad("offset", "must be 0 to 1000000")
		} else {
			pg.Offset = n
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActManageUsers, geo.Object{}); err != nil {
		return err
	}
	acc := s.store
	list, err := acc.AuditLog(c.Request.Context(), v, pg)
	if err != nil {
		return err
	}
	if list == nil {
		list = []geo.Audit{}
	}
	return writeAccount(c, http.StatusOK, gin.H{"audit": list})
}
