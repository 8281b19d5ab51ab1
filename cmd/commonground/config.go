package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/commonground/commonground/api"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/mail"
)

// config is every setting of the binary, read from environment variables.
type config struct {
	DatabaseURL       string
	Addr              string
	LogLevel          slog.Level
	DBMaxConns        int32
	StatementTimeout  time.Duration
	HandlerTimeout    time.Duration
	WriteTimeout      time.Duration
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	DrainDelay        time.Duration
	ShutdownTimeout   time.Duration
	StartupTimeout    time.Duration
	MaxBodyBytes      int64
	ExportTimeout     time.Duration
	MigrateOnStart    bool
	QueryVersion      bool
	TileCacheMB       int64
	DBJIT             string
	CookieSecure      string
	SessionIdle       time.Duration
	SessionMax        time.Duration
	SMTPURL           string
	SMTPFrom          string
	SMTPPasswordFile  string
	SMTPPlaintext     bool
	OIDC              oidcConfig
}

// oidcConfig is single sign-on with OpenID Connect; all empty: off.
type oidcConfig struct {
	Issuer, ClientID, ClientSecret, SecretFile, RedirectURL, Name string
	AcceptedIssuers                                               []string
	Timeout                                                       time.Duration
}

// setting is one environment variable: its name, default and parser.
type setting struct {
	name, def, help string
	parse           func(string) error
}

// settings lists the environment variables in the order the README
// documents them.
func (c *config) settings() []setting {
	return []setting{
		{"DATABASE_URL", "postgres://commonground:commonground@localhost:5432/commonground?sslmode=disable",
			"PostgreSQL URL or DSN", str(&c.DatabaseURL)},
		{"COMMONGROUND_ADDR", ":8080", "listen address", str(&c.Addr)},
		{"COMMONGROUND_LOG_LEVEL", "info", "debug, info, warn or error", logLevel(&c.LogLevel)},
		{"COMMONGROUND_DB_MAX_CONNS", "8", "database pool size", int32Range(&c.DBMaxConns, 1, 1000)},
		{"COMMONGROUND_STATEMENT_TIMEOUT", "5s", "PostgreSQL statement_timeout", duration(&c.StatementTimeout)},
		{"COMMONGROUND_HANDLER_TIMEOUT", "10s", "deadline of each request", duration(&c.HandlerTimeout)},
		{"COMMONGROUND_WRITE_TIMEOUT", "15s", "HTTP server write timeout", duration(&c.WriteTimeout)},
		{"COMMONGROUND_READ_HEADER_TIMEOUT", "5s", "HTTP server read-header timeout", duration(&c.ReadHeaderTimeout)},
		{"COMMONGROUND_READ_TIMEOUT", "30s", "HTTP server read timeout (whole request)", duration(&c.ReadTimeout)},
		{"COMMONGROUND_IDLE_TIMEOUT", "120s", "keep-alive idle timeout", duration(&c.IdleTimeout)},
		{"COMMONGROUND_DRAIN_DELAY", "2s", "on SIGTERM/SIGINT, how long /readyz says 503 before the listener closes", durationOrZero(&c.DrainDelay)},
		{"COMMONGROUND_SHUTDOWN_TIMEOUT", "20s", "how long in-flight requests may take to finish on shutdown", duration(&c.ShutdownTimeout)},
		{"COMMONGROUND_STARTUP_TIMEOUT", "30s", "how long start-up waits for the database", duration(&c.StartupTimeout)},
		{"COMMONGROUND_MAX_BODY_BYTES", "10485760", "request body cap in bytes", int64Range(&c.MaxBodyBytes, 1, 1<<30)},
		{"COMMONGROUND_EXPORT_TIMEOUT", "5m", "deadline of a streamed export (query and write)", duration(&c.ExportTimeout)},
		{"COMMONGROUND_MIGRATE_ON_START", "true", "apply pending migrations when serve starts", boolean(&c.MigrateOnStart)},
		{"COMMONGROUND_DATA_VERSION", "notify", "notify: keep the data version from PostgreSQL notifications (a change reaches caches about 1 ms after its commit); query: read it on every request", versionMode(&c.QueryVersion)},
		{"COMMONGROUND_TILE_CACHE_MB", "256", "in-process tile cache budget in MB; 0 turns the cache off", int64Range(&c.TileCacheMB, 0, 1<<16)},
		{"COMMONGROUND_DB_JIT", "on", "PostgreSQL JIT for the server's queries: on, off, or server (leave the server's setting)", oneOf(&c.DBJIT, "on", "off", "server")},
		{"COMMONGROUND_COOKIE_SECURE", "auto", "when the session cookie is Secure: auto (unless plain HTTP to localhost), always or never", oneOf(&c.CookieSecure, "auto", "always", "never")},
		{"COMMONGROUND_SESSION_IDLE", "12h", "a sign-in session ends after this long unused", duration(&c.SessionIdle)},
		{"COMMONGROUND_SESSION_MAX", "168h", "a sign-in session ends this long after sign-in, used or not", duration(&c.SessionMax)},
		{"COMMONGROUND_SMTP_URL", "", "SMTP relay for invitation and reset links: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465; empty: no mail, links are only shown to copy", str(&c.SMTPURL)},
		{"COMMONGROUND_SMTP_FROM", "", "From address of those mails, e.g. CommonGround <noreply@example.org>; needed with a relay", str(&c.SMTPFrom)},
		{"COMMONGROUND_SMTP_PASSWORD_FILE", "", "file holding the relay password (instead of the one in the URL)", str(&c.SMTPPasswordFile)},
		{"COMMONGROUND_SMTP_PLAINTEXT", "false", "allow an smtp:// relay that offers no STARTTLS (always allowed on a loopback host)", boolean(&c.SMTPPlaintext)},
		{"COMMONGROUND_OIDC_ISSUER", "", "single sign-on: the OpenID Connect provider's issuer URL (empty: single sign-on off)", str(&c.OIDC.Issuer)},
		{"COMMONGROUND_OIDC_CLIENT_ID", "", "single sign-on: the client id registered at the provider", str(&c.OIDC.ClientID)},
		{"COMMONGROUND_OIDC_CLIENT_SECRET", "", "single sign-on: the client secret", str(&c.OIDC.ClientSecret)},
		{"COMMONGROUND_OIDC_CLIENT_SECRET_FILE", "", "single sign-on: a file holding the client secret, instead", str(&c.OIDC.SecretFile)},
		{"COMMONGROUND_OIDC_REDIRECT_URL", "", "single sign-on: the public address of /auth/oidc/callback", str(&c.OIDC.RedirectURL)},
		{"COMMONGROUND_OIDC_NAME", "", "single sign-on: the button label, Sign in with <name>", str(&c.OIDC.Name)},
		{"COMMONGROUND_OIDC_ACCEPTED_ISSUERS", "", "single sign-on: comma-separated ID token issuers accepted (multi-tenant providers)", list(&c.OIDC.AcceptedIssuers)},
		{"COMMONGROUND_OIDC_TIMEOUT", "10s", "single sign-on: time limit of each request to the provider", duration(&c.OIDC.Timeout)},
	}
}

// loadConfig reads the settings through getenv, applying defaults, and checks
// them. Its error is one line naming the variable at fault.
func loadConfig(getenv func(string) string) (config, error) {
	var c config
	for _, s := range c.settings() {
		v := strings.TrimSpace(getenv(s.name))
		if v == "" {
			v = s.def
		}
		if err := s.parse(v); err != nil {
			return c, fmt.Errorf("config: %s=%q: %v", s.name, v, err)
		}
	}
	err := c.check()
	return c, err
}

// check enforces the timeout ladder: the database gives up before the
// handler, and the handler before the server stops writing.
func (c *config) check() error {
	if c.StatementTimeout >= c.HandlerTimeout {
		return fmt.Errorf("config: COMMONGROUND_STATEMENT_TIMEOUT (%s) must be shorter than COMMONGROUND_HANDLER_TIMEOUT (%s)", c.StatementTimeout, c.HandlerTimeout)
	}
	if c.HandlerTimeout >= c.WriteTimeout {
		return fmt.Errorf("config: COMMONGROUND_HANDLER_TIMEOUT (%s) must be shorter than COMMONGROUND_WRITE_TIMEOUT (%s)", c.HandlerTimeout, c.WriteTimeout)
	}
	if c.SessionIdle > c.SessionMax {
		return fmt.Errorf("config: COMMONGROUND_SESSION_IDLE (%s) must not be longer than COMMONGROUND_SESSION_MAX (%s)", c.SessionIdle, c.SessionMax)
	}
	if _, err := c.mailer(); err != nil {
		return err
	}
	if _, err := postgis.ParseConfig(c.store()); err != nil {
		return fmt.Errorf("config: DATABASE_URL: %s", firstLine(err.Error()))
	}
	return c.OIDC.check()
}

// check refuses half-configured single sign-on: once any OIDC setting is
// given, the issuer, client id, one client secret and the redirect URL are
// needed. A secret file is read here, so its error is a start-up error.
func (o *oidcConfig) check() error {
	if o.Issuer == "" && o.ClientID == "" && o.ClientSecret == "" && o.SecretFile == "" && o.RedirectURL == "" &&
		o.Name == "" && len(o.AcceptedIssuers) == 0 {
		return nil
	}
	half := "must be set when any COMMONGROUND_OIDC_* setting is (single sign-on is half configured)"
	switch {
	case o.Issuer == "":
		return fmt.Errorf("config: COMMONGROUND_OIDC_ISSUER %s", half)
	case o.ClientID == "":
		return fmt.Errorf("config: COMMONGROUND_OIDC_CLIENT_ID %s", half)
	case o.ClientSecret == "" && o.SecretFile == "":
		return fmt.Errorf("config: COMMONGROUND_OIDC_CLIENT_SECRET or COMMONGROUND_OIDC_CLIENT_SECRET_FILE %s", half)
	case o.ClientSecret != "" && o.SecretFile != "":
		return fmt.Errorf("config: COMMONGROUND_OIDC_CLIENT_SECRET and COMMONGROUND_OIDC_CLIENT_SECRET_FILE: set only one")
	case o.RedirectURL == "":
		return fmt.Errorf("config: COMMONGROUND_OIDC_REDIRECT_URL %s", half)
	}
	if !absoluteHTTP(o.Issuer) {
		return fmt.Errorf("config: COMMONGROUND_OIDC_ISSUER=%q: must be an absolute http(s) URL", o.Issuer)
	}
	if !absoluteHTTP(o.RedirectURL) || !strings.HasSuffix(strings.SplitN(o.RedirectURL, "?", 2)[0], "/auth/oidc/callback") {
		return fmt.Errorf("config: COMMONGROUND_OIDC_REDIRECT_URL=%q: must be an absolute http(s) URL ending in /auth/oidc/callback", o.RedirectURL)
	}
	for _, iss := range o.AcceptedIssuers {
		if !absoluteHTTP(iss) {
			return fmt.Errorf("config: COMMONGROUND_OIDC_ACCEPTED_ISSUERS: %q is not an absolute http(s) URL", iss)
		}
	}
	if o.SecretFile != "" {
		b, err := os.ReadFile(o.SecretFile)
		if err != nil {
			return fmt.Errorf("config: COMMONGROUND_OIDC_CLIENT_SECRET_FILE: %s", firstLine(err.Error()))
		}
		if o.ClientSecret = strings.TrimSpace(string(b)); o.ClientSecret == "" {
			return fmt.Errorf("config: COMMONGROUND_OIDC_CLIENT_SECRET_FILE: the file is empty")
		}
	}
	return nil
}

// on says whether single sign-on is configured (check has passed).
func (o oidcConfig) on() bool { return o.Issuer != "" }

func (o oidcConfig) api() api.OIDCConfig {
	return api.OIDCConfig{Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret, Name: o.Name,
		RedirectURL: o.RedirectURL, AcceptedIssuers: o.AcceptedIssuers, HTTPClient: &http.Client{Timeout: o.Timeout}}
}

func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func (c config) store() postgis.Config {
	return postgis.Config{URL: c.DatabaseURL, MaxConns: c.DBMaxConns, StatementTimeout: c.StatementTimeout,
		QueryVersion: c.QueryVersion, JIT: c.DBJIT, SessionIdle: c.SessionIdle, SessionMax: c.SessionMax}
}

// mailer is the SMTP sender, nil without COMMONGROUND_SMTP_URL. Its error
// names the setting and never shows the URL (it may hold the password).
func (c config) mailer() (*mail.Sender, error) {
	mc := mail.Config{URL: c.SMTPURL, From: c.SMTPFrom, Plaintext: c.SMTPPlaintext}
	if c.SMTPPasswordFile != "" {
		b, err := os.ReadFile(c.SMTPPasswordFile)
		if err != nil {
			return nil, fmt.Errorf("config: COMMONGROUND_SMTP_PASSWORD_FILE: cannot read it")
		}
		mc.Password = strings.TrimRight(string(b), "\r\n")
	}
	s, err := mail.New(mc)
	if err != nil {
		name := "COMMONGROUND_SMTP_URL"
		if strings.HasPrefix(err.Error(), "From") || strings.Contains(err.Error(), "From address") {
			name = "COMMONGROUND_SMTP_FROM"
		}
		return nil, fmt.Errorf("config: %s: %s", name, err)
	}
	return s, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func str(p *string) func(string) error {
	return func(v string) error { *p = v; return nil }
}

// list is a comma-separated list; blanks around items are dropped.
func list(p *[]string) func(string) error {
	return func(v string) error {
		*p = nil
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				*p = append(*p, item)
			}
		}
		return nil
	}
}

func duration(p *time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("not a duration (use e.g. 500ms, 10s, 2m)")
		}
		if d <= 0 {
			return fmt.Errorf("must be positive")
		}
		*p = d
		return nil
	}
}

func durationOrZero(p *time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("not a duration (use e.g. 0s, 2s)")
		}
		if d < 0 {
			return fmt.Errorf("must not be negative")
		}
		*p = d
		return nil
	}
}

func int32Range(p *int32, lo, hi int32) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || int32(n) < lo || int32(n) > hi {
			return fmt.Errorf("must be a whole number from %d to %d", lo, hi)
		}
		*p = int32(n)
		return nil
	}
}

func int64Range(p *int64, lo, hi int64) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("must be a whole number from %d to %d", lo, hi)
		}
		*p = n
		return nil
	}
}

func boolean(p *bool) func(string) error {
	return func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("must be true or false")
		}
		*p = b
		return nil
	}
}

func versionMode(query *bool) func(string) error {
	return func(v string) error {
		switch v {
		case "notify", "query":
			*query = v == "query"
			return nil
		}
		return fmt.Errorf("must be notify or query")
	}
}

func oneOf(p *string, allowed ...string) func(string) error {
	return func(v string) error {
		for _, a := range allowed {
			if v == a {
				*p = v
				return nil
			}
		}
		return fmt.Errorf("must be one of %s", strings.Join(allowed, ", "))
	}
}

func logLevel(p *slog.Level) func(string) error {
	return func(v string) error {
		if err := p.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("must be debug, info, warn or error")
		}
		return nil
	}
}
