package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/encoding/mvt"
)

// checkTiles verifies, for every tile of w, that the warm server's bytes
// are the cold server's (when there is one) and R1's, with JIT on and off
// (the same code on the same data), and on the raw workloads that R2 has
// points wherever the tile has clusters. A tile that times out somewhere
// is logged and skipped; any other difference fails the run.
func checkTiles(ctx context.Context, warm, cold *http.Client, cfg tileConfig, ps r1Stores, w tileWorkload, public int) error {
	var empty, skipped int
	for _, t := range w.tiles {
		srv, err := getTile(ctx, warm, cfg.url+w.path(t))
		var coldB, r2 []byte
		var err2, err5 error
		if cfg.coldURL != "" {
			coldB, err2 = getTile(ctx, cold, cfg.coldURL+w.path(t))
		}
		on, err3 := r1Tile(ctx, ps.on, w.layers, t)
		off, err4 := r1Tile(ctx, ps.off, w.layers, t)
		if w.raw {
			r2, err5 = rawPoints(ctx, ps.raw, t)
		}
		if err := errors.Join(err, err2, sqlErr(err3), sqlErr(err4), sqlErr(err5)); err != nil {
			if errors.Is(err, errTimeout) {
				log.Printf("check %s %s: timed out, not compared", w.name, t)
				skipped++
				continue
			}
			return err
		}
		if len(srv) == 0 {
			empty++
		}
		type other struct {
			what string
			b    []byte
		}
		others := []other{{"R1", on}, {"R1 jit off", off}}
		if cfg.coldURL != "" {
			others = append([]other{{"the cold server", coldB}}, others...)
		}
		for _, o := range others {
			if err := sameBytes(srv, o.b); err != nil {
				return fmt.Errorf("tile %s: %s differs from the warm server: %w", t, o.what, err)
			}
		}
		if w.raw && len(srv) > 0 && len(r2) == 0 {
			return fmt.Errorf("tile %s: R2 has no point where the server has clusters (%d bytes)", t, len(srv))
		}
	}
	if skipped == len(w.tiles) {
		return fmt.Errorf("every tile timed out: nothing compared")
	}
	compared := "R1 (jit on and off)"
	if cfg.coldURL != "" {
		compared = "the cold server and " + compared
	}
	log.Printf("check %s (%d public): %s give the warm server's bytes on %d of %d tiles (%d empty, %d timed out)",
		w.name, public, compared, len(w.tiles)-skipped, len(w.tiles), empty, skipped)
	return nil
}

// sameBytes is nil when got is want; otherwise it says how they differ:
// in size, and whether they at least hold the same features (row order
// within a layer may differ between plans).
func sameBytes(want, got []byte) error {
	if bytes.Equal(want, got) {
		return nil
	}
	detail := "the same features in another order or encoding"
	if err := sameTile(want, got); err != nil {
		detail = "different features: " + err.Error()
	}
	return fmt.Errorf("%d bytes, want %d (%s)", len(got), len(want), detail)
}

func getTile(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	status, b, err := httpGet(ctx, client, u)
	switch {
	case err != nil:
		return nil, err
	case status == http.StatusServiceUnavailable:
		return nil, errTimeout
	case status != http.StatusOK && status != http.StatusNoContent:
		return nil, fmt.Errorf("GET %s: HTTP %d", u, status)
	}
	return b, nil
}

// sameTile compares two MVTs as sets of features per layer (row order
// within a layer may differ between plans).
func sameTile(want, got []byte) error {
	a, err := canonicalTile(want)
	if err != nil {
		return err
	}
	b, err := canonicalTile(got)
	if err != nil {
		return err
	}
	if len(a) != len(b) {
		return fmt.Errorf("%d features, want %d", len(b), len(a))
	}
	for i := range a {
		if a[i] != b[i] {
			return fmt.Errorf("feature %q, want %q", b[i], a[i])
		}
	}
	return nil
}

func canonicalTile(data []byte) ([]string, error) {
	if len(data) == 0 {
		return nil, nil
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range layers {
		for _, f := range l.Features {
			var props []string
			for k, v := range f.Properties {
				props = append(props, fmt.Sprintf("%s=%v", k, v))
			}
			slices.Sort(props)
			out = append(out, fmt.Sprintf("%s|%v|%v|%s", l.Name, f.ID, f.Geometry, strings.Join(props, ",")))
		}
	}
	slices.Sort(out)
	return out, nil
}

// staticSize is R3's response: a fixed 15 kB body.
const staticSize = 15000

// startStatic serves R3: a bare gin engine on a free 127.0.0.1 port
// answering GET /static.mvt with the same fixed 15 kB of random bytes (so
// the HTTP client and gin cost what they cost for a tile).
func startStatic() (string, func(), error) {
	body := make([]byte, staticSize)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range body {
		body[i] = byte(r.IntN(256))
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/static.mvt", func(c *gin.Context) {
		c.Header("Content-Length", fmt.Sprint(len(body)))
		c.Data(http.StatusOK, "application/vnd.mapbox-vector-tile", body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String() + "/static.mvt", stop, nil
}
