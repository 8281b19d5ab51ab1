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
)

// hotspotRowsSQL is pt of hotspotPlacedSQL: each located activity the query
// selects, at its place, once per theme.
const hotspotRowsSQL = `WITH ` + hotspotPlacedSQL + `
SELECT place_id, theme_code, id, lead, lower(period), upper(period) FROM pt`

type hsAct struct {
	id, lead int64
	lo, hi   int32 // as in the overlap pass: [lo, hi), open ends -1 and dayMax+1
}

type hsFound struct {
	place   int64
	theme   string
	day     int32
	members int
	acts    []hsAct
}

// hotspotsPass answers Hotspots in Go: per place and theme, a sweep over
// the activities' periods finds the first start day on which the most
// distinct leads are active, as hotspotsSQL does with a self-join. The
// public, unfiltered answers come from the overlap index, which holds
// every group of two or more members.
func (s *Store) hotspotsPass(ctx context.Context, v geo.Viewer, hq geo.HotspotQuery) (geo.HotspotPage, error) {
	out := geo.HotspotPage{Hotspots: []geo.Hotspot{}}
	var found []hsFound
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
		if found, err = s.findHotspots(ctx, pgxQuerier{s}, v, hq.Filter, hq.IncludeCompleted, hq.Members()); err != nil {
			return out, err
		}
	}
	n := sort.Search(len(found), func(i int) bool { return found[i].members < hq.Members() })
	found = found[:n]
	out.NumberMatched = int64(len(found))
	limit := pageLimit(hq.Page)
	page := found[min(hq.Page.Offset, len(found)):min(hq.Page.Offset+limit, len(found))]
	return s.describeHotspots(ctx, page, out)
}

// rowQuerier runs a query row by row: the pool (with JIT off) or a
// transaction.
type rowQuerier interface {
	each(ctx context.Context, sql string, args []any, fn func(pgx.Rows) error) error
}

type pgxQuerier struct{ s *Store }

func (p pgxQuerier) each(ctx context.Context, sql string, args []any, fn func(pgx.Rows) error) error {
	return p.s.queryNoJIT(ctx, sql, args, fn)
}

type txQuerier struct{ tx pgx.Tx }

func (t txQuerier) each(ctx context.Context, sql string, args []any, fn func(pgx.Rows) error) error {
	return eachRow(ctx, t.tx, sql, args, fn)
}

// findHotspots loads the located activities v may see and f selects and
// returns every place and theme with at least minMembers distinct leads
// running on one day, most members first, then by place and theme.
func (s *Store) findHotspots(ctx context.Context, db rowQuerier, v geo.Viewer, f geo.ActivityFilter, includeCompleted bool, minMembers int) ([]hsFound, error) {
	var q query
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	q.takingPart(includeCompleted)
	type key struct {
		place int64
		theme string
	}
	groups := map[key][]hsAct{}
	err := db.each(ctx, fmt.Sprintf(hotspotRowsSQL, q.sql()), q.args, func(rows pgx.Rows) error {
		var k key
		var a hsAct
		var lo, hi *time.Time
		if err := rows.Scan(&k.place, &k.theme, &a.id, &a.lead, &lo, &hi); err != nil {
			return err
		}
		a.lo, a.hi = -1, dayMax+1
		if lo != nil {
			a.lo = dayNumber(*lo)
		}
		if hi != nil {
			a.hi = dayNumber(*hi)
		}
		groups[k] = append(groups[k], a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: hotspots: %w", translate(err))
	}
	found := []hsFound{}
	for k, acts := range groups {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("postgis: hotspots: %w", translate(ctx.Err()))
		}
		if day, n := busiestDay(acts); n >= minMembers {
			h := hsFound{place: k.place, theme: k.theme, day: day, members: n}
			for _, a := range acts {
				if max(a.lo, 0) <= day && day < a.hi {
					h.acts = append(h.acts, a)
				}
			}
			found = append(found, h)
		}
	}
	slices.SortFunc(found, func(x, y hsFound) int {
		return cmp.Or(cmp.Compare(y.members, x.members), cmp.Compare(x.place, y.place), strings.Compare(x.theme, y.theme))
	})
	return found, nil
}

// busiestDay returns the first start day (open starts counting as
// 1950-01-01) on which the most distinct leads have an activity running,
// and how many.
func busiestDay(acts []hsAct) (int32, int) {
	type event struct {
		day   int32
		start bool
		lead  int64
	}
	events := make([]event, 0, 2*len(acts))
	for _, a := range acts {
		lo := max(a.lo, 0)
		if lo >= a.hi {
			continue // ends before 1950: never running on a start day
		}
		events = append(events, event{lo, true, a.lead}, event{a.hi, false, a.lead})
	}
	// By day; on one day ends first, since an activity is not running on
	// its exclusive end.
	slices.SortFunc(events, func(x, y event) int {
		if c := cmp.Compare(x.day, y.day); c != 0 {
			return c
		}
		if x.start == y.start {
			return 0
		}
		if !x.start {
			return -1
		}
		return 1
	})
	running := map[int64]int{}
	best, bestDay := 0, int32(0)
	for i := 0; i < len(events); {
		day, starts := events[i].day, false
		for ; i < len(events) && events[i].day == day; i++ {
			e := events[i]
			if e.start {
				running[e.lead]++
				starts = true
			} else if running[e.lead]--; running[e.lead] == 0 {
				delete(running, e.lead)
			}
		}
		if starts && len(running) > best {
			best, bestDay = len(running), day
		}
	}
	return bestDay, best
}

// describeHotspots fills in the names, points and titles of a page.
func (s *Store) describeHotspots(ctx context.Context, page []hsFound, out geo.HotspotPage) (geo.HotspotPage, error) {
	if len(page) == 0 {
		return out, nil
	}
	var places, actIDs, orgIDs []int64
	for _, h := range page {
		places = append(places, h.place)
		for _, a := range h.acts {
			actIDs, orgIDs = append(actIDs, a.id), append(orgIDs, a.lead)
		}
	}
	type placeRow struct {
		name, country string
		pt            orb.Point
	}
	placeOf := map[int64]placeRow{}
	themeName := map[string]string{}
	title := map[int64]string{}
	orgOf := map[int64]geo.MatrixOrganisation{}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT geonameid, name, country_code, ST_X(geom), ST_Y(geom) FROM places WHERE geonameid = ANY($1)`, places)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var p placeRow
			if err := rows.Scan(&id, &p.name, &p.country, &p.pt[0], &p.pt[1]); err != nil {
				rows.Close()
				return err
			}
			placeOf[id] = p
		}
		if rows, err = tx.Query(ctx, `SELECT code, name FROM themes`); err != nil {
			return err
		}
		for rows.Next() {
			var c, n string
			if err := rows.Scan(&c, &n); err != nil {
				rows.Close()
				return err
			}
			themeName[c] = n
		}
		if rows, err = tx.Query(ctx, `SELECT id, title FROM activities WHERE id = ANY($1)`, actIDs); err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var t string
			if err := rows.Scan(&id, &t); err != nil {
				rows.Close()
				return err
			}
			title[id] = t
		}
		if rows, err = tx.Query(ctx, `SELECT id, name, constituency FROM organisations WHERE id = ANY($1)`, orgIDs); err != nil {
			return err
		}
		for rows.Next() {
			var o geo.MatrixOrganisation
			var c string
			if err := rows.Scan(&o.ID, &o.Name, &c); err != nil {
				rows.Close()
				return err
			}
			o.Constituency = geo.Constituency(c)
			orgOf[o.ID] = o
		}
		return rows.Err()
	})
	if err != nil {
		return out, fmt.Errorf("postgis: hotspots: %w", translate(err))
	}
	for _, h := range page {
		p := placeOf[h.place]
		hs := geo.Hotspot{PlaceID: h.place, Place: p.name, CountryCode: p.country, Point: p.pt, Theme: h.theme, ThemeName: themeName[h.theme]}
		if h.day > 0 {
			hs.Day = dayTime(h.day)
		}
		acts := slices.Clone(h.acts)
		slices.SortFunc(acts, func(x, y hsAct) int { return cmp.Compare(x.id, y.id) })
		acts = slices.CompactFunc(acts, func(x, y hsAct) bool { return x.id == y.id })
		seen := map[int64]bool{}
		for _, a := range acts {
			hs.Activities = append(hs.Activities, geo.HotspotActivity{ID: a.id, Title: title[a.id], OrganisationID: a.lead})
			if !seen[a.lead] {
				seen[a.lead] = true
				hs.Members = append(hs.Members, orgOf[a.lead])
			}
		}
		slices.SortFunc(hs.Members, func(x, y geo.MatrixOrganisation) int {
			return cmp.Or(strings.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
		})
		out.Hotspots = append(out.Hotspots, hs)
	}
	return out, nil
}
