package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
)

var update = flag.Bool("update", false, "rewrite golden files (frontend/src/testdata/style.json)")

// styleGolden is the default style for styleBase; the web app's vitest
// validates it with @maplibre/maplibre-gl-style-spec.
var styleGolden = filepath.Join("..", "frontend", "src", "testdata", "style.json")

const styleBase = "http://localhost:8080"

type styleDoc struct {
	Version int               `json:"version"`
	Glyphs  *string           `json:"glyphs"`
	Sprite  any               `json:"sprite"`
	Sources map[string]source `json:"sources"`
	Layers  []map[string]any  `json:"layers"`
}

type source struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

func getStyle(t *testing.T, e env, query string) (styleDoc, []byte) {
	t.Helper()
	rec := e.do(t, http.MethodGet, styleBase+"/style.json"+query)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("ETag") == "" {
		t.Fatalf("/style.json%s = %d %v %s", query, rec.Code, rec.Header(), rec.Body)
	}
	var s styleDoc
	if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	return s, rec.Body.Bytes()
}

// TestStyleGolden keeps frontend/src/testdata/style.json equal to what the
// server answers (rewrite it with -update), so the vitest that validates it
// validates the real style.
func TestStyleGolden(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	_, body := getStyle(t, e, "")
	var got bytes.Buffer
	if err := json.Indent(&got, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(styleGolden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(styleGolden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(styleGolden)
	if err != nil {
		t.Fatalf("%v: run go test ./api -run TestStyle -update", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("/style.json differs from %s: run go test ./api -run TestStyle -update", styleGolden)
	}
}

func TestStyle(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	s, body := getStyle(t, e, "")

	t.Run("only our own tiles and glyphs, no sprite", func(t *testing.T) {
		if s.Version != 8 || s.Glyphs == nil || *s.Glyphs != styleBase+"/fonts/{fontstack}/{range}.pbf" || s.Sprite != nil {
			t.Errorf("version %d, glyphs %v, sprite %v", s.Version, s.Glyphs, s.Sprite)
		}
		data, ok1 := s.Sources["commonground"]
		base, ok2 := s.Sources["basemap"]
		if len(s.Sources) != 2 || !ok1 || !ok2 || data.Type != "vector" || data.URL != styleBase+"/tiles/countries,clusters,activities.json" ||
			base.Type != "vector" || base.URL != styleBase+"/tiles/basemap.json" {
			t.Errorf("sources %+v", s.Sources)
		}
		// Every absolute URL anywhere in the document is this server's.
		for _, m := range strings.Split(string(body), `"`) {
			if strings.Contains(m, "://") && !strings.HasPrefix(m, styleBase+"/") {
				t.Errorf("outside URL %q", m)
			}
		}
		var ids []string
		for _, l := range s.Layers {
			ids = append(ids, l["id"].(string)+":"+l["type"].(string)+":"+str(l["source"])+"/"+str(l["source-layer"]))
		}
		// Labels lie under the data circles, except the counts on them.
		want := []string{"background:background:/", "countries-fill:fill:commonground/countries", "countries-line:line:commonground/countries",
			"country-labels:symbol:basemap/country_labels", "place-labels:symbol:basemap/places",
			"clusters:circle:commonground/clusters", "cluster-counts:symbol:commonground/clusters", "activities:circle:commonground/activities"}
		if !slices.Equal(ids, want) {
			t.Errorf("layers %q, want %q", ids, want)
		}
	})

	t.Run("every label font is served as itself", func(t *testing.T) {
		symbols := 0
		for _, l := range s.Layers {
			if l["type"] != "symbol" {
				continue
			}
			symbols++
			layout, _ := l["layout"].(map[string]any)
			fonts, _ := layout["text-font"].([]any)
			if len(fonts) == 0 || layout["text-field"] == nil {
				t.Errorf("%v: text-font %v, text-field %v", l["id"], layout["text-font"], layout["text-field"])
				continue
			}
			var stack []string
			for _, f := range fonts {
				stack = append(stack, f.(string))
			}
			u := strings.NewReplacer("{fontstack}", url.PathEscape(strings.Join(stack, ",")), "{range}", "0-255").Replace(*s.Glyphs)
			rec := e.do(t, http.MethodGet, u)
			if rec.Code != http.StatusOK {
				t.Fatalf("%v: %s = %d", l["id"], u, rec.Code)
			}
			if name, _, n := fontstackOf(t, rec.Body.Bytes()); name != stack[0] || n == 0 {
				t.Errorf("%v: asks for %q, gets %q (%d glyphs)", l["id"], stack[0], name, n)
			}
		}
		if symbols != 3 {
			t.Errorf("%d symbol layers, want 3", symbols)
		}
	})

	t.Run("activities coloured by every constituency, distinct, with a fallback", func(t *testing.T) {
		var acts map[string]any
		for _, l := range s.Layers {
			if l["id"] == "activities" {
				acts = l
			}
		}
		m, _ := acts["paint"].(map[string]any)["circle-color"].([]any)
		if len(m) != 2+2*len(geo.Constituencies)+1 || m[0] != "match" {
			t.Fatalf("circle-color %v", m)
		}
		if get, _ := json.Marshal(m[1]); string(get) != `["get","constituency"]` {
			t.Errorf("matches on %s", get)
		}
		colours := map[string]string{}
		for i := 2; i+1 < len(m); i += 2 {
			code, colour := m[i].(string), m[i+1].(string)
			if prev, dup := colours[colour]; dup || colour == "" {
				t.Errorf("%s has colour %q, as %s does", code, colour, prev)
			}
			colours[colour] = code
		}
		var codes []string
		for _, c := range colours {
			codes = append(codes, c)
		}
		for _, c := range geo.Constituencies {
			if !slices.Contains(codes, string(c)) {
				t.Errorf("no colour for constituency %s", c)
			}
		}
		if fb, _ := m[len(m)-1].(string); fb == "" || colours[fb] != "" {
			t.Errorf("fallback %v", m[len(m)-1])
		}
	})

	t.Run("filters go on to the TileJSON and its tiles, not to the basemap", func(t *testing.T) {
		s, _ := getStyle(t, e, "?theme=resilience&status=implementation&v=7")
		u, err := url.Parse(s.Sources["commonground"].URL)
		if err != nil || u.Query().Get("theme") != "resilience" || u.Query().Get("status") != "implementation" || u.Query().Has("v") {
			t.Fatalf("source URL %q", s.Sources["commonground"].URL)
		}
		if b := s.Sources["basemap"].URL; b != styleBase+"/tiles/basemap.json" {
			t.Errorf("basemap URL %q carries the filters", b)
		}
		rec := e.do(t, http.MethodGet, s.Sources["basemap"].URL)
		var btj struct{ Tiles []string }
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &btj) != nil || len(btj.Tiles) != 1 ||
			strings.Contains(btj.Tiles[0], "theme=") || !strings.Contains(btj.Tiles[0], "/tiles/basemap/") {
			t.Errorf("basemap TileJSON: %d %s", rec.Code, rec.Body)
		}
		rec = e.do(t, http.MethodGet, u.String())
		var tj struct{ Tiles []string }
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &tj) != nil || len(tj.Tiles) != 1 ||
			!strings.Contains(tj.Tiles[0], "theme=resilience") {
			t.Errorf("TileJSON %s: %d %s", u, rec.Code, rec.Body)
		}
	})

	t.Run("bad filters are refused like the tiles'", func(t *testing.T) {
		for _, q := range []string{"?colour=red", "?status=nope", "?bbox=1,2,3", "?constituency=pirates"} {
			p := problem(t, e.do(t, http.MethodGet, "/style.json"+q), http.StatusBadRequest)
			if len(p.Errors) == 0 {
				t.Errorf("%s: no errors listed: %+v", q, p)
			}
		}
	})

	t.Run("ETag revalidation", func(t *testing.T) {
		first := e.do(t, http.MethodGet, "/style.json")
		if rec := e.do(t, http.MethodGet, "/style.json", "If-None-Match", first.Header().Get("ETag")); rec.Code != http.StatusNotModified {
			t.Errorf("If-None-Match: %d, want 304", rec.Code)
		}
	})
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
