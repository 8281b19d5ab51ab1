package main

import (
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

// The README documents every setting with its default.
func TestReadmeDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var c config
	for _, s := range c.settings() {
		row := "| `" + s.name + "` | `" + s.def + "` |"
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
