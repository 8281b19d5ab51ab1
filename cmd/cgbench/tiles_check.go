package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/encoding/mvt"
)

// checkTiles verifies, for every tile of w, that R1 decodes to the
// server's features (and says whether the bytes are identical), that the
// cold path's filter selects exactly what no filter does (server and R1),
// and logs empty tiles. A tile that times out is logged and skipped.
func checkTiles(ctx context.Context, client *http.Client, base string, ps tilePools, w tileWorkload, public int) error {
	var empty, identical, skipped int
	for _, t := range w.tiles {
		srv, err := getTile(ctx, client, base+w.path(t))
		cold, err2 := getTile(ctx, client, base+w.path(t)+coldFilter().query())
		r1, err3 := rawTile(ctx, ps.on, w.layers, t, tileOpts{})
		r1c, err4 := rawTile(ctx, ps.on, w.layers, t, coldFilter())
		if err := errors.Join(err, err2, sqlErr(err3), sqlErr(err4)); err != nil {
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
		if bytes.Equal(srv, r1) {
			identical++
		}
		for _, c := range []struct {
			what      string
			want, got []byte
		}{{"R1", srv, r1}, {"server with the cold filter", srv, cold}, {"R1 with the cold filter", r1, r1c}} {
			if err := sameTile(c.want, c.got); err != nil {
				return fmt.Errorf("tile %s: %s differs from the server: %w", t, c.what, err)
			}
		}
	}
	log.Printf("check %s (%d public): R1 and the cold filter give the server's features on %d of %d tiles (%d byte-identical, %d empty, %d timed out)",
		w.name, public, len(w.tiles)-skipped, len(w.tiles), identical, empty, skipped)
	return nil
}

func getTile(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return nil, err
	case resp.StatusCode == http.StatusServiceUnavailable:
		return nil, errTimeout
	case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent:
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
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
// the HTTP client and gin cost what they cost for a tile). With a pool it
// first reads the data version as the server does for every tile (R3+V).
func startStatic(pool *pgxpool.Pool) (string, func(), error) {
	body := make([]byte, staticSize)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range body {
		body[i] = byte(r.IntN(256))
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/static.mvt", func(c *gin.Context) {
		if pool != nil {
			var v int64
			if err := pool.QueryRow(c.Request.Context(), `SELECT version FROM data_version`).Scan(&v); err != nil {
				c.Status(http.StatusInternalServerError)
				return
			}
		}
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
