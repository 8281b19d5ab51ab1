package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
)

// TestMVT reads the vector tiles with GDAL's MVT driver, as a user's QGIS
// would: straight over HTTP and through /vsicurl/ (which asks with HEAD
// first), and checks what GDAL gets against the database.
func TestMVT(t *testing.T) {
	p, db := gdalServer(t)
	ctx := context.Background()

	nairobi := maptile.At(orb.Point{36.82, -1.29}, 10)
	var want int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM activity_locations l JOIN activities a ON a.id = l.activity_id
		WHERE a.visibility = 'public' AND l.point && ST_Transform(ST_TileEnvelope(10, $1, $2, margin => 64.0/4096), 4326)`,
		int(nairobi.X), int(nairobi.Y)).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if want < 5 {
		t.Fatalf("the demo data should have public locations in Nairobi's z10 tile; it has %d", want)
	}
	path := fmt.Sprintf("/tiles/activities/10/%d/%d.mvt", nairobi.X, nairobi.Y)

	// checkActivities checks ogrinfo -al output of the Nairobi tile.
	checkActivities := func(t *testing.T, out string) {
		t.Helper()
		if got := ogrLayers(out); len(got) != 1 || got[0] != "activities" {
			t.Errorf("layers %q, want [activities]\n%.3000s", got, out)
		}
		m := regexp.MustCompile(`(?m)^Feature Count: (\d+)$`).FindStringSubmatch(out)
		if m == nil || m[1] != strconv.Itoa(want) {
			t.Errorf("Feature Count %v, want %d\n%.3000s", m, want, out)
		}
		if n := strings.Count(out, "OGRFeature(activities):"); n != want {
			t.Errorf("%d features listed, want %d", n, want)
		}
		for _, prop := range []string{"title", "status", "precision", "kind", "country", "organisation", "constituency", "themes"} {
			if !regexp.MustCompile(`(?m)^\s+` + prop + ` \(String\) = \S`).MatchString(out) {
				t.Errorf("no %s (String) with a value in the features\n%.3000s", prop, out)
			}
		}
		// GDAL georeferences the tile from its z/x/y: every point lies in
		// the tile's buffered bounds, in Web Mercator.
		b := nairobi.Bound(64.0 / 4096)
		lo, hi := project.WGS84.ToMercator(b.Min), project.WGS84.ToMercator(b.Max)
		pts := regexp.MustCompile(`(?m)^\s+POINT \((-?[\d.]+) (-?[\d.]+)\)$`).FindAllStringSubmatch(out, -1)
		if len(pts) != want {
			t.Errorf("%d points, want %d", len(pts), want)
		}
		for _, m := range pts {
			x, _ := strconv.ParseFloat(m[1], 64)
			y, _ := strconv.ParseFloat(m[2], 64)
			if x < lo[0]-1 || x > hi[0]+1 || y < lo[1]-1 || y > hi[1]+1 {
				t.Errorf("POINT (%s %s) is outside the tile's bounds %v..%v", m[1], m[2], lo, hi)
			}
		}
	}

	t.Run("MVT driver over HTTP", func(t *testing.T) {
		out, _ := gdal(t, "ogrinfo", "-ro", "-al", "MVT:"+p.base+path)
		checkActivities(t, out)
	})

	t.Run("through /vsicurl/, which sends HEAD first", func(t *testing.T) {
		before := len(serverRequests(p.log()))
		out, debug := gdal(t, "ogrinfo", "-ro", "-al", "/vsicurl/"+p.base+path)
		checkActivities(t, out)
		// Request logs are written out within 100 ms.
		var head, get bool
		for deadline := time.Now().Add(3 * time.Second); !(head && get) && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for _, r := range serverRequests(p.log())[before:] {
				if r.Path == path {
					head = head || (r.Method == http.MethodHead && r.Status == http.StatusOK)
					get = get || (r.Method == http.MethodGet && r.Status == http.StatusOK)
				}
			}
		}
		if !head || !get {
			t.Errorf("server saw HEAD %v, GET %v of %s\n%s", head, get, path, debug)
		}
	})

	t.Run("a z2 tile with clusters and countries", func(t *testing.T) {
		ke := maptile.At(orb.Point{36.82, -1.29}, 2)
		out, _ := gdal(t, "ogrinfo", "-ro", "-al", fmt.Sprintf("MVT:%s/tiles/clusters,countries/2/%d/%d.mvt", p.base, ke.X, ke.Y))
		if got := ogrLayers(out); len(got) != 2 || got[0] != "clusters" || got[1] != "countries" {
			t.Errorf("layers %q, want [clusters countries]\n%.3000s", got, out)
		}
		for _, prop := range []string{`count \(Integer\S*\) = [1-9]`, `top_themes \(String\) = \S`, `iso_a2 \(String\) = KE$`, `activity_count \(Integer\S*\) = [1-9]`} {
			if !regexp.MustCompile(`(?m)^\s+` + prop).MatchString(out) {
				t.Errorf("no %s in the features\n%.3000s", prop, out)
			}
		}
	})
}

// ogrLayers lists the "Layer name:" lines of ogrinfo -al output, in order.
func ogrLayers(out string) []string {
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^Layer name: (\S+)$`).FindAllStringSubmatch(out, -1) {
		names = append(names, m[1])
	}
	return names
}

type loggedRequest struct {
	Msg, Method, Path string
	Status            int
}

// serverRequests parses the server's request log lines.
func serverRequests(log string) []loggedRequest {
	var out []loggedRequest
	for _, l := range strings.Split(log, "\n") {
		var r loggedRequest
		if json.Unmarshal([]byte(l), &r) == nil && r.Msg == "request" {
			out = append(out, r)
		}
	}
	return out
}
