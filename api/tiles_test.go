package api_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/commonground/commonground/geo/demo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

func decodeTile(t *testing.T, e env, path string) (mvt.Layers, *http.Response) {
	t.Helper()
	rec := e.do(t, http.MethodGet, path)
	if rec.Code == http.StatusNoContent {
		return nil, rec.Result()
	}
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("%s = %d %s", path, rec.Code, rec.Body)
	}
	layers, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return layers, rec.Result()
}

func layer(ls mvt.Layers, name string) *mvt.Layer {
	for _, l := range ls {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// bufferedEnvelope is the SQL of a tile's envelope in 4326 with the MVT
// buffer, the area a tile's features come from.
func bufferedEnvelope(z, x, y int) string {
	return fmt.Sprintf("ST_Transform(ST_TileEnvelope(%d, %d, %d, margin => 64.0/4096), 4326)", z, x, y)
}

// clusteredSQL counts the public locations in the clusters grid cells
// (16 per tile side, aligned world-wide) whose mean position falls inside
// the buffered tile z/x/y: what the tile's clusters must add up to.
func clusteredSQL(z, x, y int) string {
	return fmt.Sprintf(`SELECT coalesce(sum(n), 0) FROM (
		SELECT count(*) AS n, avg(ST_X(p)) AS x, avg(ST_Y(p)) AS y
		FROM activity_locations l JOIN activities a ON a.id = l.activity_id CROSS JOIN LATERAL ST_Transform(l.point, 3857) p
		WHERE a.visibility = 'public'
		GROUP BY floor((ST_X(p) + 20037508.342789244) / (40075016.685578488 / 2 ^ %[1]d / 16)),
			floor((ST_Y(p) + 20037508.342789244) / (40075016.685578488 / 2 ^ %[1]d / 16))) c
	WHERE ST_Intersects(ST_SetSRID(ST_MakePoint(x, y), 3857), ST_TileEnvelope(%[1]d, %[2]d, %[3]d, margin => 64.0/4096))`, z, x, y)
}

func TestTilesMatchTheDatabase(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	e := newEnv(t, dbURL, postgis.Config{}, nil)
	conn := connect(t, dbURL)
	nairobi := maptile.At([2]float64{36.82, -1.29}, 10)

	t.Run("activities at z10: one feature per public location, ids as in GeoJSON", func(t *testing.T) {
		ls, _ := decodeTile(t, e, fmt.Sprintf("/tiles/activities/10/%d/%d.mvt", nairobi.X, nairobi.Y))
		l := layer(ls, "activities")
		var want int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM activity_locations l JOIN activities a ON a.id = l.activity_id
			WHERE a.visibility = 'public' AND l.point && `+bufferedEnvelope(10, int(nairobi.X), int(nairobi.Y))).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if l == nil || len(l.Features) != want || want < 5 {
			t.Fatalf("activities layer has %v features, want %d", l, want)
		}
		for _, f := range l.Features[:5] {
			id := fmt.Sprint(f.ID)
			item := e.do(t, http.MethodGet, "/collections/activities/items/"+id+"?properties=title")
			if item.Code != http.StatusOK || !strings.Contains(item.Body.String(), fmt.Sprintf("%q", f.Properties.MustString("title"))) {
				t.Errorf("tile feature %s (%s) is not GeoJSON feature %s: %s", id, f.Properties.MustString("title"), id, item.Body)
			}
			for _, p := range []string{"status", "precision", "organisation", "constituency", "themes"} {
				if _, ok := f.Properties[p]; !ok {
					t.Errorf("feature %s lacks %s", id, p)
				}
			}
		}
	})

	t.Run("clusters at z2 count the public locations of their cells", func(t *testing.T) {
		ls, _ := decodeTile(t, e, "/tiles/clusters/2/2/1.mvt")
		l := layer(ls, "clusters")
		var want float64
		if err := conn.QueryRow(ctx, clusteredSQL(2, 2, 1)).Scan(&want); err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, f := range l.Features {
			sum += f.Properties.MustFloat64("count")
			if f.Properties.MustFloat64("west") > f.Properties.MustFloat64("east") || f.Properties.MustString("top_themes") == "" {
				t.Errorf("cluster %v", f.Properties)
			}
		}
		if sum != want || want < 50 {
			t.Errorf("cluster counts sum to %v, want %v", sum, want)
		}
		if layer(ls, "activities") != nil {
			t.Error("an activities layer in a clusters-only request")
		}
	})

	t.Run("clusters at the antimeridian edge count what is inside", func(t *testing.T) {
		// Tile 2/3/1 ends at 180°E; its buffer must not wrap round and
		// select the rest of the world.
		ls, _ := decodeTile(t, e, "/tiles/clusters/2/3/1.mvt")
		var want float64
		if err := conn.QueryRow(ctx, clusteredSQL(2, 3, 1)).Scan(&want); err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, f := range layer(ls, "clusters").Features {
			sum += f.Properties.MustFloat64("count")
		}
		if sum != want || want < 20 {
			t.Errorf("cluster counts sum to %v, want %v", sum, want)
		}
	})

	t.Run("countries at z2 carry filtered counts", func(t *testing.T) {
		ke := maptile.At([2]float64{37.9, 0.2}, 2)
		ls, _ := decodeTile(t, e, fmt.Sprintf("/tiles/countries/2/%d/%d.mvt?theme=resilience", ke.X, ke.Y))
		var want float64
		if err := conn.QueryRow(ctx, `SELECT count(DISTINCT a.id) FROM activities a JOIN activity_locations l ON l.activity_id = a.id
			JOIN activity_themes t ON t.activity_id = a.id WHERE a.visibility = 'public' AND l.country_code = 'KE' AND t.theme_code = 'resilience'`).Scan(&want); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range layer(ls, "countries").Features {
			if f.Properties.MustString("iso_a2") == "KE" {
				found = true
				if got := f.Properties.MustFloat64("activity_count"); got != want {
					t.Errorf("Kenya activity_count %v, want %v", got, want)
				}
			}
		}
		if !found {
			t.Error("no Kenya in its tile")
		}
	})
}

// No tile layer, at any zoom that covers a non-public demo activity, shows
// it: with the cache cold and warm.
//
// Both ways low-zoom layers are made are checked: from the precomputed
// aggregates (fresh in the demo database) and computed per request.
func TestTilesLeakNothing(t *testing.T) {
	for _, fresh := range []bool{true, false} {
		t.Run(map[bool]string{true: "aggregates", false: "computed"}[fresh], func(t *testing.T) { testTilesLeakNothing(t, fresh) })
	}
}

func testTilesLeakNothing(t *testing.T, fresh bool) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	e := newEnv(t, dbURL, postgis.Config{}, nil)
	conn := connect(t, dbURL)
	if !fresh {
		if _, err := conn.Exec(ctx, `UPDATE tile_aggregates_state SET version = 0`); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := conn.Query(ctx, `SELECT a.id, ST_X(l.point), ST_Y(l.point) FROM activities a JOIN activity_locations l ON l.activity_id = a.id
		WHERE a.visibility <> 'public' ORDER BY a.id LIMIT 40`)
	if err != nil {
		t.Fatal(err)
	}
	type loc struct {
		id       int64
		lon, lat float64
	}
	var hidden []loc
	for rows.Next() {
		var l loc
		if err := rows.Scan(&l.id, &l.lon, &l.lat); err != nil {
			t.Fatal(err)
		}
		hidden = append(hidden, l)
	}
	hiddenIDs := map[string]bool{}
	for _, h := range hidden {
		hiddenIDs[fmt.Sprint(h.id)] = true
	}
	tiles := 0
	for _, h := range hidden {
		for _, z := range []maptile.Zoom{2, 6, 10, 14} {
			tl := maptile.At([2]float64{h.lon, math.Max(-85, math.Min(85, h.lat))}, z)
			path := fmt.Sprintf("/tiles/activities,clusters,countries/%d/%d/%d.mvt", z, tl.X, tl.Y)
			for _, pass := range []string{"cold", "warm"} {
				rec := e.do(t, http.MethodGet, path)
				if strings.Contains(rec.Body.String(), "NOT-PUBLIC") || strings.Contains(rec.Body.String(), demo.Sentinel) {
					t.Fatalf("%s (%s) holds a non-public title", path, pass)
				}
				if pass == "warm" && rec.Header().Get("X-Cache") != "hit" {
					t.Errorf("%s: second request not from the cache", path)
				}
				if rec.Code == http.StatusOK {
					ls, err := mvt.Unmarshal(rec.Body.Bytes())
					if err != nil {
						t.Fatal(err)
					}
					if l := layer(ls, "activities"); l != nil {
						for _, f := range l.Features {
							if hiddenIDs[fmt.Sprint(f.ID)] {
								t.Fatalf("%s (%s) shows hidden activity %v", path, pass, f.ID)
							}
						}
					}
				}
			}
			tiles++
		}
	}
	if tiles < 100 {
		t.Errorf("only %d tiles checked", tiles)
	}
}

// A change to an activity shows in the next request for a covering tile,
// with a new ETag; an old ETag is answered 304 only while the data version
// has not moved.
//
// With the version read per request (COMMONGROUND_DATA_VERSION=query) that
// holds for the very next request; with notifications (the default) once
// the notification has arrived, which the test waits for as the server
// would.
func TestTileCacheFollowsChanges(t *testing.T) {
	for _, mode := range []string{"query", "notify"} {
		t.Run(mode, func(t *testing.T) { testTileCacheFollowsChanges(t, mode == "query") })
	}
}

func testTileCacheFollowsChanges(t *testing.T, queryVersion bool) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	e := newEnv(t, dbURL, postgis.Config{QueryVersion: queryVersion}, nil)
	if !queryVersion {
		e.watch(t)
	}
	conn := connect(t, dbURL)
	var id int64
	var lon, lat float64
	if err := conn.QueryRow(ctx, `SELECT a.id, ST_X(l.point), ST_Y(l.point) FROM activities a JOIN activity_locations l ON l.activity_id = a.id
		WHERE a.visibility = 'public' AND l.kind = 'point' ORDER BY a.id LIMIT 1`).Scan(&id, &lon, &lat); err != nil {
		t.Fatal(err)
	}
	tl := maptile.At([2]float64{lon, lat}, 12)
	path := fmt.Sprintf("/tiles/activities/12/%d/%d.mvt", tl.X, tl.Y)
	other := "/tiles/activities/12/0/0.mvt" // the middle of the Pacific: empty, unaffected
	first := e.do(t, http.MethodGet, path)
	etag, otherTag := first.Header().Get("ETag"), e.do(t, http.MethodGet, other).Header().Get("ETag")
	if first.Code != http.StatusOK || etag == "" || otherTag == "" {
		t.Fatalf("first answer %d, ETag %q", first.Code, etag)
	}
	if rec := e.do(t, http.MethodGet, path, "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("unchanged data: %d, want 304", rec.Code)
	}
	var before int64
	if err := conn.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE activities SET title = 'Renamed for the tile test' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if !queryVersion {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			if v, _ := e.store.DataVersion(ctx); v > before {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the change was never notified")
			}
		}
	}
	rec := e.do(t, http.MethodGet, path, "If-None-Match", etag)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag || !strings.Contains(rec.Body.String(), "Renamed for the tile test") {
		t.Errorf("after the change: %d, ETag %q (was %q), new title present %v", rec.Code, rec.Header().Get("ETag"), etag,
			strings.Contains(rec.Body.String(), "Renamed for the tile test"))
	}
	if rec := e.do(t, http.MethodGet, other, "If-None-Match", otherTag); rec.Code == http.StatusNotModified {
		t.Error("an old ETag was confirmed after the data version moved")
	}
}

// Bad tile addresses are refused without any database work: the same
// answers come with no database at all. HEAD answers like GET.
func TestTileAddresses(t *testing.T) {
	down := newEnv(t, "postgres://nobody@127.0.0.1:1/none?connect_timeout=1", postgis.Config{}, nil)
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/tiles/activities/x/0/0.mvt", http.StatusBadRequest},
		{"/tiles/activities/21/0/0.mvt", http.StatusBadRequest},
		{"/tiles/activities/-1/0/0.mvt", http.StatusBadRequest},
		{"/tiles/activities/2/4/0.mvt", http.StatusNotFound},
		{"/tiles/activities/2/0/-1.mvt", http.StatusNotFound},
		{"/tiles/activities/2/0/0.png", http.StatusNotFound},
		{"/tiles/roads/2/0/0.mvt", http.StatusNotFound},
		{"/tiles/activities,activities/2/0/0.mvt", http.StatusNotFound},
		{"/tiles/activities,clusters,countries,activities/2/0/0.mvt", http.StatusNotFound},
	} {
		problem(t, down.do(t, http.MethodGet, tt.path), tt.status)
	}
	e := demoEnv(t)
	get := e.do(t, http.MethodGet, "/tiles/clusters/2/2/1.mvt")
	head := e.do(t, http.MethodHead, "/tiles/clusters/2/2/1.mvt")
	if head.Code != get.Code || head.Header().Get("ETag") != get.Header().Get("ETag") ||
		head.Header().Get("Content-Type") != get.Header().Get("Content-Type") || head.Header().Get("Content-Length") != get.Header().Get("Content-Length") {
		t.Errorf("HEAD %d %v, GET %d %v", head.Code, head.Header(), get.Code, get.Header())
	}
	if rec := e.do(t, http.MethodGet, "/tiles/activities/12/0/0.mvt"); rec.Code != http.StatusNoContent {
		t.Errorf("empty tile: %d", rec.Code)
	}
	problem(t, e.do(t, http.MethodGet, "/tiles/activities/2/0/0.mvt?colour=red"), http.StatusBadRequest)
}

// The basemap comes from the reference data alone: land, boundaries,
// country labels and the most populous places, fewer at low zooms.
func TestBasemapTiles(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	ke := maptile.At([2]float64{37.9, 0.2}, 4)
	ls, _ := decodeTile(t, e, fmt.Sprintf("/tiles/basemap/4/%d/%d.mvt", ke.X, ke.Y))
	for _, name := range []string{"land", "boundaries", "country_labels", "places"} {
		if l := layer(ls, name); l == nil || len(l.Features) == 0 {
			t.Fatalf("z4 tile over Kenya lacks the %s layer", name)
		}
	}
	// Kenya straddles the equator, a z4 tile edge: its label is in one of
	// the two tiles, Nairobi (1.3°S) in the southern one.
	south, _ := decodeTile(t, e, fmt.Sprintf("/tiles/basemap/4/%d/%d.mvt", ke.X, ke.Y+1))
	labels := map[string]bool{}
	for _, tile := range []mvt.Layers{ls, south} {
		for _, f := range layer(tile, "country_labels").Features {
			labels[f.Properties.MustString("name")] = true
		}
	}
	if !labels["Kenya"] {
		t.Errorf("no Kenya label in %v", labels)
	}
	ls = south
	names := map[string]float64{}
	for _, f := range layer(ls, "places").Features {
		names[f.Properties.MustString("name")] = f.Properties.MustFloat64("population")
		if f.Properties.MustFloat64("population") < 1_000_000 {
			t.Errorf("z4 labels a place of %v people", f.Properties.MustFloat64("population"))
		}
	}
	if names["Nairobi"] == 0 {
		t.Errorf("Nairobi not among the z4 places: %v", names)
	}
	nb := maptile.At([2]float64{36.82, -1.29}, 10)
	ls, _ = decodeTile(t, e, fmt.Sprintf("/tiles/basemap/10/%d/%d.mvt", nb.X, nb.Y))
	if l := layer(ls, "places"); l == nil || len(l.Features) < 2 {
		t.Errorf("z10 over Nairobi shows too few places: %v", l)
	}
}
