package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pgBin finds the PostgreSQL server binaries: PG_BINDIR, else the newest
// version Debian or Ubuntu installed under /usr/lib/postgresql.
func pgBin() string {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) < versionOf(dirs[j]) })
	if len(dirs) == 0 {
		return "/usr/lib/postgresql/15/bin"
	}
	return dirs[len(dirs)-1]
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// cluster is a private PostgreSQL cluster this test may stop and start
// without disturbing the shared test server.
type cluster struct {
	dir  string
	port int
	asPG bool // run the binaries as the postgres user (initdb refuses root)
}

func (c *cluster) run(t *testing.T, name string, args ...string) {
	t.Helper()
	path := filepath.Join(pgBin(), name)
	var cmd *exec.Cmd
	if c.asPG {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBin(), "pg_ctl")); err != nil {
		t.Skipf("no PostgreSQL server binaries at %s (set PG_BINDIR): %v", pgBin(), err)
	}
	dir, err := os.MkdirTemp("", "cg-restart-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	c := &cluster{dir: dir, port: freePort(t), asPG: os.Geteuid() == 0}
	if c.asPG {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	c.run(t, "initdb", "-D", filepath.Join(dir, "data"), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
	c.start(t)
	t.Cleanup(func() { c.stopQuietly() })
	return c
}

func (c *cluster) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir)
	c.run(t, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-o", opts, "-l", filepath.Join(c.dir, "log"), "-w", "start")
}

func (c *cluster) stop(t *testing.T) {
	t.Helper()
	c.run(t, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop")
}

func (c *cluster) stopQuietly() {
	args := []string{filepath.Join(pgBin(), "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "stop"}
	if c.asPG {
		args = append([]string{"runuser", "-u", "postgres", "--"}, args...)
	}
	_ = exec.Command(args[0], args[1:]...).Run()
}

func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", c.port)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// With the database stopped the process stays live, readiness and data
// routes answer 503 with Retry-After, and once the database is back the
// same process is ready again: no restart needed.
func TestSurvivesDatabaseRestart(t *testing.T) {
	c := newCluster(t)
	p := startServe(t, "DATABASE_URL="+c.url())
	p.waitStatus(t, "/readyz", http.StatusOK, 30*time.Second)
	if code, _, body, err := p.get("/collections/countries/items"); err != nil || code != http.StatusOK {
		t.Fatalf("countries before the outage: %d %v %s", code, err, body)
	}

	c.stop(t)
	if code, _, _, err := p.get("/livez"); err != nil || code != http.StatusOK {
		t.Fatalf("livez with the database down: %d %v", code, err)
	}
	p.waitStatus(t, "/readyz", http.StatusServiceUnavailable, 10*time.Second)
	for _, path := range []string{"/readyz", "/collections/countries/items"} {
		code, hdr, body, err := p.get(path)
		if err != nil || code != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" ||
			hdr.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s with the database down: %d %v Retry-After %q %s", path, code, err, hdr.Get("Retry-After"), body)
		}
	}

	c.start(t)
	p.waitStatus(t, "/readyz", http.StatusOK, 30*time.Second)
	if code, _, body, err := p.get("/collections/countries/items"); err != nil || code != http.StatusOK {
		t.Fatalf("countries after the restart: %d %v %s", code, err, body)
	}
	select {
	case err := <-p.exited:
		t.Fatalf("the server exited during the outage: %v", err)
	default:
	}
}
