package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binPath is the commonground binary built once for the tests that run it
// as a real process, so they can send it real signals.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "commonground-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "commonground")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build commonground:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a running `commonground serve`.
type process struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port
	mu     sync.Mutex
	logs   strings.Builder
	exited chan error
}

// startServe runs `commonground serve` on a free port with env added to the
// environment, and waits until it listens.
func startServe(t *testing.T, env ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(binPath, "serve"), exited: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), append([]string{"COMMONGROUND_ADDR=127.0.0.1:0", "COMMONGROUND_LOG_LEVEL=debug"}, env...)...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go p.readLogs(stderr, addr)
	go func() { p.exited <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server log:\n%s", p.log())
		}
	})
	select {
	case a := <-addr:
		p.base = "http://" + a
	case err := <-p.exited:
		t.Fatalf("server exited before listening: %v\n%s", err, p.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not listen within 60s\n%s", p.log())
	}
	return p
}

func (p *process) readLogs(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		p.mu.Lock()
		p.logs.WriteString(line + "\n")
		p.mu.Unlock()
		var rec struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
			addr <- rec.Addr
		}
	}
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// get fetches path on a fresh connection (no keep-alive), so each request
// reaches the listener.
func (p *process) get(path string) (int, http.Header, string, error) {
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(p.base + path)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b), err
}

// waitStatus polls path until it answers want or the timeout passes.
func (p *process) waitStatus(t *testing.T, path string, want int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		code, _, body, err := p.get(path)
		if err == nil && code == want {
			return
		}
		last = fmt.Sprintf("%d %s %v", code, body, err)
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer %d within %s; last: %s", path, want, timeout, last)
}

// Bad configuration stops the binary with one clear line and a non-zero
// status, before it touches the database.
func TestBadConfigExitsWithOneLine(t *testing.T) {
	tests := []struct{ name, env, names string }{
		{"unparsable DATABASE_URL", "DATABASE_URL=postgres://u:secret@db:notaport/x", "DATABASE_URL"},
		{"negative timeout", "COMMONGROUND_STATEMENT_TIMEOUT=-5s", "COMMONGROUND_STATEMENT_TIMEOUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(binPath, "serve")
			cmd.Env = append(os.Environ(), tt.env)
			out, err := cmd.CombinedOutput()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() == 0 {
				t.Fatalf("exit: %v, output %q", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tt.names) || strings.Contains(lines[0], "secret") {
				t.Errorf("output %q: want one line naming %s, without the password", out, tt.names)
			}
		})
	}
	out, err := exec.Command(binPath, "frobnicate").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "usage") {
		t.Errorf("unknown command: %v %q", err, out)
	}
}

// signal sends sig to the server process.
func (p *process) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// waitExit waits for the process to end and returns its exit error.
func (p *process) waitExit(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case err := <-p.exited:
		return err
	case <-time.After(timeout):
		t.Fatalf("server still running %s after the signal\n%s", timeout, p.log())
		return nil
	}
}
