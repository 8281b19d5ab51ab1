package api

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// Accounts is what the HTTP layer needs from the account store (the
// contract of issue 12). Errors are *geo.Error: EUnauthorized for bad
// credentials, ETooMany when sign-in is throttled, EForbidden and
// ENotFound as the policy and ownership say, EConflict for a stale version
// or an email in use.
type Accounts interface {
	SignIn(ctx context.Context, email, password string, c geo.Client) (session string, u geo.User, err error)
	SessionUser(ctx context.Context, session string) (geo.User, error)
	SignOut(ctx context.Context, session string, c geo.Client) error
	TokenUser(ctx context.Context, token string) (geo.User, geo.Token, error)
	CreateToken(ctx context.Context, v geo.Viewer, name string, scope geo.Scope, expires *time.Time) (secret string, t geo.Token, err error)
	Tokens(ctx context.Context, v geo.Viewer) ([]geo.Token, error)
	RevokeToken(ctx context.Context, v geo.Viewer, id int64) error
	Users(ctx context.Context, v geo.Viewer, organisationID int64) ([]geo.User, error)
	InviteUser(ctx context.Context, v geo.Viewer, u geo.NewUser) (geo.User, string, time.Time, error)
	UpdateUser(ctx context.Context, v geo.Viewer, id int64, version int, p geo.UserPatch) (geo.User, error)
	ResetLink(ctx context.Context, v geo.Viewer, userID int64) (string, time.Time, error)
	UseLink(ctx context.Context, link, password string, c geo.Client) (session string, u geo.User, err error)
	ChangePassword(ctx context.Context, v geo.Viewer, current, next string, c geo.Client) (session string, err error)
	AuditLog(ctx context.Context, v geo.Viewer, p geo.Page) ([]geo.Audit, error)
	// OIDCSignIn signs in the person a verified ID token names:
	// EUnauthorized when no account matches, EForbidden when it is disabled.
	OIDCSignIn(ctx context.Context, id geo.OIDCIdentity, c geo.Client) (session string, u geo.User, err error)
	// OIDCRefused audits a single sign-on that failed before the store saw
	// an identity (reason is a short code).
	OIDCRefused(ctx context.Context, reason, issuer string, c geo.Client) error
}

// Cookie settings: the session cookie's name, and when it is Secure.
const (
	sessionCookie = "cg_session"
	// CookieSecureAuto: Secure unless the request is plain HTTP to
	// localhost, 127.0.0.1 or [::1].
	CookieSecureAuto   = "auto"
	CookieSecureAlways = "always"
	CookieSecureNever  = "never"
)

// Context keys of the authentication middleware.
const (
	authKey    = "auth" // *authInfo
	maxSecret  = 128    // longer cookies and tokens are malformed: no lookup
	maxUAbytes = 500
	// throttleRetrySeconds is the Retry-After of a throttled sign-in: the
	// throttling window, after which the oldest failure no longer counts.
	throttleRetrySeconds = 15 * 60
)

// authInfo is how the request signed in.
type authInfo struct {
	user    geo.User
	via     string // "session" or "token"
	scope   geo.Scope
	session string // the session secret, for sign-out
}

// authenticate decides the viewer, once: a bearer token (a bad, expired or
// revoked one is a 401, never silently anonymous), else the session cookie
// (a bad or expired one: anonymous, and the answer clears the cookie), else
// anonymous. It is the only reader of Authorization and cookies.
func (s *server) authenticate(c *gin.Context) {
	if h := c.GetHeader("Authorization"); h != "" {
		s.authenticateToken(c, h)
		return
	}
	ck, err := c.Request.Cookie(sessionCookie)
	if err != nil {
		c.Next()
		return
	}
	if ck.Value == "" || len(ck.Value) > maxSecret {
		s.clearSessionCookie(c)
		c.Next()
		return
	}
	u, err := s.store.SessionUser(c.Request.Context(), ck.Value)
	switch {
	case geo.ErrorCode(err) == geo.EUnauthorized:
		s.clearSessionCookie(c)
	case err != nil:
		s.problem(c, err)
		return
	default:
		c.Set(authKey, &authInfo{user: u, via: "session", session: ck.Value})
	}
	c.Next()
}

func (s *server) authenticateToken(c *gin.Context, header string) {
	scheme, tok, _ := strings.Cut(header, " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" || len(tok) > maxSecret {
		s.unauthorized(c, geo.Errorf(geo.EUnauthorized, "the Authorization header must be Bearer and a token"))
		return
	}
	u, t, err := s.store.TokenUser(c.Request.Context(), tok)
	if err != nil {
		s.unauthorized(c, err)
		return
	}
	c.Set(authKey, &authInfo{user: u, via: "token", scope: t.Scope})
	c.Next()
}

// unauthorized answers a failed bearer authentication: 401 with the
// challenge (or the store's own error when it is not EUnauthorized).
func (s *server) unauthorized(c *gin.Context, err error) {
	if geo.ErrorCode(err) == geo.EUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="commonground"`)
	}
	s.problem(c, err)
}

// authOf is how the request signed in; nil when anonymous.
func authOf(c *gin.Context) *authInfo {
	a, _ := c.Get(authKey)
	info, _ := a.(*authInfo)
	return info
}

// cookieSecure applies the Secure rule of CookieSecure.
func (s *server) cookieSecure(r *http.Request) bool {
	switch s.cfg.CookieSecure {
	case CookieSecureAlways:
		return true
	case CookieSecureNever:
		return false
	}
	if r.TLS != nil {
		return true
	}
	host := r.Host
	if h, _, ok := strings.Cut(strings.TrimPrefix(host, "["), "]"); ok {
		host = h
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return !(host == "localhost" || host == "127.0.0.1" || host == "::1")
}

// setSessionCookie and clearSessionCookie are the one cookie writer.
func (s *server) setSessionCookie(c *gin.Context, session string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: session, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cookieSecure(c.Request)})
}

func (s *server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cookieSecure(c.Request)})
}

// clientOf is where the request came from, for the account store.
func clientOf(c *gin.Context) geo.Client {
	addr, _ := netip.ParseAddr(c.ClientIP())
	ua := c.Request.UserAgent()
	if len(ua) > maxUAbytes {
		ua = strings.ToValidUTF8(ua[:maxUAbytes], "")
	}
	return geo.Client{Address: addr.Unmap(), UserAgent: ua}
}

type loginBody struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// login answers POST /auth/login: 200 {"user"} and the session cookie; 401
// for bad credentials, 429 with Retry-After when throttled.
func (s *server) login(c *gin.Context) error {
	var b loginBody
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	var errs []geo.FieldError
	if b.Email == "" || len(b.Email) > geo.MaxEmailLength {
		errs = append(errs, geo.FieldError{Pointer: "/email", Detail: "must be 1 to 254 bytes"})
	}
	if b.Password == "" || len(b.Password) > geo.MaxPasswordLength {
		errs = append(errs, geo.FieldError{Pointer: "/password", Detail: "must be 1 to 256 bytes"})
	}
	if len(errs) > 0 {
		return &geo.Error{Code: geo.EInvalid, Message: "invalid sign-in", Fields: errs}
	}
	acc := s.store
	session, u, err := acc.SignIn(c.Request.Context(), geo.NormaliseEmail(b.Email), b.Password, clientOf(c))
	if err != nil {
		return err
	}
	s.setSessionCookie(c, session)
	return writeAccount(c, http.StatusOK, gin.H{"user": u})
}

// logout answers POST /auth/logout: the session (if any) is revoked and
// the cookie cleared; 204 whoever asks.
func (s *server) logout(c *gin.Context) error {
	if a := authOf(c); a != nil && a.via == "session" {
		if err := s.store.SignOut(c.Request.Context(), a.session, clientOf(c)); err != nil && geo.ErrorCode(err) != geo.EUnauthorized {
			return err
		}
	}
	s.clearSessionCookie(c)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusNoContent)
	return nil
}

// me answers GET /auth/me, always 200: who the request is for, and, when
// single sign-on is configured, its button label and login address.
func (s *server) me(c *gin.Context) error {
	a := authOf(c)
	var ans gin.H
	if a == nil || !viewerOf(c).SignedIn() {
		ans = gin.H{"signed_in": false}
	} else {
		ans = gin.H{"signed_in": true, "user": a.user, "via": a.via, "scope": a.scope}
	}
	if s.cfg.SSO != nil {
		ans["single_sign_on"] = s.cfg.SSO.answer()
	}
	return writeAccount(c, http.StatusOK, ans)
}

type passwordBody struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// changePassword answers POST /auth/password (session only): every session
// of the user ends, and the answer carries a new one.
func (s *server) changePassword(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActManageOwnAccount, geo.Object{}); err != nil {
		return err
	}
	var b passwordBody
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	if len(b.Current) > geo.MaxPasswordLength {
		return &geo.Error{Code: geo.EInvalid, Message: "invalid password", Fields: []geo.FieldError{{Pointer: "/current_password", Detail: "must be at most 256 bytes"}}}
	}
	if fe := geo.ValidatePassword("/new_password", b.New); fe != nil {
		return &geo.Error{Code: geo.EInvalid, Message: "invalid password", Fields: []geo.FieldError{*fe}}
	}
	acc := s.store
	session, err := acc.ChangePassword(c.Request.Context(), v, b.Current, b.New, clientOf(c))
	if err != nil {
		return err
	}
	s.setSessionCookie(c, session)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusNoContent)
	return nil
}

type acceptBody struct {
	Link     string `json:"link"`
	Password string `json:"password"`
}

// accept answers POST /auth/accept: an invitation or reset link sets the
// password and signs in (200 {"user"} and the cookie).
func (s *server) accept(c *gin.Context) error {
	var b acceptBody
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	var errs []geo.FieldError
	if b.Link == "" || len(b.Link) > maxSecret {
		errs = append(errs, geo.FieldError{Pointer: "/link", Detail: "is not a link"})
	}
	if fe := geo.ValidatePassword("/password", b.Password); fe != nil {
		errs = append(errs, *fe)
	}
	if len(errs) > 0 {
		return &geo.Error{Code: geo.EInvalid, Message: "invalid link or password", Fields: errs}
	}
	acc := s.store
	session, u, err := acc.UseLink(c.Request.Context(), b.Link, b.Password, clientOf(c))
	if err != nil {
		return err
	}
	s.setSessionCookie(c, session)
	return writeAccount(c, http.StatusOK, gin.H{"user": u})
}

// writeAccount writes an account answer: JSON, never stored by caches.
func writeAccount(c *gin.Context, status int, v any) error {
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", mediaJSON)
	c.Status(status)
	return jsonEncode(c.Writer, v)
}

// pathID parses the :id path parameter.
func pathID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, &geo.Error{Code: geo.ENotFound, Message: "no such resource"}
	}
	return id, nil
}

// accountRoutes adds /auth/*, /users and /audit.
func (s *server) accountRoutes(r *gin.Engine) {
	r.POST("/auth/login", s.wrap(s.login))
	r.POST("/auth/logout", s.wrap(s.logout))
	r.GET("/auth/me", s.wrap(s.me))
	r.GET("/auth/tokens", s.wrap(s.tokens))
	r.POST("/auth/tokens", s.wrap(s.createToken))
	r.DELETE("/auth/tokens/:id", s.wrap(s.revokeToken))
	r.POST("/auth/password", s.wrap(s.changePassword))
	r.POST("/auth/accept", s.wrap(s.accept))
	r.GET(oidcLoginRoute, s.wrap(s.oidcLogin))
	r.GET(oidcCallbackRoute, s.wrap(s.oidcCallback))
	r.GET("/users", s.wrap(s.users))
	r.POST("/users", s.wrap(s.inviteUser))
	r.PATCH("/users/:id", s.wrap(s.updateUser))
	r.POST("/users/:id/reset", s.wrap(s.resetLink))
	r.GET("/audit", s.wrap(s.auditLog))
}

// crossOriginProtection refuses cross-origin browser requests with unsafe
// methods (CSRF against cookie sessions) with a 403 problem. A request with
// a bearer token and no cookie is not a browser's and passes.
func crossOriginProtection(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", mediaProblem)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusForbidden)
		_ = jsonEncode(w, Problem{Type: "about:blank", Title: http.StatusText(http.StatusForbidden), Status: http.StatusForbidden,
			Detail: "cross-origin request refused", Instance: r.URL.Path, Code: geo.EForbidden, RequestID: newRequestID()})
	}))
	protected := cop.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" && r.Header.Get("Cookie") == "" {
			h.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}
