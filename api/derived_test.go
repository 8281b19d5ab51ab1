package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
)

// tileOf is the address of the tile of zoom z holding lon, lat.
func tileOf(z int, lon, lat float64) string {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	return fmt.Sprintf("%d/%d/%d", z, x, y)
}

// A write is followed at once by everything derived from the data: the
// data version and ETags, the tile cache (warm before the write), the
// clusters (live, then from the rebuilt aggregates), the stats cache,
// search, and the overlaps (live, then from the rebuilt index); and a
// deletion takes it out of all of them again.
func TestWriteFollowedEverywhere(t *testing.T) {
	e := newAccountEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.store.Watch(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	t.Cleanup(func() { cancel(); <-done })
	fresh := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
			var ok bool
			e.query(t, `SELECT s.version = d.version FROM tile_aggregates_state s, data_version d`, &ok)
			if _, err := e.store.RefreshOverlapIndex(context.Background()); err != nil {
				t.Fatal(err)
			}
			if ok && e.store.Notified() {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the aggregates were not rebuilt", what)
			}
		}
	}
	fresh("start")

	// The new activity joins a public one of another member: same point,
	// theme and time.
	var partner, partnerOrg int64
	var lon, lat float64
	var theme string
	e.query(t, `SELECT a.id, o.organisation_id, ST_X(l.geom), ST_Y(l.geom), min(t.theme_code)
		FROM activities a JOIN activity_organisations o ON o.activity_id = a.id AND o.role = 'lead' AND o.organisation_id <> 1
		JOIN activity_locations l ON l.activity_id = a.id AND l.kind = 'point'
		JOIN activity_themes t ON t.activity_id = a.id
		WHERE a.visibility = 'public' AND a.status = 'implementation' AND a.period @> current_date AND l.country_code IS NOT NULL
		GROUP BY 1, 2, 3, 4 ORDER BY 1 LIMIT 1`, &partner, &partnerOrg, &lon, &lat, &theme)
	title := "Derived check " + fmt.Sprint(time.Now().UnixNano())
	body := fmt.Sprintf(`{"type":"Feature","properties":{"title":%q,"organisations":[{"id":1,"role":"lead"}],"themes":[%q],
		"start_date":"2020-01-01","end_date":"2099-12-31","locations":[{"kind":"point","geometry":{"type":"Point","coordinates":[%v,%v]}}]}}`,
		title, theme, lon, lat)

	z14, z2 := "/tiles/activities/"+tileOf(14, lon, lat)+".mvt", "/tiles/clusters/"+tileOf(2, lon, lat)+".mvt"
	type seen struct {
		etag          string
		inTile        bool
		clustered     int
		activities    int
		found, paired bool
		matrix        int
	}
	look := func(id int64) seen {
		t.Helper()
		var s seen
		s.etag = e.do(t, http.MethodGet, "/collections", "").Header().Get("ETag")
		if ls := e.tile(t, z14); ls != nil {
			for _, f := range ls[0].Features {
				if fmt.Sprint(f.ID) == fmt.Sprint(id) {
					s.inTile = true
				}
			}
		}
		for _, l := range e.tile(t, z2) {
			for _, f := range l.Features {
				n, _ := f.Properties["count"].(float64)
				s.clustered += int(n)
			}
		}
		var st struct {
			Total struct {
				Activities int `json:"activity_count"`
			}
		}
		e.decode(t, "/stats", &st)
		s.activities = st.Total.Activities
		s.found = strings.Contains(e.do(t, http.MethodGet, "/search?q="+strings.ReplaceAll(title, " ", "+"), "").Body.String(), `"name":"`+title+`"`)
		var ov struct {
			Overlaps []struct{ A, B struct{ ID int64 } }
		}
		e.decode(t, fmt.Sprintf("/activities/%d/overlaps?limit=1000", partner), &ov)
		for _, o := range ov.Overlaps {
			if o.A.ID == id || o.B.ID == id {
				s.paired = true
			}
		}
		var m struct {
			Cells []struct{ A, B, Overlaps int64 }
		}
		e.decode(t, "/overlaps/matrix", &m)
		for _, c := range m.Cells {
			if (c.A == 1 && c.B == partnerOrg) || (c.B == 1 && c.A == partnerOrg) {
				s.matrix = int(c.Overlaps)
			}
		}
		return s
	}
	before := look(-1)
	if before.found || before.activities == 0 || before.clustered == 0 {
		t.Fatalf("before: %+v", before)
	}
	rec := e.do(t, http.MethodPost, "/collections/activities/items", body, e.as(t, "editor of A")...)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	id := decodeFeature(t, rec).ID
	check := func(when string, got seen, in bool) {
		t.Helper()
		d := 0
		if in {
			d = 1
		}
		if got.etag == before.etag {
			t.Errorf("%s: the data version's ETag did not move", when)
		}
		if got.inTile != in || got.clustered != before.clustered+d || got.activities != before.activities+d || got.found != in || got.paired != in {
			t.Errorf("%s: %+v (before %+v)", when, got, before)
		}
		if in && got.matrix <= before.matrix || !in && got.matrix != before.matrix {
			t.Errorf("%s: matrix cell %d, before %d", when, got.matrix, before.matrix)
		}
	}
	check("at once", look(id), true)
	fresh("after the create")
	check("from the rebuilt aggregates and index", look(id), true)

	del := e.do(t, http.MethodDelete, fmt.Sprintf("/collections/activities/items/%d", id), "",
		append(append([]string{}, e.as(t, "editor of A")...), "If-Match", "*")...)
	if del.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", del.Code, del.Body)
	}
	after := look(id)
	if after.inTile || after.found || after.paired || after.clustered != before.clustered || after.activities != before.activities || after.matrix != before.matrix {
		t.Errorf("after the deletion: %+v (before %+v)", after, before)
	}
}

func (e *accountEnv) tile(t *testing.T, path string) mvt.Layers {
	t.Helper()
	rec := e.do(t, http.MethodGet, path, "")
	if rec.Code == http.StatusNoContent {
		return nil
	}
	ls, err := mvt.Unmarshal(rec.Body.Bytes())
	if rec.Code != 200 || err != nil {
		t.Fatalf("%s: %d %v", path, rec.Code, err)
	}
	return ls
}

func (e *accountEnv) decode(t *testing.T, path string, dst any) {
	t.Helper()
	rec := e.do(t, http.MethodGet, path, "")
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), dst) != nil {
		t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
	}
}
