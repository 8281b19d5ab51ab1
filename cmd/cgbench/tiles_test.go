package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/commonground/commonground/geo"
)

func TestTileRatioCells(t *testing.T) {
	at := func(name string, requests int, secs float64) tilePath {
		return tilePath{name: name, s: stats{Requests: requests, Elapsed: time.Duration(secs * float64(time.Second))}}
	}
	cold, r1, none := at("cold", 300, 2), at("R1", 100, 1), tilePath{}
	if got := ratio(cold, r1); got != "1.50" {
		t.Errorf("ratio(150/s, 100/s) = %s, want 1.50", got)
	}
	if ratio(cold, none) != "-" || ratio(none, r1) != "-" {
		t.Error("a path that did not run gives a ratio")
	}
	timedOut := at("R1", 10, 1)
	timedOut.failed = 10 // every request timed out: rate 0
	if got := ratio(cold, timedOut); got != "-" {
		t.Errorf("ratio against a rate of 0 = %s, want -", got)
	}
	warm := at("warm", 200, 1)
	warm.hits = 150
	if got := warmCell(warm); got != "200.0 (75% hits)" {
		t.Errorf("warmCell = %q", got)
	}
	warm.hits = 200
	if got := warmCell(warm); got != "200.0" {
		t.Errorf("warmCell, all hits = %q", got)
	}
	if sizeCell(none) != "-" || rateCell(none) != "-" {
		t.Error("a path that did not run has cells")
	}
}

func TestTileConfigR1AndPaths(t *testing.T) {
	cfg := tileConfig{url: "http://127.0.0.1:1", db: "postgres://u@localhost/db", serverJIT: "on",
		lim: limits{clients: 4, duration: time.Second, maxRequests: 10}}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.r1Name() != "R1" || !cfg.measures("R1 jit off") {
		t.Error("jit on: cold compares with R1, every path measured")
	}
	cfg.serverJIT, cfg.paths = "off", "cold,R1 jit off"
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.r1Name() != "R1 jit off" || cfg.measures("warm") || !cfg.measures("cold") {
		t.Error("jit off: cold compares with R1 jit off; -paths selects")
	}
	for _, bad := range []func(*tileConfig){
		func(c *tileConfig) { c.serverJIT = "server" },
		func(c *tileConfig) { c.paths = "R1 cold filter" },
		func(c *tileConfig) { c.coldURL = "http://example.org" },
		func(c *tileConfig) { c.url = "" },
	} {
		c := cfg
		bad(&c)
		if c.validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func TestTilePathsPerWorkload(t *testing.T) {
	cfg := tileConfig{url: "http://127.0.0.1:1"}
	for _, w := range tileWorkloads() {
		var names []string
		for _, p := range tilePaths(nil, nil, cfg, r1Stores{}, w) {
			names = append(names, p.name)
		}
		want := "warm,R1,R1 jit off"
		if w.raw {
			want += ",R2"
		}
		if got := strings.Join(names, ","); got != want {
			t.Errorf("%s without a cold server: %s, want %s", w.name, got, want)
		}
	}
	cfg.coldURL = "http://127.0.0.1:2"
	if p := tilePaths(nil, nil, cfg, r1Stores{}, tileWorkloads()[0]); p[0].name != "cold" {
		t.Errorf("with a cold server, %s first", p[0].name)
	}
}

func TestOverlapCell(t *testing.T) {
	for _, c := range []struct {
		ot   overlapTiming
		want string
	}{
		{overlapTiming{times: []time.Duration{3 * time.Second, time.Second, 2 * time.Second}, status: 200, matched: "42"}, "2.000 (42)"},
		{overlapTiming{times: []time.Duration{61 * time.Second}, status: 503}, "over 61 (timed out)"},
		{overlapTiming{}, ""},
	} {
		if got := overlapCell(c.ot); got != c.want {
			t.Errorf("%+v: %q, want %q", c.ot, got, c.want)
		}
	}
}

// R2 draws its points with the server's MVT encoding.
func TestRawPointsEncoding(t *testing.T) {
	enc := fmt.Sprintf("ST_TileEnvelope($1, $2, $3), %d, %d, true", geo.TileExtent, geo.TileBuffer)
	if !strings.Contains(rawPointsSQL, enc) || !strings.Contains(rawPointsSQL, fmt.Sprintf("'points', %d,", geo.TileExtent)) {
		t.Errorf("R2 does not encode as the server does (%s)", enc)
	}
}
