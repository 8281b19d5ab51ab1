package postgis_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/internal/pgtest"
)

// Each filter selects exactly the activities an independent SQL query
// finds, for an anonymous viewer (public only).
func TestActivityFilters(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	s := open(t, dbURL)
	conn := connect(t, dbURL)
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	f64 := func(v float64) *float64 { return &v }
	var orgID, progID int64
	if err := conn.QueryRow(ctx, `SELECT min(organisation_id) FROM activity_organisations`).Scan(&orgID); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT min(programme_id) FROM activities`).Scan(&progID); err != nil {
		t.Fatal(err)
	}
	pub := `SELECT count(*) FROM activities a WHERE a.visibility = 'public' AND `
	tests := []struct {
		name   string
		filter geo.ActivityFilter
		want   string // count query
	}{
		{"none", geo.ActivityFilter{}, pub + `true`},
		{"bbox Nairobi", geo.ActivityFilter{BBox: &geo.BBox{MinLon: 36.6, MinLat: -1.5, MaxLon: 37.2, MaxLat: -1.1}},
			pub + `EXISTS (SELECT FROM activity_locations l WHERE l.activity_id = a.id AND ST_Intersects(l.point, ST_MakeEnvelope(36.6, -1.5, 37.2, -1.1, 4326)))`},
		{"bbox across the antimeridian", geo.ActivityFilter{BBox: &geo.BBox{MinLon: 170, MinLat: -50, MaxLon: -170, MaxLat: 60}},
			pub + `EXISTS (SELECT FROM activity_locations l WHERE l.activity_id = a.id AND (ST_X(l.point) >= 170 OR ST_X(l.point) <= -170) AND ST_Y(l.point) BETWEEN -50 AND 60)`},
		{"datetime closed", geo.ActivityFilter{Datetime: &geo.Interval{Start: day("2020-01-01"), End: day("2020-12-31")}},
			pub + `(start_date IS NOT NULL OR end_date IS NOT NULL) AND coalesce(start_date, '-infinity') <= '2020-12-31' AND coalesce(end_date, 'infinity') >= '2020-01-01'`},
		{"datetime open end", geo.ActivityFilter{Datetime: &geo.Interval{Start: day("2026-01-01")}},
			pub + `(start_date IS NOT NULL OR end_date IS NOT NULL) AND coalesce(end_date, 'infinity') >= '2026-01-01'`},
		{"organisation", geo.ActivityFilter{Organisations: []int64{orgID}},
			pub + `id IN (SELECT activity_id FROM activity_organisations WHERE organisation_id = ` + itoa(orgID) + `)`},
		{"constituency", geo.ActivityFilter{Constituencies: []geo.Constituency{geo.Foundation}},
			pub + `id IN (SELECT ao.activity_id FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id WHERE o.constituency = 'foundation')`},
		{"programme", geo.ActivityFilter{Programmes: []int64{progID}}, pub + `programme_id = ` + itoa(progID)},
		{"programme type", geo.ActivityFilter{ProgrammeTypes: []geo.ProgrammeType{geo.JointWorkProgramme}},
			pub + `programme_id IN (SELECT id FROM programmes WHERE type = 'joint_work_programme')`},
		{"themes", geo.ActivityFilter{Themes: []string{"resilience", "gender"}},
			pub + `id IN (SELECT activity_id FROM activity_themes WHERE theme_code IN ('resilience', 'gender'))`},
		{"status", geo.ActivityFilter{Statuses: []geo.Status{geo.StatusClosed, geo.StatusPipeline}}, pub + `status IN ('closed', 'pipeline')`},
		{"country", geo.ActivityFilter{Countries: []string{"KE", "IN"}},
			pub + `id IN (SELECT activity_id FROM activity_locations WHERE country_code IN ('KE', 'IN'))`},
		{"region Africa", geo.ActivityFilter{Regions: []string{"002"}},
			pub + `id IN (SELECT l.activity_id FROM activity_locations l JOIN countries c ON c.iso_a2 = l.country_code WHERE c.region_code = '002')`},
		{"sub-region Eastern Africa", geo.ActivityFilter{Regions: []string{"014"}},
			pub + `id IN (SELECT l.activity_id FROM activity_locations l JOIN countries c ON c.iso_a2 = l.country_code WHERE '014' IN (c.sub_region_code, c.intermediate_region_code))`},
		{"budget in USD, other currencies converted", geo.ActivityFilter{BudgetMin: f64(1e6), BudgetMax: f64(5e6)},
			pub + `budget / (SELECT units_per_usd FROM exchange_rates r WHERE r.currency = a.currency) BETWEEN 1e6 AND 5e6`},
		{"budget in EUR", geo.ActivityFilter{BudgetMin: f64(2e6), BudgetCurrency: "EUR"},
			pub + `(CASE WHEN currency = 'EUR' THEN budget ELSE budget / (SELECT units_per_usd FROM exchange_rates r WHERE r.currency = a.currency) * 0.924 END) >= 2e6`},
		{"free text", geo.ActivityFilter{Q: "flood"}, pub + `(title ILIKE '%flood%' OR search @@ to_tsquery('simple', 'flood'))`},
		{"SQL-looking text", geo.ActivityFilter{Q: "x'; DROP TABLE activities; --"}, pub + `false`},
		{"CQL2", geo.ActivityFilter{CQL: "status = 'closed' AND budget > 1000000"}, pub + `status = 'closed' AND budget > 1000000`},
		{"CQL2 array", geo.ActivityFilter{CQL: "themes = 'gender' OR countries IN ('KE')"},
			pub + `(id IN (SELECT activity_id FROM activity_themes WHERE theme_code = 'gender') OR id IN (SELECT activity_id FROM activity_locations WHERE country_code = 'KE'))`},
		{"combined", geo.ActivityFilter{Themes: []string{"resilience"}, Statuses: []geo.Status{geo.StatusImplementation}, Regions: []string{"142"}},
			pub + `status = 'implementation' AND id IN (SELECT activity_id FROM activity_themes WHERE theme_code = 'resilience')
				AND id IN (SELECT l.activity_id FROM activity_locations l JOIN countries c ON c.iso_a2 = l.country_code WHERE c.region_code = '142')`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want int64
			if err := conn.QueryRow(ctx, tt.want).Scan(&want); err != nil {
				t.Fatal(err)
			}
			page, err := s.ActivityPage(ctx, geo.Viewer{}, tt.filter, geo.Page{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if page.NumberMatched != want || int64(len(page.Activities)) != want {
				t.Errorf("matched %d, returned %d; want %d", page.NumberMatched, len(page.Activities), want)
			}
			if want == 0 && tt.name != "SQL-looking text" {
				t.Errorf("the case selects nothing, so it proves little")
			}
		})
	}
}

// Members see members-only activities and their own organisations'
// drafts; the secretariat sees everything.
func TestVisibilityRule(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	s, conn := open(t, dbURL), connect(t, dbURL)
	var org int64
	var all, public, members, ownDrafts int64
	err := conn.QueryRow(ctx, `SELECT ao.organisation_id FROM activity_organisations ao JOIN activities a ON a.id = ao.activity_id
		WHERE a.visibility = 'draft' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&org)
	if err != nil {
		t.Fatal(err)
	}
	err = conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE visibility = 'public'), count(*) FILTER (WHERE visibility = 'members'),
		count(*) FILTER (WHERE visibility = 'draft' AND id IN (SELECT activity_id FROM activity_organisations WHERE organisation_id = $1))
		FROM activities`, org).Scan(&all, &public, &members, &ownDrafts)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		v    geo.Viewer
		want int64
	}{
		{"anonymous", geo.Viewer{}, public},
		{"member", geo.Viewer{Kind: geo.Member, OrganisationID: org}, public + members + ownDrafts},
		{"secretariat", geo.Viewer{Kind: geo.Secretariat}, all},
	} {
		page, err := s.ActivityPage(ctx, tt.v, geo.ActivityFilter{}, geo.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if page.NumberMatched != tt.want {
			t.Errorf("%s sees %d, want %d", tt.name, page.NumberMatched, tt.want)
		}
	}
	if ownDrafts == 0 {
		t.Error("the member has no drafts: the case proves little")
	}
}

// An activity comes back with every location, in order, each with its
// representative point; a country-level location stands at the country's
// label point, inside the country.
func TestActivityView(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	s, conn := open(t, dbURL), connect(t, dbURL)
	var id int64
	if err := conn.QueryRow(ctx, `SELECT a.id FROM activities a JOIN activity_locations l ON l.activity_id = a.id
		WHERE a.visibility = 'public' GROUP BY a.id HAVING count(*) >= 3 AND bool_or(l.kind = 'country') ORDER BY a.id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	a, err := s.Activity(ctx, geo.Viewer{}, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != id || len(a.Locations) < 3 || len(a.Organisations) == 0 || len(a.Themes) == 0 {
		t.Fatalf("activity %+v", a)
	}
	if lead, ok := a.Lead(); !ok || a.Organisations[0] != lead {
		t.Errorf("the lead does not come first: %+v", a.Organisations)
	}
	for _, l := range a.Locations {
		if l.Kind != geo.KindCountry {
			continue
		}
		var inside bool
		if err := conn.QueryRow(ctx, `SELECT ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) FROM countries WHERE iso_a2 = $3`,
			l.Point[0], l.Point[1], l.CountryCode).Scan(&inside); err != nil || !inside {
			t.Errorf("country location %+v stands outside its country (%v)", l, err)
		}
	}
	if a.BestPrecision() == geo.PrecisionCountry {
		t.Errorf("best precision %q", a.BestPrecision())
	}
	if _, err := s.Activity(ctx, geo.Viewer{}, 99999999); geo.ErrorCode(err) != geo.ENotFound {
		t.Errorf("missing activity: %v", err)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// numberMatched is cached per data version: a change to the data is
// counted at once.
func TestCountFollowsChanges(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	s, conn := open(t, dbURL), connect(t, dbURL)
	f := geo.ActivityFilter{Statuses: []geo.Status{geo.StatusClosed}}
	count := func() int64 {
		page, err := s.ActivityPage(ctx, geo.Viewer{}, f, geo.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return page.NumberMatched
	}
	before := count()
	if again := count(); again != before {
		t.Fatalf("same query counted %d then %d", before, again)
	}
	if _, err := conn.Exec(ctx, `UPDATE activities SET status = 'closed' WHERE id = (
		SELECT min(id) FROM activities WHERE visibility = 'public' AND status <> 'closed')`); err != nil {
		t.Fatal(err)
	}
	if after := count(); after != before+1 {
		t.Errorf("after closing one more: %d, want %d", after, before+1)
	}
}
