package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

// tilejsonSchema compiles testdata/tilejson-3.0.0-schema.json, the
// TileJSON 3.0.0 schema of mapbox/tilejson-spec (commit 84008d75,
// 3.0.0/schema.json).
func tilejsonSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/tilejson-3.0.0-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("tilejson-3.0.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("tilejson-3.0.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(s *jsonschema.Schema, b []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

type tileJSON struct {
	TileJSON     string   `json:"tilejson"`
	Tiles        []string `json:"tiles"`
	MinZoom      int      `json:"minzoom"`
	MaxZoom      int      `json:"maxzoom"`
	VectorLayers []struct {
		ID string `json:"id"`
	} `json:"vector_layers"`
}

// TestTileJSON validates every TileJSON document against the TileJSON 3.0.0
// schema and follows its tile URL: it carries the filters and the data
// version, and it answers a tile filtered like the items.
func TestTileJSON(t *testing.T) {
	ctx := context.Background()
	schema := tilejsonSchema(t)
	t.Run("the schema refuses a broken document", func(t *testing.T) {
		for _, doc := range []string{`{"tilejson":"3.0.0","tiles":["x"]}`, `{"tilejson":"3.0.0","tiles":"x","vector_layers":[]}`,
			`{"tilejson":"3.0.0","tiles":[],"vector_layers":[{"id":"a"}]}`, `{"tilejson":"3.0.0","tiles":[],"vector_layers":[],"minzoom":-1}`} {
			if validate(schema, []byte(doc)) == nil {
				t.Errorf("%s passed the schema", doc)
			}
		}
	})

	dbURL := pgtest.New(t, pgtest.Demo)
	e := newEnv(t, dbURL, postgis.Config{}, nil)
	store, err := postgis.Open(ctx, postgis.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	version, err := store.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// A theme of the Nairobi z10 tile that some but not all of its public
	// locations have, so the filtered tile must differ.
	nairobi := maptile.At([2]float64{36.82, -1.29}, 10)
	var theme string
	var total, themed int
	if err := connect(t, dbURL).QueryRow(ctx, `SELECT t.theme_code, count(*), (SELECT count(*) FROM activity_locations l JOIN activities a ON a.id = l.activity_id
			WHERE a.visibility = 'public' AND l.point && `+bufferedEnvelope(10, int(nairobi.X), int(nairobi.Y))+`)
		FROM activity_locations l JOIN activities a ON a.id = l.activity_id JOIN activity_themes t ON t.activity_id = a.id
		WHERE a.visibility = 'public' AND l.point && `+bufferedEnvelope(10, int(nairobi.X), int(nairobi.Y))+`
		GROUP BY t.theme_code ORDER BY count(*) DESC, t.theme_code LIMIT 1`).Scan(&theme, &themed, &total); err != nil {
		t.Fatal(err)
	}
	if themed == 0 || themed >= total {
		t.Fatalf("theme %s has %d of the %d locations in the Nairobi tile", theme, themed, total)
	}

	names := append(slices.Clone(geo.TileLayers), "countries,clusters,activities")
	for _, name := range names {
		for _, filter := range []string{"", "theme=" + url.QueryEscape(theme) + "&status=implementation,finalisation&country=KE"} {
			t.Run(name+"?"+filter, func(t *testing.T) {
				path := "/tiles/" + name + ".json"
				if filter != "" {
					path += "?" + filter
				}
				rec := e.do(t, http.MethodGet, "http://localhost:8080"+path)
				if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
					t.Fatalf("%s = %d %s", path, rec.Code, rec.Body)
				}
				if err := validate(schema, rec.Body.Bytes()); err != nil {
					t.Fatalf("%s is not TileJSON 3.0.0: %v\n%s", path, err, rec.Body)
				}
				var tj tileJSON
				if err := json.Unmarshal(rec.Body.Bytes(), &tj); err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, vl := range tj.VectorLayers {
					ids = append(ids, vl.ID)
				}
				// vector_layers name the MVT layers of the tiles, which
				// MapLibre checks style layers' source-layer against: the
				// basemap tile layer holds four.
				wantIDs := strings.Split(name, ",")
				if name == geo.LayerBasemap {
					wantIDs = []string{"land", "boundaries", "country_labels", "places"}
				}
				if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || !slices.Equal(ids, wantIDs) {
					t.Fatalf("tilejson %q, tiles %q, vector_layers %q, want %q", tj.TileJSON, tj.Tiles, ids, wantIDs)
				}

				// The tile URL: this server, the layers, the filters and v.
				tmpl := tj.Tiles[0]
				u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(tmpl))
				if err != nil || !strings.HasPrefix(tmpl, "http://localhost:8080/tiles/"+name+"/{z}/{x}/{y}.mvt?") {
					t.Fatalf("tile URL %q", tmpl)
				}
				want, _ := url.ParseQuery(filter)
				want.Set("v", strconv.FormatInt(version, 10))
				if got := u.Query(); !equalValues(got, want) {
					t.Errorf("tile URL query %v, want %v", got, want)
				}

				// Fetching it (in the layers' zoom range, at Nairobi) works
				// and is filtered.
				z := min(max(10, tj.MinZoom), tj.MaxZoom)
				tl := maptile.At([2]float64{36.82, -1.29}, maptile.Zoom(z))
				tileURL := strings.NewReplacer("{z}", strconv.Itoa(z), "{x}", fmt.Sprint(tl.X), "{y}", fmt.Sprint(tl.Y)).Replace(tmpl)
				ls, resp := decodeTile(t, e, tileURL)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s = %d", tileURL, resp.StatusCode)
				}
				for _, l := range ls {
					if !slices.Contains(ids, l.Name) {
						t.Errorf("%s: MVT layer %q is not in vector_layers %q", tileURL, l.Name, ids)
					}
				}
				if name == "countries,clusters,activities" {
					acts := layer(ls, geo.LayerActivities)
					if acts == nil || layer(ls, geo.LayerCountries) == nil {
						t.Fatalf("%s: layers %v", tileURL, ls)
					}
					if filter == "" && len(acts.Features) != total {
						t.Errorf("%s: %d activities, want %d", tileURL, len(acts.Features), total)
					}
					if filter != "" {
						if len(acts.Features) == 0 || len(acts.Features) > themed {
							t.Errorf("%s: %d activities, want 1..%d", tileURL, len(acts.Features), themed)
						}
						for _, f := range acts.Features {
							st := f.Properties.MustString("status")
							if !slices.Contains(strings.Split(f.Properties.MustString("themes"), ","), theme) || f.Properties.MustString("country") != "KE" ||
								(st != "implementation" && st != "finalisation") {
								t.Errorf("%s: feature %v %v is outside the filter", tileURL, f.ID, f.Properties)
							}
						}
					}
				}
			})
		}
	}
}

// equalValues compares query values, ignoring order.
func equalValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
