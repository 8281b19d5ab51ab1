package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/internal/pgtest"
)

// TestGDAL reads the OGC API with GDAL's OAPIF driver, as a user's QGIS
// would, and checks what GDAL gets against the database itself: the
// collections, the feature counts, paging through every public activity,
// bbox and attribute filters (with what GDAL pushes down to the server), and
// exports to GeoPackage and GeoJSON.
func TestGDAL(t *testing.T) {
	p, db := gdalServer(t)
	ctx := context.Background()
	src := "OAPIF:" + p.base + "/"
	const public = `SELECT a.id, a.iati_identifier FROM activities a WHERE a.visibility = 'public'`
	allIDs, allIATI := dbActivities(t, db, public)
	var hidden int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM activities WHERE visibility <> 'public' AND title LIKE '%[NOT-PUBLIC]'`).Scan(&hidden); err != nil || hidden == 0 {
		t.Fatalf("the demo data should hold non-public activities marked [NOT-PUBLIC]: %d, %v", hidden, err)
	}

	t.Run("collections", func(t *testing.T) {
		out, _ := gdal(t, "ogrinfo", "-ro", src)
		var got []string
		for _, m := range regexp.MustCompile(`(?m)^\d+: (\S+)`).FindAllStringSubmatch(out, -1) {
			got = append(got, m[1])
		}
		slices.Sort(got)
		if want := []string{"activities", "countries", "organisations", "programmes"}; !slices.Equal(got, want) {
			t.Errorf("layers %q, want %q\n%s", got, want, out)
		}
	})

	t.Run("feature count", func(t *testing.T) {
		for layer, q := range map[string]string{
			"activities":    `SELECT count(*) FROM activities WHERE visibility = 'public'`,
			"countries":     `SELECT count(*) FROM countries`,
			"organisations": `SELECT count(*) FROM organisations`,
		} {
			var want int
			if err := db.QueryRow(ctx, q).Scan(&want); err != nil {
				t.Fatal(err)
			}
			out, _ := gdal(t, "ogrinfo", "-ro", "-so", src, layer)
			m := regexp.MustCompile(`(?m)^Feature Count: (-?\d+)$`).FindStringSubmatch(out)
			if m == nil || m[1] != strconv.Itoa(want) {
				t.Errorf("%s: %v, want Feature Count: %d\n%.2000s", layer, m, want, out)
			}
		}
	})

	t.Run("every public activity once", func(t *testing.T) {
		out, debug := gdal(t, "ogrinfo", "-ro", "-al", "-q", src, "activities")
		pages := 0
		for _, u := range fetches(debug) {
			if strings.Contains(u, "/collections/activities/items") && strings.Contains(u, "offset=") {
				pages++
			}
		}
		if pages < 2 {
			t.Errorf("GDAL fetched %d pages with offset, want several:\n%s", pages, strings.Join(fetches(debug), "\n"))
		}
		ids, iati := gdalFeatures(out, "activities")
		sameIDs(t, "ids", ids, allIDs)
		sameIDs(t, "iati_identifier", iati, allIATI)
		if strings.Contains(out, "[NOT-PUBLIC]") {
			t.Error("GDAL read a non-public activity")
		}
	})

	// GDAL sends bbox= and then filters again on its side with the feature's
	// geometry: an envelope test, then (for a MultiPoint) a GEOS Intersects.
	// So the semantics both sides must agree on is intersection: a MultiPoint
	// with one representative point inside the box and one outside is in; one
	// whose points' envelope overlaps the box with no point inside is out.
	// Both cases occur in the demo data for these boxes (logged below), so
	// "any point inside", as the server answers, is what GDAL must return.
	t.Run("bbox", func(t *testing.T) {
		for _, box := range []struct {
			name string
			env  [4]float64
		}{
			{"Nairobi", [4]float64{36.6, -1.5, 37.1, -1.1}},
			{"central Europe", [4]float64{5, 45, 15, 52}},
		} {
			t.Run(box.name, func(t *testing.T) {
				e := box.env
				wantIDs, _ := dbActivities(t, db, `SELECT DISTINCT a.id, a.iati_identifier FROM activities a
					JOIN activity_locations l ON l.activity_id = a.id
					WHERE a.visibility = 'public' AND l.point && ST_MakeEnvelope($1, $2, $3, $4, 4326)`, e[0], e[1], e[2], e[3])
				var straddle, envOnly int
				if err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE some_in AND NOT all_in), count(*) FILTER (WHERE NOT some_in AND ext && env)
					FROM (SELECT bool_or(l.point && env) some_in, bool_and(l.point && env) all_in, ST_Extent(l.point)::geometry ext, env
						FROM activities a JOIN activity_locations l ON l.activity_id = a.id,
						ST_MakeEnvelope($1, $2, $3, $4, 4326) env
						WHERE a.visibility = 'public' GROUP BY a.id, env) x`, e[0], e[1], e[2], e[3]).Scan(&straddle, &envOnly); err != nil {
					t.Fatal(err)
				}
				t.Logf("%d activities, %d with points inside and outside, %d whose envelope overlaps with no point inside", len(wantIDs), straddle, envOnly)
				args := []string{"-ro", "-al", "-q", "-spat"}
				for _, v := range e {
					args = append(args, strconv.FormatFloat(v, 'f', -1, 64))
				}
				out, debug := gdal(t, "ogrinfo", append(args, src, "activities")...)
				if !slices.ContainsFunc(fetches(debug), func(u string) bool { return strings.Contains(u, "bbox=") }) {
					t.Errorf("GDAL did not send bbox= to the server:\n%s", strings.Join(fetches(debug), "\n"))
				}
				ids, _ := gdalFeatures(out, "activities")
				sameIDs(t, "ids", ids, wantIDs)
			})
		}
	})

	// GDAL 3.6 pushes a comparison down as a cql-text filter= only for the
	// properties that are also query parameters in /api (status,
	// programme_type); the rest it evaluates itself. A property must not
	// share a parameter's name with another meaning: the programme's name is
	// programme_name, as the programme parameter takes ids. Whatever it
	// pushes, the result must be what the where clause means.
	t.Run("where", func(t *testing.T) {
		var progName string
		if err := db.QueryRow(ctx, `SELECT p.name FROM programmes p JOIN activities a ON a.programme_id = p.id
			WHERE a.visibility = 'public' GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1`).Scan(&progName); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			where, sql string
			args       []any
			pushed     bool // GDAL 3.6 sends it to the server
		}{
			{"status = 'closed'", `a.status = 'closed'`, nil, true},
			{"programme_type = 'catalytic_fund'", `(SELECT type FROM programmes WHERE id = a.programme_id) = 'catalytic_fund'`, nil, true},
			{"programme_name = '" + strings.ReplaceAll(progName, "'", "''") + "'", `(SELECT name FROM programmes WHERE id = a.programme_id) = $1`, []any{progName}, false},
			{"budget > 1000000", `a.budget > 1000000`, nil, false},
			{"currency = 'EUR'", `a.currency = 'EUR'`, nil, false},
		} {
			t.Run(tc.where, func(t *testing.T) {
				wantIDs, _ := dbActivities(t, db, public+` AND `+tc.sql, tc.args...)
				if len(wantIDs) == 0 || len(wantIDs) == len(allIDs) {
					t.Fatalf("%d of %d activities match: the case selects nothing", len(wantIDs), len(allIDs))
				}
				out, debug := gdal(t, "ogrinfo", "-ro", "-al", "-q", "-where", tc.where, src, "activities")
				sent := slices.ContainsFunc(fetches(debug), func(u string) bool {
					return strings.Contains(u, "filter=") && strings.Contains(u, "filter-lang=cql")
				})
				if tc.pushed && !sent {
					t.Errorf("GDAL did not send filter= with filter-lang=cql:\n%s", strings.Join(fetches(debug), "\n"))
				}
				t.Logf("pushed down to the server: %v", sent)
				ids, _ := gdalFeatures(out, "activities")
				sameIDs(t, "ids", ids, wantIDs)
			})
		}
	})

	t.Run("export", func(t *testing.T) {
		dir := t.TempDir()
		gpkg, geojson := filepath.Join(dir, "out.gpkg"), filepath.Join(dir, "out.geojson")
		gdal(t, "ogr2ogr", "-f", "GPKG", gpkg, src, "activities")
		gdal(t, "ogr2ogr", "-f", "GeoJSON", geojson, src, "activities")
		out, _ := gdal(t, "ogrinfo", "-ro", "-so", gpkg, "activities")
		if want := fmt.Sprintf("Feature Count: %d\n", len(allIDs)); !strings.Contains(out, want) {
			t.Errorf("GeoPackage: want %q in\n%.2000s", want, out)
		}
		b, err := os.ReadFile(geojson)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "[NOT-PUBLIC]") {
			t.Error("the GeoJSON export holds a non-public activity")
		}
		var fc struct {
			Features []struct {
				Properties struct {
					IATIIdentifier string `json:"iati_identifier"`
				}
			}
		}
		if err := json.Unmarshal(b, &fc); err != nil {
			t.Fatal(err)
		}
		var iati []string
		for _, f := range fc.Features {
			iati = append(iati, f.Properties.IATIIdentifier)
		}
		sameIDs(t, "GeoJSON iati_identifier", iati, allIATI)
	})
}

// gdal runs a GDAL program with CPL_DEBUG on and returns its stdout and
// stderr. GDAL exits 0 after many HTTP errors, so an ERROR line fails the
// test too.
// gdalServer is the setup of the GDAL tests: it skips t when ogrinfo is
// not on PATH; otherwise it serves a fresh copy of the demo database, waits
// until the server is ready and returns it with a connection to the same
// database, closed when t ends.
func gdalServer(t *testing.T) (*process, *pgx.Conn) {
	t.Helper()
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("ogrinfo (GDAL) is not on PATH: install gdal-bin (make test does)")
	}
	dbURL := pgtest.New(t, pgtest.Demo)
	p := startServe(t, "DATABASE_URL="+dbURL)
	p.waitStatus(t, "/readyz", http.StatusOK, 30*time.Second)
	db, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(context.Background()) })
	return p, db
}

func gdal(t *testing.T, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=60", "CPL_DEBUG=ON")
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var errs []string
	for _, l := range strings.Split(errb.String(), "\n") {
		if strings.HasPrefix(l, "ERROR") {
			errs = append(errs, l)
		}
	}
	if err != nil || len(errs) > 0 {
		t.Errorf("%s %q: %v\n%s", name, args, err, strings.Join(errs, "\n"))
	}
	return out.String(), errb.String()
}

// fetches lists the URLs GDAL fetched, from its CPL_DEBUG output.
func fetches(debug string) []string {
	var urls []string
	for _, l := range strings.Split(debug, "\n") {
		if u, ok := strings.CutPrefix(l, "HTTP: Fetch("); ok {
			urls = append(urls, strings.TrimSuffix(u, ")"))
		}
	}
	return urls
}

// gdalFeatures parses `ogrinfo -al` output: the FIDs of layer's features and
// their iati_identifier values, in order, duplicates kept.
func gdalFeatures(out, layer string) (fids []int64, iati []string) {
	fidRE := regexp.MustCompile(`(?m)^OGRFeature\(` + regexp.QuoteMeta(layer) + `\):(-?\d+)\s*$`)
	for _, m := range fidRE.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		fids = append(fids, n)
	}
	for _, m := range regexp.MustCompile(`(?m)^\s+iati_identifier \(String\) = (.*?)\s*$`).FindAllStringSubmatch(out, -1) {
		iati = append(iati, m[1])
	}
	return fids, iati
}

// dbActivities runs q (selecting id, iati_identifier) and returns both columns.
func dbActivities(t *testing.T, db *pgx.Conn, q string, args ...any) ([]int64, []string) {
	t.Helper()
	rows, err := db.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var iati []string
	var id int64
	var s *string
	_, err = pgx.ForEachRow(rows, []any{&id, &s}, func() error {
		ids = append(ids, id)
		if s != nil {
			iati = append(iati, *s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids, iati
}

// sameIDs checks that got holds every value of want exactly once and nothing
// else.
func sameIDs[T int64 | string](t *testing.T, what string, got, want []T) {
	t.Helper()
	seen := map[T]int{}
	for _, v := range got {
		seen[v]++
	}
	wanted := map[T]bool{}
	var missing, extra, dup []T
	for _, v := range want {
		wanted[v] = true
		if seen[v] == 0 {
			missing = append(missing, v)
		}
	}
	for v, n := range seen {
		if !wanted[v] {
			extra = append(extra, v)
		} else if n > 1 {
			dup = append(dup, v)
		}
	}
	if len(missing)+len(extra)+len(dup) > 0 {
		t.Errorf("%s: got %d, want %d; missing %v, unexpected %v, repeated %v",
			what, len(got), len(want), missing[:min(len(missing), 10)], extra[:min(len(extra), 10)], dup[:min(len(dup), 10)])
	}
}
