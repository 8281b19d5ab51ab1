package postgis

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/overlaps"
)

// Hotspots returns one page of the places where hq's minimum of members
// or more work on one theme at the same time, most members first. Per
// place and theme, the sweep of geo/overlaps finds the first start day on
// which the most distinct leads are active. The public, unfiltered
// answers come from the overlap index, which holds every group of two or
// more members.
func (s *Store) Hotspots(ctx context.Context, v geo.Viewer, hq geo.HotspotQuery) (geo.HotspotPage, error) {
	out := geo.HotspotPage{Hotspots: []geo.Hotspot{}}
	if err := hq.Validate(); err != nil {
		return out, err
	}
	var found []overlaps.Hotspot
	if v.Kind == geo.Anonymous && hq.Filter.Empty() && !hq.IncludeCompleted {
		idx, err := s.currentOverlapIndex(ctx)
		if err != nil {
			return out, err
		}
		if idx != nil {
			found = idx.hotspots
		}
	}
	if found == nil {
		var err error
		if found, err = s.findHotspots(ctx, nil, v, hq.Filter, hq.IncludeCompleted, hq.Members()); err != nil {
			return out, err
		}
	}
	n := sort.Search(len(found), func(i int) bool { return found[i].Members < hq.Members() })
	found = found[:n]
	out.NumberMatched = int64(len(found))
	limit := pageLimit(hq.Page)
	page := found[min(hq.Page.Offset, len(found)):min(hq.Page.Offset+limit, len(found))]
	return s.describeHotspots(ctx, page, out)
}

// hotspotPlacedSQL is the CTEs m (the activities the query selects, %[1]s,
// with their lead) and pt: each located activity at its GeoNames place or the
// nearest place of 15,000 people or more within 25 km (a KNN scan of the
// places' GiST index), once per theme. The hotspot pass reads pt
// (hotspotRowsSQL) and the reference statement the tests hold it to builds
// on it, so the two place activities by one rule.
const hotspotPlacedSQL = `m AS MATERIALIZED (
	SELECT a.id, a.period, lo.organisation_id AS lead
	FROM activities a JOIN activity_organisations lo ON lo.activity_id = a.id AND lo.role = 'lead'
	WHERE %[1]s
), pt AS (
	SELECT DISTINCT coalesce(l.place_id, near.geonameid) AS place_id, m.id, m.lead, m.period, t.theme_code
	FROM m JOIN activity_locations l ON l.activity_id = m.id AND l.kind <> 'country'
	LEFT JOIN LATERAL (
		SELECT x.geonameid FROM (
			SELECT p.geonameid, p.geom FROM places p WHERE l.place_id IS NULL AND p.population >= 15000
			ORDER BY p.geom <-> l.point LIMIT 1) x
		WHERE ST_DWithin(x.geom::geography, l.point::geography, 25000, false)) near ON true
	JOIN activity_themes t ON t.activity_id = m.id
	WHERE coalesce(l.place_id, near.geonameid) IS NOT NULL
)`

// hotspotRowsSQL is pt of hotspotPlacedSQL: each located activity the query
// selects, at its place, once per theme.
const hotspotRowsSQL = `WITH ` + hotspotPlacedSQL + `
SELECT place_id, theme_code, id, lead, lower(period), upper(period) FROM pt`

// findHotspots loads the located activities v may see and f selects (in
// tx, or in a transaction of its own when tx is nil) and returns every
// place and theme with at least minMembers distinct leads running on one
// day, most members first, then by place and theme.
func (s *Store) findHotspots(ctx context.Context, tx pgx.Tx, v geo.Viewer, f geo.ActivityFilter, includeCompleted bool, minMembers int) ([]overlaps.Hotspot, error) {
	var q query
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	q.takingPart(includeCompleted)
	groups := map[overlaps.Spot][]overlaps.Presence{}
	err := s.eachRow(ctx, tx, fmt.Sprintf(hotspotRowsSQL, q.sql()), q.args, func(rows pgx.Rows) error {
		var k overlaps.Spot
		var a overlaps.Presence
		var lo, hi *time.Time
		if err := rows.Scan(&k.Place, &k.Theme, &a.ID, &a.Lead, &lo, &hi); err != nil {
			return err
		}
		a.Lo, a.Hi = overlaps.Days(lo, hi)
		groups[k] = append(groups[k], a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: hotspots: %w", translate(err))
	}
	found, err := overlaps.Hotspots(ctx, groups, minMembers)
	if err != nil {
		return nil, fmt.Errorf("postgis: hotspots: %w", translate(err))
	}
	return found, nil
}

// hotspotNames are what describeHotspots looks up for a page.
type hotspotNames struct {
	places map[int64]hotspotPlace
	themes map[string]string
	titles map[int64]string
	orgs   map[int64]geo.MatrixOrganisation
}

type hotspotPlace struct {
	name, country string
	pt            orb.Point
}

// describeHotspots fills in the names, points and titles of a page.
func (s *Store) describeHotspots(ctx context.Context, page []overlaps.Hotspot, out geo.HotspotPage) (geo.HotspotPage, error) {
	if len(page) == 0 {
		return out, nil
	}
	var places, actIDs, orgIDs []int64
	for _, h := range page {
		places = append(places, h.Place)
		for _, a := range h.Activities {
			actIDs, orgIDs = append(actIDs, a.ID), append(orgIDs, a.Lead)
		}
	}
	names := hotspotNames{places: map[int64]hotspotPlace{}, themes: map[string]string{}, titles: map[int64]string{}, orgs: map[int64]geo.MatrixOrganisation{}}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return s.loadHotspotNames(ctx, tx, places, actIDs, orgIDs, &names)
	})
	if err != nil {
		return out, fmt.Errorf("postgis: hotspots: %w", translate(err))
	}
	for _, h := range page {
		out.Hotspots = append(out.Hotspots, names.hotspot(h))
	}
	return out, nil
}

// loadHotspotNames reads in tx the places, theme names, activity titles
// and organisations of a page into names.
func (s *Store) loadHotspotNames(ctx context.Context, tx pgx.Tx, places, actIDs, orgIDs []int64, names *hotspotNames) error {
	err := s.eachRow(ctx, tx, `SELECT geonameid, name, country_code, ST_X(geom), ST_Y(geom) FROM places WHERE geonameid = ANY($1)`, []any{places}, func(rows pgx.Rows) error {
		var id int64
		var p hotspotPlace
		if err := rows.Scan(&id, &p.name, &p.country, &p.pt[0], &p.pt[1]); err != nil {
			return err
		}
		names.places[id] = p
		return nil
	})
	if err != nil {
		return err
	}
	err = s.eachRow(ctx, tx, `SELECT code, name FROM themes`, nil, func(rows pgx.Rows) error {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return err
		}
		names.themes[c] = n
		return nil
	})
	if err != nil {
		return err
	}
	err = s.eachRow(ctx, tx, `SELECT id, title FROM activities WHERE id = ANY($1)`, []any{actIDs}, func(rows pgx.Rows) error {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			return err
		}
		names.titles[id] = t
		return nil
	})
	if err != nil {
		return err
	}
	return s.eachRow(ctx, tx, `SELECT id, name, constituency FROM organisations WHERE id = ANY($1)`, []any{orgIDs}, func(rows pgx.Rows) error {
		var o geo.MatrixOrganisation
		var c string
		if err := rows.Scan(&o.ID, &o.Name, &c); err != nil {
			return err
		}
		o.Constituency = geo.Constituency(c)
		names.orgs[o.ID] = o
		return nil
	})
}

// hotspot describes h: its place and theme by name, its activities by id
// (once each) with their titles, its members by name.
func (names *hotspotNames) hotspot(h overlaps.Hotspot) geo.Hotspot {
	p := names.places[h.Place]
	hs := geo.Hotspot{PlaceID: h.Place, Place: p.name, CountryCode: p.country, Point: p.pt, Theme: h.Theme, ThemeName: names.themes[h.Theme]}
	if h.Day > 0 {
		hs.Day = overlaps.DayTime(h.Day)
	}
	acts := slices.Clone(h.Activities)
	slices.SortFunc(acts, func(x, y overlaps.Presence) int { return cmp.Compare(x.ID, y.ID) })
	acts = slices.CompactFunc(acts, func(x, y overlaps.Presence) bool { return x.ID == y.ID })
	seen := map[int64]bool{}
	for _, a := range acts {
		hs.Activities = append(hs.Activities, geo.HotspotActivity{ID: a.ID, Title: names.titles[a.ID], OrganisationID: a.Lead})
		if !seen[a.Lead] {
			seen[a.Lead] = true
			hs.Members = append(hs.Members, names.orgs[a.Lead])
		}
	}
	slices.SortFunc(hs.Members, func(x, y geo.MatrixOrganisation) int {
		return cmp.Or(strings.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
	})
	return hs
}
