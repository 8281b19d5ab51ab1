package api_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/commonground/commonground/api"
	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

const (
	ssoClientID    = "commonground"
	ssoSecret      = "client secret"
	ssoRedirectURL = "http://map.example.org/auth/oidc/callback"
)

// testProvider is a tiny OpenID Connect provider: discovery, JWKS, an
// authorization endpoint that signs the person in at once and redirects
// back with a code, and a token endpoint that checks the client secret and
// the PKCE verifier and answers an RS256 ID token with the nonce it was
// given. The fields below the mutex change what the next token says.
type testProvider struct {
	srv             *httptest.Server
	key             *rsa.PrivateKey
	discoveryIssuer string // the discovery document's issuer; "" the server's URL

	mu     sync.Mutex
	codes  map[string]grant
	claims map[string]any // sub, email, email_verified, name
	iss    string         // "": the server's URL
	aud    string         // "": the client id
	nonce  string         // "": the nonce of the authorization request
	exp    time.Duration  // lifetime of the token; negative: expired
}

type grant struct{ nonce, challenge string }

func newTestProvider(t *testing.T) *testProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &testProvider{key: key, codes: map[string]grant{}, exp: time.Hour}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// next sets what the next token says, with the defaults for the rest.
func (p *testProvider) next(claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.claims, p.iss, p.aud, p.nonce, p.exp = claims, "", "", "", time.Hour
}

func (p *testProvider) set(f func(p *testProvider)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func (p *testProvider) discovery(w http.ResponseWriter, _ *http.Request) {
	iss := p.discoveryIssuer
	if iss == "" {
		iss = p.srv.URL
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": iss, "authorization_endpoint": p.srv.URL + "/authorize", "token_endpoint": p.srv.URL + "/token",
		"jwks_uri": p.srv.URL + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
	})
}

func (p *testProvider) jwks(w http.ResponseWriter, _ *http.Request) {
	_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

func (p *testProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != ssoClientID || q.Get("redirect_uri") != ssoRedirectURL || q.Get("response_type") != "code" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		!strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.mu.Lock()
	p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
	p.mu.Unlock()
	http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
}

func (p *testProvider) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if ok {
		// RFC 6749 2.3.1: form-encoded, then Basic.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	p.mu.Lock()
	g, found := p.codes[r.PostFormValue("code")]
	delete(p.codes, r.PostFormValue("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	if id != ssoClientID || secret != ssoSecret || !found || r.PostFormValue("grant_type") != "authorization_code" ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"invalid_grant"}`)
		return
	}
	p.mu.Lock()
	claims := map[string]any{}
	for k, v := range p.claims {
		claims[k] = v
	}
	claims["iss"], claims["aud"], claims["nonce"] = or(p.iss, p.srv.URL), or(p.aud, ssoClientID), or(p.nonce, g.nonce)
	claims["iat"], claims["exp"] = time.Now().Unix(), time.Now().Add(p.exp).Unix()
	p.mu.Unlock()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	raw, _ := jws.CompactSerialize()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 3600, "id_token": raw})
}

// detail is an audit entry's detail as JSON text.
func detail(a geo.Audit) string {
	b, _ := json.Marshal(a.Detail)
	return string(b)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ssoServer is the real router on store with single sign-on at p.
func ssoServer(t *testing.T, store *postgis.Store, p *testProvider, accepted ...string) *api.Server {
	t.Helper()
	sso, err := api.NewSSO(api.OIDCConfig{Issuer: p.srv.URL, ClientID: ssoClientID, ClientSecret: ssoSecret, Name: "Test IdP",
		RedirectURL: ssoRedirectURL, AcceptedIssuers: accepted, HTTPClient: p.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	return api.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		api.Config{HandlerTimeout: time.Minute, MaxBodyBytes: 1 << 20, SSO: sso}, nil, reg, reg)
}

// flow is one browser's single sign-on: where it ended and the session
// cookie it got ("" if none).
type flow struct {
	location string
	session  string
}

// signInBySSO drives a browser through the flow: the login redirect, the
// provider, the callback (tamper may change the callback's query), carrying
// the cookies as a browser would.
func signInBySSO(t *testing.T, srv *api.Server, tamper func(url.Values)) flow {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://map.example.org/auth/oidc/login", nil))
	if rec.Code != http.StatusFound {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	var fc *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "cg_oidc" {
			fc = c
		}
	}
	if fc == nil || fc.Path != "/auth/oidc/callback" || !fc.HttpOnly || fc.SameSite != http.SameSiteLaxMode || fc.MaxAge != 600 || !fc.Secure {
		t.Fatalf("flow cookie: %+v", fc)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("login redirect is cacheable")
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := browser.Get(rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(back.String(), ssoRedirectURL) {
		t.Fatalf("provider: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	q := back.Query()
	if tamper != nil {
		tamper(q)
	}
	req := httptest.NewRequest(http.MethodGet, "http://map.example.org/auth/oidc/callback?"+q.Encode(), nil)
	req.AddCookie(&http.Cookie{Name: fc.Name, Value: fc.Value})
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body)
	}
	f := flow{location: rec.Header().Get("Location")}
	cleared := false
	for _, c := range rec.Result().Cookies() {
		switch {
		case c.Name == "cg_session" && c.Value != "":
			if !c.HttpOnly || c.Path != "/" || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie: %+v", c)
			}
			f.session = c.Value
		case c.Name == "cg_oidc" && c.MaxAge < 0 && c.Path == "/auth/oidc/callback":
			cleared = true
		}
	}
	if !cleared {
		t.Errorf("the callback did not clear the flow cookie")
	}
	return f
}

// me is GET /auth/me with the session cookie.
func me(t *testing.T, srv *api.Server, session string) map[string]any {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "http://map.example.org/auth/me", nil)
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "cg_session", Value: session})
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var out map[string]any
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		t.Fatalf("me: %d %s", rec.Code, rec.Body)
	}
	return out
}

func TestSingleSignOn(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	store, err := postgis.Open(ctx, postgis.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	admin, err := store.CreateAdmin(ctx, "sso-admin@example.org", "Admin", "admin password 123")
	if err != nil {
		t.Fatal(err)
	}
	invite := func(email string) (geo.User, string) {
		t.Helper()
		u, link, _, err := store.InviteUser(ctx, admin.Viewer(""), geo.NewUser{Email: email, DisplayName: email, OrganisationID: 1, Role: geo.UserEditor})
		if err != nil {
			t.Fatal(err)
		}
		return u, link
	}
	p := newTestProvider(t)
	srv := ssoServer(t, store, p)
	refused := func(t *testing.T, f flow, code string) {
		t.Helper()
		if f.session != "" || f.location != "/#/signin?sso_error="+code {
			t.Errorf("got %+v, want refused with %s", f, code)
		}
	}
	lastAudit := func(t *testing.T) geo.Audit {
		t.Helper()
		a, err := store.AuditLog(ctx, admin.Viewer(""), geo.Page{Limit: 1})
		if err != nil || len(a) != 1 {
			t.Fatalf("audit: %v", err)
		}
		return a[0]
	}

	// An invited person without a password: the first single sign-on
	// links the identity by the verified email (any case) and accepts the
	// invitation; /auth/me then says signed in by session.
	member, link := invite("Ama.Mensah@example.org")
	t.Run("first sign-in links by verified email", func(t *testing.T) {
		p.next(map[string]any{"sub": "ama-1", "email": "ama.mensah@EXAMPLE.org", "email_verified": true, "name": "Ama"})
		f := signInBySSO(t, srv, nil)
		if f.location != "/" || f.session == "" {
			t.Fatalf("flow: %+v", f)
		}
		m := me(t, srv, f.session)
		user, _ := m["user"].(map[string]any)
		if m["signed_in"] != true || m["via"] != "session" || user["id"] != float64(member.ID) || user["single_sign_on"] != true || user["last_sign_in_at"] == nil {
			t.Errorf("me: %v", m)
		}
		sso, _ := m["single_sign_on"].(map[string]any)
		if sso["name"] != "Test IdP" || sso["login"] != "/auth/oidc/login" {
			t.Errorf("me's single_sign_on: %v", m["single_sign_on"])
		}
		log, err := store.AuditLog(ctx, admin.Viewer(""), geo.Page{Limit: 2})
		if err != nil || len(log) != 2 || log[0].Event != geo.AuditSignIn || log[1].Event != geo.AuditOIDCLinked || log[1].SubjectID != member.ID {
			t.Errorf("audit: %+v %v", log, err)
		}
		if _, _, err := store.UseLink(ctx, link, "a password long enough", geo.Client{}); geo.ErrorCode(err) != geo.EUnauthorized {
			t.Errorf("the invitation still works after single sign-on: %v", err)
		}
	})
	t.Run("linked subject", func(t *testing.T) {
		// The link holds by (issuer, subject), whatever the email says now.
		p.next(map[string]any{"sub": "ama-1", "email": "someone-else@example.org", "email_verified": false})
		f := signInBySSO(t, srv, nil)
		if f.location != "/" || f.session == "" {
			t.Fatalf("flow: %+v", f)
		}
		if u, _ := me(t, srv, f.session)["user"].(map[string]any); u["id"] != float64(member.ID) {
			t.Errorf("signed in as %v", u)
		}
	})
	t.Run("another identity with the linked email", func(t *testing.T) {
		p.next(map[string]any{"sub": "ama-2", "email": "ama.mensah@example.org", "email_verified": true})
		refused(t, signInBySSO(t, srv, nil), "unknown_account")
	})
	t.Run("unverified email refused", func(t *testing.T) {
		invite("kofi@example.org")
		p.next(map[string]any{"sub": "kofi-1", "email": "kofi@example.org", "email_verified": false})
		refused(t, signInBySSO(t, srv, nil), "unknown_account")
		if a := lastAudit(t); a.Event != geo.AuditSignInFailed || !strings.Contains(detail(a), "email not verified") {
			t.Errorf("audit: %+v %s", a, a.Detail)
		}
	})
	t.Run("string email_verified accepted", func(t *testing.T) {
		p.next(map[string]any{"sub": "kofi-1", "email": "kofi@example.org", "email_verified": "true"})
		if f := signInBySSO(t, srv, nil); f.session == "" {
			t.Errorf("refused: %+v", f)
		}
	})
	t.Run("unknown person refused", func(t *testing.T) {
		p.next(map[string]any{"sub": "stranger", "email": "stranger@example.org", "email_verified": true})
		refused(t, signInBySSO(t, srv, nil), "unknown_account")
		if a := lastAudit(t); a.Event != geo.AuditSignInFailed || !strings.Contains(detail(a), "unknown identity") || !strings.Contains(detail(a), `"oidc"`) {
			t.Errorf("audit: %+v %s", a, a.Detail)
		}
	})
	t.Run("disabled user refused", func(t *testing.T) {
		u, _ := invite("dora@example.org")
		disabled := true
		if _, err := store.UpdateUser(ctx, admin.Viewer(""), u.ID, u.Version, geo.UserPatch{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		p.next(map[string]any{"sub": "dora-1", "email": "dora@example.org", "email_verified": true})
		refused(t, signInBySSO(t, srv, nil), "account_disabled")
		if a := lastAudit(t); a.Event != geo.AuditSignInFailed || a.SubjectID != u.ID || !strings.Contains(detail(a), "disabled") {
			t.Errorf("audit: %+v %s", a, a.Detail)
		}
	})
	ama := map[string]any{"sub": "ama-1", "email": "ama.mensah@example.org", "email_verified": true}
	t.Run("state mismatch refused", func(t *testing.T) {
		p.next(ama)
		refused(t, signInBySSO(t, srv, func(q url.Values) { q.Set("state", "forged") }), "bad_state")
		if a := lastAudit(t); a.Event != geo.AuditSignInFailed || !strings.Contains(detail(a), "bad_state") {
			t.Errorf("audit: %+v %s", a, a.Detail)
		}
	})
	t.Run("provider error", func(t *testing.T) {
		p.next(ama)
		refused(t, signInBySSO(t, srv, func(q url.Values) { q.Del("code"); q.Set("error", "access_denied") }), "access_denied")
	})
	t.Run("nonce mismatch refused", func(t *testing.T) {
		p.next(ama)
		p.set(func(p *testProvider) { p.nonce = "another nonce" })
		refused(t, signInBySSO(t, srv, nil), "invalid_token")
	})
	t.Run("wrong audience refused", func(t *testing.T) {
		p.next(ama)
		p.set(func(p *testProvider) { p.aud = "another-client" })
		refused(t, signInBySSO(t, srv, nil), "invalid_token")
	})
	t.Run("expired token refused", func(t *testing.T) {
		p.next(ama)
		p.set(func(p *testProvider) { p.exp = -time.Hour })
		refused(t, signInBySSO(t, srv, nil), "invalid_token")
	})
	t.Run("another issuer refused", func(t *testing.T) {
		p.next(ama)
		p.set(func(p *testProvider) { p.iss = p.srv.URL + "/other-tenant/v2.0" })
		refused(t, signInBySSO(t, srv, nil), "invalid_token")
	})
	t.Run("a flow without its cookie", func(t *testing.T) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://map.example.org/auth/oidc/callback?code=x&state=y", nil))
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/#/signin?sso_error=flow_expired" || strings.Contains(rec.Header().Get("Set-Cookie"), "cg_session") {
			t.Errorf("callback without the flow cookie: %d %q", rec.Code, rec.Header().Get("Location"))
		}
	})
}

// Multi-tenant providers (Microsoft Entra's "organizations"): the
// discovery document names a template issuer, each token its tenant's. A
// tenant's token is accepted only when COMMONGROUND_OIDC_ACCEPTED_ISSUERS
// lists its issuer; without the list, discovery itself is refused.
func TestSingleSignOnMultiTenant(t *testing.T) {
	ctx := context.Background()
	store, err := postgis.Open(ctx, postgis.Config{URL: pgtest.New(t, pgtest.Demo)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	admin, err := store.CreateAdmin(ctx, "mt-admin@example.org", "Admin", "admin password 123")
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"a@bank.example", "b@agency.example"} {
		if _, _, _, err := store.InviteUser(ctx, admin.Viewer(""), geo.NewUser{Email: email, DisplayName: email, OrganisationID: 1, Role: geo.UserViewer}); err != nil {
			t.Fatal(err)
		}
	}
	p := newTestProvider(t)
	p.discoveryIssuer = p.srv.URL + "/{tenantid}/v2.0"
	tenantA, tenantB := p.srv.URL+"/tenant-a/v2.0", p.srv.URL+"/tenant-b/v2.0"

	strict := ssoServer(t, store, p)
	rec := httptest.NewRecorder()
	strict.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://map.example.org/auth/oidc/login", nil))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/#/signin?sso_error=provider_unavailable" {
		t.Errorf("a template issuer without accepted issuers: %d %q", rec.Code, rec.Header().Get("Location"))
	}

	srv := ssoServer(t, store, p, tenantA)
	p.next(map[string]any{"sub": "a-1", "email": "a@bank.example", "email_verified": true})
	p.set(func(p *testProvider) { p.iss = tenantA })
	f := signInBySSO(t, srv, nil)
	if f.location != "/" || me(t, srv, f.session)["signed_in"] != true {
		t.Errorf("tenant A (accepted): %+v", f)
	}
	p.next(map[string]any{"sub": "b-1", "email": "b@agency.example", "email_verified": true})
	p.set(func(p *testProvider) { p.iss = tenantB })
	if f := signInBySSO(t, srv, nil); f.session != "" || f.location != "/#/signin?sso_error=issuer_not_accepted" {
		t.Errorf("tenant B (not accepted): %+v", f)
	}
	// The template issuer itself is no tenant: refused too.
	p.set(func(p *testProvider) { p.iss = p.discoveryIssuer })
	if f := signInBySSO(t, srv, nil); f.session != "" {
		t.Errorf("template issuer: %+v", f)
	}

	srv = ssoServer(t, store, p, tenantA, tenantB)
	p.set(func(p *testProvider) { p.iss = tenantB })
	if f := signInBySSO(t, srv, nil); f.location != "/" || f.session == "" {
		t.Errorf("tenant B once accepted: %+v", f)
	}
}

// Without single sign-on the routes are 404 problems and /auth/me says
// nothing of it: the anonymous answer is exactly what it was.
func TestSingleSignOnOff(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	if rec := e.do(t, http.MethodGet, "/auth/me"); rec.Body.String() != `{"signed_in":false}`+"\n" {
		t.Errorf("anonymous /auth/me: %q", rec.Body)
	}
	for _, path := range []string{"/auth/oidc/login", "/auth/oidc/callback?code=x&state=y"} {
		problem(t, e.do(t, http.MethodGet, path), 404)
	}
}
