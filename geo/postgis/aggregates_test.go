package postgis_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

var (
	anonymous   = geo.Viewer{Kind: geo.Anonymous}
	aggLayers   = []string{geo.LayerClusters, geo.LayerCountries}
	noFilter    = geo.ActivityFilter{}
	staleAggSQL = `UPDATE tile_aggregates_state SET version = 0`
)

// aggTiles is every tile of zooms 0-3 and the tiles at zooms 5 and 8 of
// each demo location.
func aggTiles(t *testing.T, dbURL string) []geo.Tile {
	return aggTilesWhere(t, dbURL, "true")
}

// signedInTiles is every tile of zooms 0-3 and the tiles at zooms 5 and 8
// of each location of a members-only activity or a draft: where signed-in
// viewers' tiles differ from the public's (computing the others for every
// viewer would only take time).
func signedInTiles(t *testing.T, dbURL string) []geo.Tile {
	return aggTilesWhere(t, dbURL, "activity_id IN (SELECT id FROM activities WHERE visibility <> 'public')")
}

func aggTilesWhere(t *testing.T, dbURL, where string) []geo.Tile {
	var out []geo.Tile
	for z := 0; z <= 3; z++ {
		for x := 0; x < 1<<z; x++ {
			for y := 0; y < 1<<z; y++ {
				out = append(out, geo.Tile{Z: z, X: x, Y: y})
			}
		}
	}
	rows, err := connect(t, dbURL).Query(context.Background(), `SELECT DISTINCT ST_X(point), ST_Y(point) FROM activity_locations
		WHERE abs(ST_Y(point)) < 85 AND `+where+` ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[geo.Tile]bool{}
	for rows.Next() {
		var lon, lat float64
		if err := rows.Scan(&lon, &lat); err != nil {
			t.Fatal(err)
		}
		for _, z := range []maptile.Zoom{5, 8} {
			mt := maptile.At([2]float64{lon, lat}, z)
			tl := geo.Tile{Z: int(z), X: int(mt.X), Y: int(mt.Y)}
			if !seen[tl] {
				seen[tl] = true
				out = append(out, tl)
			}
		}
	}
	return out
}

// aggViewers are the viewers whose unfiltered tiles read the precomputed
// aggregates: anonymous (the public's), a member of the organisation taking
// part in the most drafts, a member of one taking part in none (the members'
// as they are) and the secretariat (the members', corrected for every
// draft).
func aggViewers(t *testing.T, dbURL string) map[string]geo.Viewer {
	var withDrafts, without int64
	err := connect(t, dbURL).QueryRow(context.Background(), `SELECT
		(SELECT ao.organisation_id FROM activity_organisations ao JOIN activities a ON a.id = ao.activity_id
			WHERE a.visibility = 'draft' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1),
		(SELECT o.id FROM organisations o WHERE NOT EXISTS (SELECT FROM activity_organisations ao JOIN activities a ON a.id = ao.activity_id
			WHERE a.visibility = 'draft' AND ao.organisation_id = o.id) ORDER BY 1 LIMIT 1)`).Scan(&withDrafts, &without)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]geo.Viewer{
		"anonymous":          anonymous,
		"member with drafts": {Kind: geo.Member, OrganisationID: withDrafts, UserID: 1, Role: geo.UserViewer, Scope: geo.ScopeRead},
		"member, no drafts":  {Kind: geo.Member, OrganisationID: without, UserID: 2, Role: geo.UserViewer, Scope: geo.ScopeRead},
		"secretariat":        {Kind: geo.Secretariat, UserID: 3, Role: geo.UserSecretariat, Scope: geo.ScopeWrite},
	}
}

// The precomputed aggregates give the same clusters and countries layers
// as computing them from the activities, tile for tile and for every kind
// of viewer (the signed-in ones see more than the public, in some tiles),
// and tiles do come from them while they are fresh.
func TestTileAggregatesMatchComputed(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	s := open(t, dbURL)
	conn := connect(t, dbURL)
	r, err := s.RefreshTileAggregates(ctx)
	if err != nil || r.Built {
		t.Fatalf("the demo database's aggregates were not fresh: %+v, %v", r, err)
	}
	tiles := aggTiles(t, dbURL)
	if len(tiles) < 200 {
		t.Fatalf("only %d tiles", len(tiles))
	}
	viewers := aggViewers(t, dbURL)
	tilesOf := map[string][]geo.Tile{}
	signedIn := signedInTiles(t, dbURL)
	if len(signedIn) < 100 {
		t.Fatalf("only %d tiles for signed-in viewers", len(signedIn))
	}
	for name := range viewers {
		tilesOf[name] = signedIn
	}
	tilesOf["anonymous"] = tiles
	fromAgg := map[string]map[geo.Tile][]byte{}
	for name, v := range viewers {
		fromAgg[name] = map[geo.Tile][]byte{}
		nonEmpty := 0
		for _, tl := range tilesOf[name] {
			b, err := s.Tile(ctx, v, aggLayers, tl, noFilter)
			if err != nil {
				t.Fatal(err)
			}
			fromAgg[name][tl] = b
			if len(b) > 0 {
				nonEmpty++
			}
		}
		if nonEmpty < 90 {
			t.Fatalf("%s: only %d non-empty tiles", name, nonEmpty)
		}
	}
	for _, name := range []string{"member with drafts", "member, no drafts", "secretariat"} {
		differ := 0
		for _, tl := range signedIn {
			if _, ok := fromAgg["anonymous"][tl]; ok && !bytes.Equal(fromAgg[name][tl], fromAgg["anonymous"][tl]) {
				differ++
			}
		}
		if differ == 0 {
			t.Errorf("%s: every tile is the public's; the test shows nothing", name)
		}
	}
	if _, err := conn.Exec(ctx, staleAggSQL); err != nil {
		t.Fatal(err)
	}
	for name, v := range viewers {
		start := time.Now()
		for _, tl := range tilesOf[name] {
			b, err := s.Tile(ctx, v, aggLayers, tl, noFilter)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, fromAgg[name][tl]) {
				t.Errorf("%s, tile %v: %d bytes from the aggregates, %d computed:\n%s", name, tl, len(fromAgg[name][tl]), len(b), diffLayers(t, fromAgg[name][tl], b))
			}
		}
		t.Logf("%s: %d tiles computed in %s", name, len(tilesOf[name]), time.Since(start).Round(time.Millisecond))
	}

	// Fresh again, with every cell's count changed: the tiles show it, so
	// they were read from tile_cells (the members' cells for a member).
	if _, err := s.RefreshTileAggregates(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		audience string
		v        geo.Viewer
	}{{"public", anonymous}, {"members", viewers["member, no drafts"]}} {
		if _, err := conn.Exec(ctx, `UPDATE tile_cells SET n = n + 1000 WHERE audience = $1`, c.audience); err != nil {
			t.Fatal(err)
		}
		b, err := s.Tile(ctx, c.v, aggLayers, geo.Tile{}, noFilter)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := mvt.Unmarshal(b)
		if err != nil || len(ls) == 0 || len(ls[0].Features) == 0 {
			t.Fatalf("z0 tile: %v, %v", ls, err)
		}
		if n := ls[0].Features[0].Properties.MustFloat64("count"); n < 1000 {
			t.Errorf("%s: z0 cluster count %v: the tile was not read from tile_cells", c.audience, n)
		}
	}
}

// diffLayers describes the first difference between two tiles.
func diffLayers(t *testing.T, a, b []byte) string {
	la, err1 := mvt.Unmarshal(a)
	lb, err2 := mvt.Unmarshal(b)
	if err1 != nil || err2 != nil {
		return "undecodable"
	}
	var out bytes.Buffer
	for i := range min(len(la), len(lb)) {
		fa, fb := la[i].Features, lb[i].Features
		if len(fa) != len(fb) {
			out.WriteString(la[i].Name + ": feature counts differ\n")
			continue
		}
		for j := range fa {
			if !fa[j].Geometry.Bound().Equal(fb[j].Geometry.Bound()) || len(fa[j].Properties) != len(fb[j].Properties) {
				out.WriteString(la[i].Name + ": features differ\n")
				break
			}
			for k, v := range fa[j].Properties {
				if fb[j].Properties[k] != v {
					out.WriteString(la[i].Name + ": " + k + " differs\n")
				}
			}
		}
	}
	return out.String()
}

// zeroCount is the number of locations the z0 clusters add up to.
func zeroCount(t *testing.T, s *postgis.Store) float64 {
	t.Helper()
	b, err := s.Tile(context.Background(), anonymous, []string{geo.LayerClusters}, geo.Tile{}, noFilter)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, f := range ls[0].Features {
		n += f.Properties.MustFloat64("count")
	}
	return n
}

// A change makes the aggregates stale: tiles are computed (and show the
// change) until a rebuild, which then serves the changed data; a second
// rebuild has nothing to do.
func TestTileAggregatesFollowChanges(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	s := open(t, dbURL)
	conn := connect(t, dbURL)
	var public float64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM activity_locations l JOIN activities a ON a.id = l.activity_id
		WHERE a.visibility = 'public' AND abs(ST_Y(l.point)) < 85.05`).Scan(&public); err != nil {
		t.Fatal(err)
	}
	if got := zeroCount(t, s); got != public {
		t.Fatalf("z0 clusters add up to %v, want %v", got, public)
	}
	var id int64
	var locs float64
	if err := conn.QueryRow(ctx, `SELECT a.id, count(*) FROM activities a JOIN activity_locations l ON l.activity_id = a.id
		WHERE a.visibility = 'public' GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1`).Scan(&id, &locs); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE activities SET visibility = 'members' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if got := zeroCount(t, s); got != public-locs {
		t.Errorf("after hiding activity %d (%v locations): z0 clusters add up to %v, want %v", id, locs, got, public-locs)
	}
	r, err := s.RefreshTileAggregates(ctx)
	if err != nil || !r.Built || r.Cells == 0 {
		t.Fatalf("rebuild: %+v, %v", r, err)
	}
	if v, _ := s.DataVersion(ctx); v != r.Version {
		t.Errorf("rebuilt for version %d, data version %d", r.Version, v)
	}
	if got := zeroCount(t, s); got != public-locs {
		t.Errorf("from the rebuilt aggregates: z0 clusters add up to %v, want %v", got, public-locs)
	}
	if r, err := s.RefreshTileAggregates(ctx); err != nil || r.Built {
		t.Errorf("second rebuild: %+v, %v", r, err)
	}
}

// Watch keeps the data version from notifications, rebuilds the
// aggregates after a change, and survives losing its connection.
func TestWatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dbURL := pgtest.New(t, pgtest.Demo)
	s := open(t, dbURL)
	conn := connect(t, dbURL)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Watch(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	t.Cleanup(func() { cancel(); <-done })

	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("gave up waiting for %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	dbVersion := func() int64 {
		var v int64
		if err := conn.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	change := func() {
		if _, err := conn.Exec(ctx, `UPDATE activities SET title = title || '.' WHERE id = (SELECT min(id) FROM activities WHERE visibility = 'public')`); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("the listener", s.Notified)
	for round := range 2 {
		change()
		want := dbVersion()
		waitFor("the notified version", func() bool { v, _ := s.DataVersion(ctx); return v == want })
		waitFor("the aggregates rebuilt", func() bool {
			var v int64
			_ = conn.QueryRow(ctx, `SELECT version FROM tile_aggregates_state`).Scan(&v)
			return v == want
		})
		if round == 0 {
			// Drop the listener's connection: versions are read per call
			// until it is back.
			if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = 'commonground watch'`); err != nil {
				t.Fatal(err)
			}
			waitFor("the listener to notice", func() bool { return !s.Notified() })
			change()
			if v, err := s.DataVersion(ctx); err != nil || v != dbVersion() {
				t.Errorf("listener down: DataVersion %d, %v; want %d", v, err, dbVersion())
			}
			waitFor("the listener back", s.Notified)
		}
	}
}

// A tile with more locations than the activities layer may hold comes as
// clusters that count every one of them, not as a truncated layer; a
// smaller tile inside it still has the activities.
func TestDenseTileComesAsClusters(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	s := open(t, dbURL)
	conn := connect(t, dbURL)
	// 5,100 activities within ±0.1° of the centre of a z10 tile (0.35° wide).
	z10 := maptile.At([2]float64{36.82, -1.29}, 10)
	centre := z10.Center()
	if _, err := conn.Exec(ctx, `WITH ins AS (
		INSERT INTO activities (title) SELECT 'Dense test activity ' || g FROM generate_series(1, 5100) g RETURNING id)
		INSERT INTO activity_locations (activity_id, kind, precision, geom)
		SELECT id, 'point', 'exact', ST_SetSRID(ST_MakePoint($1 + (random() - 0.5) * 0.2, $2 + (random() - 0.5) * 0.2), 4326) FROM ins`,
		centre.Lon(), centre.Lat()); err != nil {
		t.Fatal(err)
	}
	tile := geo.Tile{Z: 10, X: int(z10.X), Y: int(z10.Y)}
	b, err := s.Tile(ctx, anonymous, []string{geo.LayerActivities}, tile, noFilter)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil || len(ls) != 1 || ls[0].Name != geo.LayerClusters {
		t.Fatalf("dense z10 tile: layers %v, %v; want one clusters layer", ls, err)
	}
	var sum float64
	for _, f := range ls[0].Features {
		sum += f.Properties.MustFloat64("count")
	}
	var inTile float64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM activity_locations l JOIN activities a ON a.id = l.activity_id
		WHERE a.visibility = 'public' AND ST_Intersects(ST_Transform(l.point, 3857), ST_TileEnvelope(10, $1, $2))`,
		tile.X, tile.Y).Scan(&inTile); err != nil {
		t.Fatal(err)
	}
	if sum < inTile || inTile < 5100 {
		t.Errorf("clusters count %v locations; the tile holds %v", sum, inTile)
	}
	// A z13 tile at the centre holds about a 20th of them.
	z13 := maptile.At(centre, 13)
	b, err = s.Tile(ctx, anonymous, []string{geo.LayerActivities}, geo.Tile{Z: 13, X: int(z13.X), Y: int(z13.Y)}, noFilter)
	if err != nil {
		t.Fatal(err)
	}
	if ls, err := mvt.Unmarshal(b); err != nil || len(ls) != 1 || ls[0].Name != geo.LayerActivities || len(ls[0].Features) < 50 {
		t.Errorf("z13 tile: %v, %v; want activities", ls, err)
	}
}

// country_tiles holds, for every tile of zooms 0-6, what clipping
// country_shapes to the tile gives, and nothing else.
func TestCountryTilesMatchShapes(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	conn := connect(t, dbURL)
	checked := 0
	for _, tl := range aggTiles(t, dbURL) {
		if tl.Z > 6 {
			continue
		}
		var same bool
		var n int
		err := conn.QueryRow(ctx, `SELECT
			(SELECT ST_AsMVT(t, 'c', 4096, 'geom', 'country_id') FROM (
				SELECT country_id, geom FROM country_tiles WHERE z = $1 AND x = $2 AND y = $3 ORDER BY country_id) t)
			IS NOT DISTINCT FROM
			(SELECT ST_AsMVT(t, 'c', 4096, 'geom', 'country_id') FROM (
				SELECT country_id, ST_AsMVTGeom(ST_ClipByBox2D(geom, ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096)),
					ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
				FROM country_shapes WHERE z = $1 AND geom && ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096)
				ORDER BY country_id) t WHERE geom IS NOT NULL),
			(SELECT count(*) FROM country_tiles WHERE z = $1 AND x = $2 AND y = $3)`, tl.Z, tl.X, tl.Y).Scan(&same, &n)
		if err != nil {
			t.Fatal(err)
		}
		if !same {
			t.Errorf("tile %v: country_tiles differs from clipping country_shapes", tl)
		}
		if n > 0 {
			checked++
		}
	}
	if checked < 150 {
		t.Errorf("only %d tiles with countries checked", checked)
	}
}
