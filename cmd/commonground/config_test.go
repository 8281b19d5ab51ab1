package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DatabaseURL == "" || !c.MigrateOnStart {
		t.Errorf("defaults: %+v", c)
	}
	if !(c.StatementTimeout < c.HandlerTimeout && c.HandlerTimeout < c.WriteTimeout) || c.ReadHeaderTimeout <= 0 {
		t.Errorf("default timeouts break the ladder: %+v", c)
	}
}

func TestLoadConfigOverrides(t *testing.T) {
	c, err := loadConfig(envOf(map[string]string{
		"COMMONGROUND_ADDR": "127.0.0.1:9000", "COMMONGROUND_LOG_LEVEL": "debug",
		"COMMONGROUND_STATEMENT_TIMEOUT": "2s", "COMMONGROUND_DRAIN_DELAY": "0s",
		"DATABASE_URL": "host=/var/run/postgresql dbname=x",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.StatementTimeout != 2*time.Second || c.DrainDelay != 0 || c.LogLevel.String() != "DEBUG" {
		t.Errorf("overrides not applied: %+v", c)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // the variable the error must name
	}{
		{"unparsable DATABASE_URL", map[string]string{"DATABASE_URL": "postgres://u:pw@host:port/db"}, "DATABASE_URL"},
		{"negative timeout", map[string]string{"COMMONGROUND_HANDLER_TIMEOUT": "-1s"}, "COMMONGROUND_HANDLER_TIMEOUT"},
		{"zero statement timeout", map[string]string{"COMMONGROUND_STATEMENT_TIMEOUT": "0s"}, "COMMONGROUND_STATEMENT_TIMEOUT"},
		{"timeout without unit", map[string]string{"COMMONGROUND_WRITE_TIMEOUT": "15"}, "COMMONGROUND_WRITE_TIMEOUT"},
		{"negative drain delay", map[string]string{"COMMONGROUND_DRAIN_DELAY": "-2s"}, "COMMONGROUND_DRAIN_DELAY"},
		{"statement not below handler", map[string]string{"COMMONGROUND_STATEMENT_TIMEOUT": "10s"}, "COMMONGROUND_STATEMENT_TIMEOUT"},
		{"handler not below write", map[string]string{"COMMONGROUND_HANDLER_TIMEOUT": "20s"}, "COMMONGROUND_WRITE_TIMEOUT"},
		{"unknown log level", map[string]string{"COMMONGROUND_LOG_LEVEL": "chatty"}, "COMMONGROUND_LOG_LEVEL"},
		{"pool of zero", map[string]string{"COMMONGROUND_DB_MAX_CONNS": "0"}, "COMMONGROUND_DB_MAX_CONNS"},
		{"body cap not a number", map[string]string{"COMMONGROUND_MAX_BODY_BYTES": "10MB"}, "COMMONGROUND_MAX_BODY_BYTES"},
		{"bad boolean", map[string]string{"COMMONGROUND_MIGRATE_ON_START": "maybe"}, "COMMONGROUND_MIGRATE_ON_START"},
		{"unknown version mode", map[string]string{"COMMONGROUND_DATA_VERSION": "poll"}, "COMMONGROUND_DATA_VERSION"},
		{"negative tile cache", map[string]string{"COMMONGROUND_TILE_CACHE_MB": "-1"}, "COMMONGROUND_TILE_CACHE_MB"},
		{"unknown jit", map[string]string{"COMMONGROUND_DB_JIT": "maybe"}, "COMMONGROUND_DB_JIT"},
		{"sso without client id", oidcEnv("COMMONGROUND_OIDC_CLIENT_ID", ""), "COMMONGROUND_OIDC_CLIENT_ID"},
		{"sso without issuer", oidcEnv("COMMONGROUND_OIDC_ISSUER", ""), "COMMONGROUND_OIDC_ISSUER"},
		{"sso without secret", oidcEnv("COMMONGROUND_OIDC_CLIENT_SECRET", ""), "COMMONGROUND_OIDC_CLIENT_SECRET"},
		{"sso without redirect", oidcEnv("COMMONGROUND_OIDC_REDIRECT_URL", ""), "COMMONGROUND_OIDC_REDIRECT_URL"},
		{"sso name alone", map[string]string{"COMMONGROUND_OIDC_NAME": "Microsoft"}, "COMMONGROUND_OIDC_ISSUER"},
		{"sso two secrets", oidcEnv("COMMONGROUND_OIDC_CLIENT_SECRET_FILE", "/dev/null"), "COMMONGROUND_OIDC_CLIENT_SECRET_FILE"},
		{"sso secret file missing", oidcEnv("COMMONGROUND_OIDC_CLIENT_SECRET", "", "COMMONGROUND_OIDC_CLIENT_SECRET_FILE", "/nonexistent/secret"), "COMMONGROUND_OIDC_CLIENT_SECRET_FILE"},
		{"sso relative redirect", oidcEnv("COMMONGROUND_OIDC_REDIRECT_URL", "/auth/oidc/callback"), "COMMONGROUND_OIDC_REDIRECT_URL"},
		{"sso redirect elsewhere", oidcEnv("COMMONGROUND_OIDC_REDIRECT_URL", "https://map.example.org/"), "COMMONGROUND_OIDC_REDIRECT_URL"},
		{"sso issuer not a URL", oidcEnv("COMMONGROUND_OIDC_ISSUER", "login.example.org"), "COMMONGROUND_OIDC_ISSUER"},
		{"sso accepted issuer not a URL", oidcEnv("COMMONGROUND_OIDC_ACCEPTED_ISSUERS", "https://a.example/v2.0, tenant"), "COMMONGROUND_OIDC_ACCEPTED_ISSUERS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(envOf(tt.env))
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q should be one line naming %s", msg, tt.want)
			}
			if strings.Contains(msg, ":pw@") {
				t.Errorf("error leaks the password: %q", msg)
			}
		})
	}
}

// oidcEnv is a complete single sign-on configuration with kv changed.
func oidcEnv(kv ...string) map[string]string {
	env := map[string]string{
		"COMMONGROUND_OIDC_ISSUER": "https://login.example.org", "COMMONGROUND_OIDC_CLIENT_ID": "commonground",
		"COMMONGROUND_OIDC_CLIENT_SECRET": "s3cret", "COMMONGROUND_OIDC_REDIRECT_URL": "https://map.example.org/auth/oidc/callback",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return env
}

// Single sign-on is off when nothing is set, on with a complete
// configuration; a secret file's content (trimmed) is the secret.
func TestLoadConfigSingleSignOn(t *testing.T) {
	c, err := loadConfig(envOf(nil))
	if err != nil || c.OIDC.on() {
		t.Fatalf("default: on=%v err=%v", c.OIDC.on(), err)
	}
	file := t.TempDir() + "/secret"
	if err := os.WriteFile(file, []byte("from file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = loadConfig(envOf(oidcEnv("COMMONGROUND_OIDC_CLIENT_SECRET", "", "COMMONGROUND_OIDC_CLIENT_SECRET_FILE", file,
		"COMMONGROUND_OIDC_ACCEPTED_ISSUERS", " https://a.example/v2.0 ,https://b.example/v2.0,")))
	if err != nil {
		t.Fatal(err)
	}
	if !c.OIDC.on() || c.OIDC.ClientSecret != "from file" || len(c.OIDC.AcceptedIssuers) != 2 || c.OIDC.AcceptedIssuers[1] != "https://b.example/v2.0" {
		t.Errorf("sso config: %+v", c.OIDC)
	}
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	c.OIDC.Issuer = gone.URL
	sso, err := singleSignOn(t.Context(), c.OIDC, slog.New(slog.DiscardHandler))
	if err != nil || sso == nil {
		t.Errorf("an unreachable provider must not stop start-up: %v", err)
	}
}

// The README documents every setting with its default.
func TestReadmeDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var c config
	for _, s := range c.settings() {
		row := "| `" + s.name + "` | `" + s.def + "` |"
		if s.def == "" {
			row = "| `" + s.name + "` | |"
		}
		if !strings.Contains(string(readme), row) {
			t.Errorf("README has no row starting %s", row)
		}
	}
}

// TestConfigSMTP: no relay by default; a malformed relay URL or From stops
// start-up with one line naming the setting and never the password.
func TestConfigSMTP(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if m, err := c.mailer(); m != nil || err != nil {
		t.Fatalf("default mailer = %v, %v", m, err)
	}
	for name, kv := range map[string]map[string]string{
		"COMMONGROUND_SMTP_URL":           {"COMMONGROUND_SMTP_URL": "smtp://u:hunter2@host:99999", "COMMONGROUND_SMTP_FROM": "a@example.org"},
		"COMMONGROUND_SMTP_FROM":          {"COMMONGROUND_SMTP_URL": "smtp://u:hunter2@host"},
		"COMMONGROUND_SMTP_PASSWORD_FILE": {"COMMONGROUND_SMTP_URL": "smtp://u@host", "COMMONGROUND_SMTP_FROM": "a@example.org", "COMMONGROUND_SMTP_PASSWORD_FILE": "/nonexistent/pw"},
	} {
		_, err := loadConfig(env(kv))
		if err == nil || !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", name, err)
		}
	}
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = loadConfig(env(map[string]string{"COMMONGROUND_SMTP_URL": "smtps://u@mail.example.org", "COMMONGROUND_SMTP_FROM": "CG <a@example.org>", "COMMONGROUND_SMTP_PASSWORD_FILE": pw}))
	if err != nil {
		t.Fatal(err)
	}
	if m, err := c.mailer(); err != nil || m == nil || m.Addr() != "mail.example.org:465" {
		t.Fatalf("mailer = %v, %v", m, err)
	}
}
