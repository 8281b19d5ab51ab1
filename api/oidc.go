package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"github.com/commonground/commonground/geo"
)

// OIDC routes, and the flow cookie that carries state, nonce and the PKCE
// verifier from the login redirect to the callback.
const (
	oidcLoginRoute    = "/auth/oidc/login"
	oidcCallbackRoute = "/auth/oidc/callback"
	oidcFlowCookie    = "cg_oidc"
	oidcFlowLife      = 10 * time.Minute
	// oidcSignInPage is where a failed browser flow lands: the web app
	// shows the message of the sso_error code.
	oidcSignInPage = "/#/signin?sso_error="
)

// OIDCConfig turns on single sign-on with one OpenID Connect provider.
type OIDCConfig struct {
	// Issuer is the provider's URL; its discovery document is
	// Issuer + "/.well-known/openid-configuration".
	Issuer       string
	ClientID     string
	ClientSecret string
	// Name is the button label: "Sign in with <Name>".
	Name string
	// RedirectURL is the absolute address of GET /auth/oidc/callback as the
	// browser reaches it (register it at the provider).
	RedirectURL string
	// AcceptedIssuers, when set, are the only accepted `iss` values of ID
	// tokens, checked here; the discovery document's issuer may then differ
	// from Issuer (multi-tenant Microsoft Entra: the "organizations"
	// document names a template issuer, tokens their tenant's). Empty: the
	// token's issuer must be the discovery document's, which must be Issuer.
	AcceptedIssuers []string
	// HTTPClient talks to the provider (nil: http.DefaultClient).
	HTTPClient *http.Client
}

// SSO is the single sign-on of a server: the configuration and, once
// discovered, the provider. Discovery is retried on login until it works.
type SSO struct {
	cfg        OIDCConfig
	cookiePath string

	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// NewSSO checks cfg (no network). Its errors name the field at fault.
func NewSSO(cfg OIDCConfig) (*SSO, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.ClientSecret == "" || cfg.RedirectURL == "" {
		return nil, errors.New("issuer, client id, client secret and redirect URL are all needed")
	}
	if u, err := url.Parse(cfg.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("issuer: must be an absolute http(s) URL")
	}
	u, err := url.Parse(cfg.RedirectURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.HasSuffix(u.Path, oidcCallbackRoute) {
		return nil, fmt.Errorf("redirect URL: must be an absolute http(s) URL ending in %s", oidcCallbackRoute)
	}
	if cfg.Name == "" {
		cfg.Name = "single sign-on"
	}
	return &SSO{cfg: cfg, cookiePath: u.Path}, nil
}

// Discover reads the provider's discovery document (within ctx); after the
// first success it does nothing. serve calls it at start-up, and a login
// calls it again while it has not worked.
func (o *SSO) Discover(ctx context.Context) error {
	_, _, err := o.provider(ctx)
	return err
}

func (o *SSO) provider(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.oauth != nil {
		return o.oauth, o.verifier, nil
	}
	ctx = o.clientContext(ctx)
	vc := &oidc.Config{ClientID: o.cfg.ClientID}
	if len(o.cfg.AcceptedIssuers) > 0 {
		// The issuer is checked against the allow-list in callback, since
		// go-oidc compares it with the discovery document's only.
		ctx = oidc.InsecureIssuerURLContext(ctx, o.cfg.Issuer)
		vc.SkipIssuerCheck = true
	}
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("oidc discovery of %s: %w", o.cfg.Issuer, err)
	}
	o.oauth = &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: o.cfg.RedirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
	o.verifier = p.VerifierContext(o.clientContext(context.Background()), vc)
	return o.oauth, o.verifier, nil
}

func (o *SSO) clientContext(ctx context.Context) context.Context {
	if o.cfg.HTTPClient != nil {
		return oidc.ClientContext(ctx, o.cfg.HTTPClient)
	}
	return ctx
}

// issuerAccepted applies AcceptedIssuers (go-oidc checked the issuer
// already when there are none).
func (o *SSO) issuerAccepted(iss string) bool {
	return len(o.cfg.AcceptedIssuers) == 0 || slices.Contains(o.cfg.AcceptedIssuers, iss)
}

// ssoAnswer is what /auth/me says about single sign-on, when it is on.
func (o *SSO) answer() gin.H {
	return gin.H{"name": o.cfg.Name, "login": oidcLoginRoute}
}

// oidcLogin answers GET /auth/oidc/login: a 302 to the provider with state,
// nonce and a PKCE challenge, which the flow cookie keeps for the callback.
func (s *server) oidcLogin(c *gin.Context) error {
	sso := s.cfg.SSO
	if sso == nil {
		return geo.Errorf(geo.ENotFound, "single sign-on is not configured")
	}
	oc, _, err := sso.provider(c.Request.Context())
	if err != nil {
		s.log.Warn("single sign-on: provider unavailable", "error", err, "request_id", requestID(c))
		return s.oidcFail(c, "provider_unavailable")
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	http.SetCookie(c.Writer, &http.Cookie{Name: oidcFlowCookie, Value: state + "." + nonce + "." + verifier,
		Path: sso.cookiePath, MaxAge: int(oidcFlowLife.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.cookieSecure(c.Request)})
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusFound, oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
	return nil
}

// oidcCallback answers GET /auth/oidc/callback: the state must be the flow
// cookie's, the code is exchanged with the PKCE verifier, the ID token is
// verified (signature, audience, expiry, issuer) with its nonce, and the
// store signs the person in. Success: the session cookie and a 303 to the
// web app; any failure: a 303 to the sign-in page with an sso_error code,
// audited.
func (s *server) oidcCallback(c *gin.Context) error {
	sso := s.cfg.SSO
	if sso == nil {
		return geo.Errorf(geo.ENotFound, "single sign-on is not configured")
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: oidcFlowCookie, Value: "", Path: sso.cookiePath, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cookieSecure(c.Request)})
	id, code := s.oidcIdentity(c, sso)
	if code != "" {
		return s.oidcFail(c, code)
	}
	session, _, err := s.store.OIDCSignIn(c.Request.Context(), id, clientOf(c))
	switch geo.ErrorCode(err) {
	case "":
	case geo.EUnauthorized:
		return s.oidcRedirect(c, "unknown_account")
	case geo.EForbidden:
		return s.oidcRedirect(c, "account_disabled")
	default:
		s.log.Error("single sign-on", "error", err, "request_id", requestID(c))
		return s.oidcRedirect(c, "server_error")
	}
	s.setSessionCookie(c, session)
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusSeeOther, "/")
	return nil
}

// oidcIdentity checks the callback and returns the verified identity, or
// the sso_error code of why there is none.
func (s *server) oidcIdentity(c *gin.Context, sso *SSO) (geo.OIDCIdentity, string) {
	q := c.Request.URL.Query()
	if q.Get("error") != "" {
		if q.Get("error") == "access_denied" {
			return geo.OIDCIdentity{}, "access_denied"
		}
		return geo.OIDCIdentity{}, "provider_error"
	}
	ck, err := c.Request.Cookie(oidcFlowCookie)
	if err != nil {
		return geo.OIDCIdentity{}, "flow_expired"
	}
	parts := strings.Split(ck.Value, ".")
	state := q.Get("state")
	if len(parts) != 3 || state == "" || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(state)) != 1 {
		return geo.OIDCIdentity{}, "bad_state"
	}
	nonce, verifier := parts[1], parts[2]
	oc, v, err := sso.provider(c.Request.Context())
	if err != nil {
		s.log.Warn("single sign-on: provider unavailable", "error", err, "request_id", requestID(c))
		return geo.OIDCIdentity{}, "provider_unavailable"
	}
	ctx := sso.clientContext(c.Request.Context())
	tok, err := oc.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		s.log.Warn("single sign-on: code exchange failed", "error", err, "request_id", requestID(c))
		return geo.OIDCIdentity{}, "provider_error"
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return geo.OIDCIdentity{}, "invalid_token"
	}
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		s.log.Warn("single sign-on: ID token refused", "error", err, "request_id", requestID(c))
		return geo.OIDCIdentity{}, "invalid_token"
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return geo.OIDCIdentity{}, "invalid_token"
	}
	if !sso.issuerAccepted(idt.Issuer) {
		s.log.Warn("single sign-on: issuer not accepted", "issuer", idt.Issuer, "request_id", requestID(c))
		return geo.OIDCIdentity{}, "issuer_not_accepted"
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"` // true, or "true" from some providers
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return geo.OIDCIdentity{}, "invalid_token"
	}
	verified := claims.EmailVerified == true || claims.EmailVerified == "true"
	return geo.OIDCIdentity{Issuer: idt.Issuer, Subject: idt.Subject, Email: claims.Email, EmailVerified: verified, Name: claims.Name}, ""
}

// oidcFail audits a failed flow the store did not see, then redirects.
func (s *server) oidcFail(c *gin.Context, code string) error {
	if err := s.store.OIDCRefused(c.Request.Context(), code, s.cfg.SSO.cfg.Issuer, clientOf(c)); err != nil {
		s.log.Error("single sign-on: audit", "error", err, "request_id", requestID(c))
	}
	return s.oidcRedirect(c, code)
}

// oidcRedirect sends the browser to the sign-in page with an sso_error code.
func (s *server) oidcRedirect(c *gin.Context, code string) error {
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusSeeOther, oidcSignInPage+code)
	return nil
}

// randomToken is 32 random bytes, base64url: a state or a nonce.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
