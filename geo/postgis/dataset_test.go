package postgis_test

import (
	"context"
	"testing"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/internal/dataload"
	"github.com/commonground/commonground/internal/pgtest"
)

// The seeded demo alliance meets the counts the foundation issue asks for.
func TestDemoDataCounts(t *testing.T) {
	ctx := context.Background()
	conn := connect(t, pgtest.New(t, pgtest.Demo))
	checks := []struct {
		name string
		sql  string
		min  int64
		max  int64
	}{
		{"organisations", `SELECT count(*) FROM organisations WHERE demo`, 35, 1000},
		{"constituencies without a member", `SELECT count(*) FROM constituencies c
			WHERE NOT EXISTS (SELECT FROM organisations o WHERE o.constituency = c.code)`, 0, 0},
		{"programmes", `SELECT count(*) FROM programmes WHERE demo`, 10, 1000},
		{"programme types without a programme", `SELECT count(*) FROM programme_types t
			WHERE NOT EXISTS (SELECT FROM programmes p WHERE p.type = t.code)`, 0, 0},
		{"tiers", `SELECT count(DISTINCT tier) FROM programmes`, 3, 3},
		{"activities", `SELECT count(*) FROM activities WHERE demo`, 600, 100000},
		{"cities", `SELECT count(DISTINCT place_id) FROM activity_locations`, 150, 100000},
		{"countries", `SELECT count(DISTINCT coalesce(l.country_code, p.country_code))
			FROM activity_locations l LEFT JOIN places p ON p.geonameid = l.place_id`, 50, 1000},
		{"currencies", `SELECT count(DISTINCT currency) FROM activities`, 4, 1000},
		{"exact points", `SELECT count(*) FROM activity_locations WHERE kind = 'point' AND precision = 'exact'`, 60, 100000},
		{"city-level", `SELECT count(*) FROM activity_locations WHERE kind = 'place' AND precision = 'city'`, 60, 100000},
		{"country-level", `SELECT count(*) FROM activity_locations WHERE kind = 'country' AND geom IS NULL`, 30, 100000},
		{"multi-location activities", `SELECT count(*) FROM (SELECT activity_id FROM activity_locations
			GROUP BY 1 HAVING count(*) > 1) m`, 30, 100000},
		{"activities without a lead", `SELECT count(*) FROM activities a WHERE NOT EXISTS
			(SELECT FROM activity_organisations o WHERE o.activity_id = a.id AND o.role = 'lead')`, 0, 0},
		{"activities without a location", `SELECT count(*) FROM activities a WHERE NOT EXISTS
			(SELECT FROM activity_locations l WHERE l.activity_id = a.id)`, 0, 0},
		{"members-only per mille", `SELECT 1000 * count(*) FILTER (WHERE visibility = 'members') / count(*) FROM activities`, 70, 130},
		{"draft per mille", `SELECT 1000 * count(*) FILTER (WHERE visibility = 'draft') / count(*) FROM activities`, 30, 70},
		{"non-public titles without the sentinel", `SELECT count(*) FROM activities
			WHERE visibility <> 'public' AND title NOT LIKE '%[NOT-PUBLIC]'`, 0, 0},
		{"public titles with the sentinel", `SELECT count(*) FROM activities
			WHERE visibility = 'public' AND title LIKE '%NOT-PUBLIC%'`, 0, 0},
		// Same city, a shared theme, overlapping periods, different lead
		// organisations, both public: what the overlap finder looks for.
		{"overlapping pairs", `SELECT count(*) FROM (
			SELECT DISTINCT a.id, b.id
			FROM activities a JOIN activities b ON a.id < b.id AND a.period && b.period
			JOIN activity_locations la ON la.activity_id = a.id
			JOIN activity_locations lb ON lb.activity_id = b.id AND lb.place_id = la.place_id
			JOIN activity_organisations oa ON oa.activity_id = a.id AND oa.role = 'lead'
			JOIN activity_organisations ob ON ob.activity_id = b.id AND ob.role = 'lead' AND ob.organisation_id <> oa.organisation_id
			WHERE a.visibility = 'public' AND b.visibility = 'public'
			AND EXISTS (SELECT FROM activity_themes ta JOIN activity_themes tb USING (theme_code)
				WHERE ta.activity_id = a.id AND tb.activity_id = b.id)) p`, 40, 1000000},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			var n int64
			if err := conn.QueryRow(ctx, c.sql).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n < c.min || n > c.max {
				t.Errorf("got %d, want %d..%d", n, c.min, c.max)
			}
		})
	}
}

// Seeding twice leaves the same rows, with the same activity ids.
func TestSeedDemoIdempotent(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	conn := connect(t, dbURL)
	snapshot := `SELECT (SELECT count(*) FROM organisations) || '/' || (SELECT count(*) FROM programmes)
		|| '/' || (SELECT count(*) FROM programme_organisations) || '/' || (SELECT count(*) FROM activity_organisations)
		|| '/' || (SELECT count(*) FROM activity_themes) || '/' || (SELECT count(*) FROM activity_locations)
		|| '/' || (SELECT md5(string_agg(id || iati_identifier || title, ',' ORDER BY id)) FROM activities)`
	var before, after string
	if err := conn.QueryRow(ctx, snapshot).Scan(&before); err != nil {
		t.Fatal(err)
	}
	n, _, err := dataload.Demo(ctx, open(t, dbURL))
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, snapshot).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("seeding again changed the data:\n%s\n%s", before, after)
	}
	if n.Activities < 600 {
		t.Errorf("counts after seeding = %+v", n)
	}
}

// Seeding before the reference data is loaded says what to do.
func TestSeedDemoNeedsReference(t *testing.T) {
	_, _, err := dataload.Demo(context.Background(), open(t, pgtest.New(t, pgtest.Migrated)))
	if geo.ErrorCode(err) != geo.EInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
}
