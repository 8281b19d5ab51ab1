// Command cgbench is CommonGround's benchmark tool: it measures the items
// endpoint and the vector tiles against the raw database cost of the same
// work, the overlap requests' latency and the web app's time to first map
// idle (BENCHMARKS.md records each with its command).
//
//	cgbench seed -db URL -n 100000 -bin bin/commonground
//	cgbench run  -url http://127.0.0.1:PORT -db URL -clients 4 -duration 20s
//	cgbench all  -admin URL -bin bin/commonground -sizes 10000,100000
//	cgbench check -url http://127.0.0.1:PORT -db URL
//	cgbench tiles -url http://127.0.0.1:PORT -cold-url http://127.0.0.1:PORT2 -db URL -clients 4 -duration 15s
//	cgbench tiles-all -admin URL -bin bin/commonground -sizes 10000,100000,1000000 -server-jit on
//	cgbench overlaps-all -admin URL -bin bin/commonground -sizes 10000,100000,1000000 -reps 3
//	cgbench web -admin URL -bin bin/commonground -sizes 10000,100000 -runs 10
//	cgbench viewers-all -admin URL -bin bin/commonground -sizes 100000 -clients 4 -duration 10s
//	cgbench writes -admin URL -bin bin/commonground -sizes 10000,100000 -clients 4 -duration 10s
//
// seed fills a benchmark database with the demo alliance plus synthetic
// public point activities; run drives the server and the two raw
// baselines (B1: PostGIS builds the GeoJSON, as the server's SQL once did;
// B2: plain rows encoded in Go by the server's encoder) with the same
// concurrency and prints a markdown table; all seeds each size, starts the
// server on a free port, runs and stops it; check verifies that B1 and B2
// return the server's features.
// tiles and tiles-all do the same for vector tiles (BENCHMARKS.md, "Tiles
// (issue 4)"): the server cold (a second server with the tile cache off,
// COMMONGROUND_TILE_CACHE_MB=0) and warm (cache hits) against the server's
// store code called in process (R1, jit on and off), raw points (R2) and a
// static gin answer (R3), once the precomputed tile aggregates are fresh.
// overlaps-all times the overlap list, matrix and hotspots requests one at a
// time on each size (BENCHMARKS.md, "Overlaps (issue 5)").
// web times the web app in headless Chromium from navigation to the map's
// first idle (BENCHMARKS.md, "Web app: time to first map idle (issue 6)"):
// it serves each size warm and cold as tiles-all does and runs
// frontend/e2e/bench-idle.mjs against each server.
// viewers-all measures items and tiles for an anonymous visitor against a
// signed-in member (session cookie and read token) on the same servers
// (BENCHMARKS.md, "Signed in against anonymous (issue 12)").
// writes measures creates and updates per second through the API and how
// long a change takes to show in a tile and in /overlaps (BENCHMARKS.md,
// "Writes (issue 13)").
// It only talks to 127.0.0.1 / localhost.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: cgbench seed|run|all|check|tiles|tiles-all|overlaps-all|web|viewers-all|writes [flags]  (cgbench <command> -h lists the flags)`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cgbench:", err)
		if errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, usage)
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("bad usage")

func dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errUsage
	}
	fs := flag.NewFlagSet("cgbench "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "seed":
		return seedCmd(ctx, fs, args[1:])
	case "run":
		return runCmd(ctx, fs, args[1:])
	case "all":
		return allCmd(ctx, fs, args[1:])
	case "check":
		return checkCmd(ctx, fs, args[1:])
	case "tiles":
		return tilesCmd(ctx, fs, args[1:])
	case "overlaps-all":
		return overlapsAllCmd(ctx, fs, args[1:])
	case "tiles-all":
		return tilesAllCmd(ctx, fs, args[1:])
	case "web":
		return webCmd(ctx, fs, args[1:])
	case "viewers-all":
		return viewersAllCmd(ctx, fs, args[1:])
	case "writes":
		return writesCmd(ctx, fs, args[1:])
	}
	return fmt.Errorf("unknown command %q: %w", args[0], errUsage)
}

// localOnly refuses URLs (http or postgres) whose host is not the loopback
// interface: the tool generates load and must not aim it elsewhere.
func localOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("bad URL: %w", err)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s://%s is not on 127.0.0.1/localhost: cgbench only talks to this machine", u.Scheme, u.Host)
}

// withDatabase returns the URL with its database name replaced.
func withDatabase(raw, name string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// databaseName is the database a URL names.
func databaseName(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	name := u.Path
	if len(name) > 0 && name[0] == '/' {
		name = name[1:]
	}
	if name == "" {
		return "", fmt.Errorf("the URL names no database")
	}
	return name, nil
}
