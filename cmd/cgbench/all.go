package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func allCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	var cfg runConfig
	sf := addSizedFlags(fs, "the commonground binary: seeds the databases and serves", "10000,100000")
	runFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	ns, err := sf.parse()
	if err != nil {
		return err
	}
	var all []result
	for _, n := range ns {
		db, err := seededDatabase(ctx, *sf.admin, *sf.bin, n)
		if err != nil {
			return err
		}
		cfg.db = db
		res, err := withServer(ctx, *sf.bin, db, func(url string) ([]result, error) {
			cfg.url = url
			if err := cfg.validate(); err != nil {
				return nil, err
			}
			return measureAll(ctx, cfg)
		})
		if err != nil {
			return err
		}
		all = append(all, res...)
	}
	printTables(os.Stdout, all, cfg)
	return nil
}

// sizedFlags are the flags of the commands that seed and serve each size
// themselves: the PostgreSQL server, the commonground binary and the sizes.
type sizedFlags struct{ admin, bin, sizes *string }

// addSizedFlags defines -admin, -bin (described by binUsage) and -sizes
// (by default sizes) on fs.
func addSizedFlags(fs *flag.FlagSet, binUsage, sizes string) sizedFlags {
	return sizedFlags{
		admin: fs.String("admin", "", "URL of the PostgreSQL server (any database); the benchmark databases are cg_bench_<size>"),
		bin:   fs.String("bin", "bin/commonground", binUsage),
		sizes: fs.String("sizes", sizes, "comma-separated numbers of activities"),
	}
}

// parse returns -sizes as numbers of activities, or an error when they are
// malformed or -admin is not on this machine.
func (f sizedFlags) parse() ([]int, error) {
	ns, err := parseSizes(*f.sizes)
	if err != nil {
		return nil, err
	}
	return ns, localOnly(*f.admin)
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 5_000_000 {
			return nil, fmt.Errorf("-sizes: %q is not a number of activities (1..5000000): %w", f, errUsage)
		}
		out = append(out, n)
	}
	return out, nil
}

// sizeLabel names a size: 10000 is 10k, 1000000 is 1m.
func sizeLabel(n int) string {
	switch {
	case n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "m"
	case n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// withServer starts `bin serve` on a free loopback port against db, waits
// until /readyz answers 200, runs f with its base URL and stops it.
func withServer(ctx context.Context, bin, db string, f func(url string) ([]result, error)) ([]result, error) {
	url, stop, err := startServer(ctx, bin, db)
	if err != nil {
		return nil, err
	}
	defer stop()
	return f(url)
}

// startServer starts `bin serve` on a free loopback port against db, with
// env added to its environment, and waits until /readyz answers 200. stop
// ends that one process (SIGTERM, then a kill after 30 s).
func startServer(ctx context.Context, bin, db string, env ...string) (url string, stop func(), err error) {
	addr, err := freeAddr()
	if err != nil {
		return "", nil, err
	}
	logf, err := os.CreateTemp("", "cgbench-server-*.log")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(append(os.Environ(), "DATABASE_URL="+db, "COMMONGROUND_ADDR="+addr,
		"COMMONGROUND_DRAIN_DELAY=0s", "COMMONGROUND_DB_MAX_CONNS=8"), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		stopServer(cmd, exited)
		logf.Close()
	}
	url = "http://" + addr
	log.Printf("server: %s serve on %s %s(log: %s)", bin, url, strings.Join(append(env, ""), " "), logf.Name())
	if err := waitReady(ctx, url, exited); err != nil {
		stop()
		return "", nil, fmt.Errorf("server: %w (see %s)", err, logf.Name())
	}
	return url, stop, nil
}

// startWarmCold starts the two servers of the cold and warm paths on db,
// both with env: warm with the tile cache on, cold with it off
// (COMMONGROUND_TILE_CACHE_MB=0), the cold one once the warm one has
// migrated the database. stop ends both.
func startWarmCold(ctx context.Context, bin, db string, env ...string) (warm, cold string, stop func(), err error) {
	warm, stopWarm, err := startServer(ctx, bin, db, env...)
	if err != nil {
		return "", "", nil, err
	}
	cold, stopCold, err := startServer(ctx, bin, db, append(slices.Clone(env), "COMMONGROUND_TILE_CACHE_MB=0")...)
	if err != nil {
		stopWarm()
		return "", "", nil, err
	}
	return warm, cold, func() { stopCold(); stopWarm() }, nil
}

func stopServer(cmd *exec.Cmd, exited chan error) {
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return // already gone
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}

// freeAddr returns a loopback address with a port that was free just now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady polls /readyz for up to a minute.
func waitReady(ctx context.Context, url string, exited chan error) error {
	client := &http.Client{Timeout: 2 * time.Second}
	for range 240 {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		resp, err := client.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("not ready after a minute")
}
