package postgis

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/overlaps"
)

// Overlaps are found in Go (geo/overlaps): one SQL query loads the
// activities a request's viewer may see and its filter selects, from one
// snapshot, and the pass pairs them. Tests hold the pass to the rule
// written as one SQL statement (overlaps_reference_test.go).
//
// The overlap index is that pass over the public activities with the
// default parameters, run by Watch once per data version and day (the
// score's "both active" depends on the day), so the requests everyone
// makes first, the unfiltered /overlaps pages and /overlaps/matrix, cost a
// lookup: at 100k activities their pass takes a second, at 1M over a
// minute. It keeps the best overlapIndexTop pairs.
const overlapIndexTop = 10000

// overlapIndex is the result of one pass with what it was run on.
type overlapIndex struct {
	overlaps.Index
	version int64
	day     int32    // as_of
	codes   []string // theme codes, by bit
	built   time.Duration
	// hotspots of the index's activities with two or more members (the
	// public, unfiltered /overlaps/hotspots).
	hotspots []overlaps.Hotspot
}

// overlapIndexHolder keeps the current index for concurrent readers.
type overlapIndexHolder struct {
	mu  sync.RWMutex
	idx *overlapIndex
}

func (h *overlapIndexHolder) get() *overlapIndex {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.idx
}

func (h *overlapIndexHolder) set(idx *overlapIndex) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.idx = idx
}

// OverlapIndexRefresh says what RefreshOverlapIndex did.
type OverlapIndexRefresh struct {
	Built      bool
	Version    int64
	Activities int
	Overlaps   int64
	Duration   time.Duration
}

// RefreshOverlapIndex rebuilds the overlap index unless it is already of
// the current data version and today.
func (s *Store) RefreshOverlapIndex(ctx context.Context) (OverlapIndexRefresh, error) {
	var r OverlapIndexRefresh
	today := overlaps.DayNumber(time.Now().UTC().Truncate(24 * time.Hour))
	v, err := s.DataVersion(ctx)
	if err != nil {
		return r, err
	}
	if idx := s.overlapIdx.get(); idx != nil && idx.version == v && idx.day == today {
		return r, nil
	}
	start := time.Now()
	idx, n, err := s.buildOverlapIndex(ctx, today)
	if err != nil {
		return r, fmt.Errorf("postgis: overlap index: %w", translate(err))
	}
	idx.built = time.Since(start)
	s.overlapIdx.set(idx)
	return OverlapIndexRefresh{Built: true, Version: idx.version, Activities: n, Overlaps: idx.Total, Duration: idx.built}, nil
}

// buildOverlapIndex runs the pass over the public activities taking part
// by default, from one snapshot, with the public hotspots.
func (s *Store) buildOverlapIndex(ctx context.Context, day int32) (*overlapIndex, int, error) {
	return s.overlapPass(ctx, geo.Viewer{Kind: geo.Anonymous}, geo.OverlapQuery{}, overlaps.Options{Day: day, Keep: overlapIndexTop}, true)
}

// passInput is what a pass loads from its snapshot.
type passInput struct {
	version  int64
	codes    []string
	acts     []overlaps.Activity
	locs     []overlaps.Location
	hotspots []overlaps.Hotspot
}

// overlapPass loads the activities oq's filter selects for v (with the
// statuses oq takes) from one snapshot and runs the pass over them with o
// and oq's parameters. For one activity's overlaps (oq.Activity) it loads
// that activity and only the others that could pair with it
// (overlap_activity.go). A background pass (the index's) has no statement
// timeout and also finds the hotspots.
func (s *Store) overlapPass(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery, o overlaps.Options, background bool) (*overlapIndex, int, error) {
	o.Distance, o.MaxTier = oq.Distance()*1000, oq.Tier()
	if o.Org == 0 {
		o.Org = oq.Organisation
	}
	o.Anchor = oq.Activity
	var in passInput
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return s.loadPass(ctx, tx, v, oq, background, &in)
	})
	if err != nil {
		return nil, 0, err
	}
	res, err := overlaps.Pass(ctx, in.acts, in.locs, o)
	if err != nil {
		return nil, 0, err
	}
	idx := &overlapIndex{Index: *res, version: in.version, day: o.Day, codes: in.codes, hotspots: in.hotspots}
	return idx, len(in.acts), nil
}

// loadPass reads a pass's input in tx: the data version, the theme codes,
// the activities and their locations (and, in the background, the
// hotspots).
func (s *Store) loadPass(ctx context.Context, tx pgx.Tx, v geo.Viewer, oq geo.OverlapQuery, background bool, in *passInput) error {
	if background {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&in.version); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT code FROM themes ORDER BY code`)
	if err != nil {
		return err
	}
	if in.codes, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return err
	}
	if len(in.codes) > 64 {
		return fmt.Errorf("%d themes: the pass holds at most 64", len(in.codes))
	}
	if oq.Activity != 0 {
		in.acts, in.locs, err = s.loadActivityPass(ctx, tx, v, oq, in.codes)
		return err
	}
	var q query
	if err := q.activities(v, oq.Filter); err != nil {
		return err
	}
	q.takingPart(oq.IncludeCompleted)
	if in.acts, err = s.loadPassActivities(ctx, tx, fmt.Sprintf(passActivitiesSQL, q.sql()), q.args, in.codes, nil); err != nil {
		return err
	}
	if in.locs, err = s.loadPassLocations(ctx, tx, fmt.Sprintf(passLocationsSQL, q.sql()), q.args, in.acts); err != nil {
		return err
	}
	if background { // the index also keeps the public hotspots
		in.hotspots, err = s.findHotspots(ctx, tx, v, oq.Filter, oq.IncludeCompleted, 2)
	}
	return err
}

// passActivitiesSQL loads the activities of a pass (aliased a, with the
// WHERE clause %s), with their leads, periods and themes, by id.
const passActivitiesSQL = `SELECT a.id, lo.organisation_id, a.status = 'implementation', lower(a.period), upper(a.period),
		coalesce((SELECT array_agg(theme_code) FROM activity_themes WHERE activity_id = a.id), '{}')
	FROM activities a JOIN activity_organisations lo ON lo.activity_id = a.id AND lo.role = 'lead'
	WHERE %s ORDER BY a.id`

// loadPassActivities appends to acts the rows of a passActivitiesSQL
// query, themes as bitmasks of codes.
func (s *Store) loadPassActivities(ctx context.Context, tx pgx.Tx, sql string, args []any, codes []string, acts []overlaps.Activity) ([]overlaps.Activity, error) {
	bit := make(map[string]uint64, len(codes))
	for i, c := range codes {
		bit[c] = 1 << i
	}
	err := s.eachRow(ctx, tx, sql, args, func(rows pgx.Rows) error {
		var a overlaps.Activity
		var lo, hi *time.Time
		var themes []string
		if err := rows.Scan(&a.ID, &a.Lead, &a.Active, &lo, &hi, &themes); err != nil {
			return err
		}
		a.Lo, a.Hi = overlaps.Days(lo, hi)
		for _, t := range themes {
			a.Themes |= bit[t]
		}
		acts = append(acts, a)
		return nil
	})
	return acts, err
}

// passLocationsSQL loads their locations (l, of activities aliased a, with
// the WHERE clause %s).
const passLocationsSQL = `SELECT l.activity_id, l.id, l.kind = 'country', ST_X(l.point), ST_Y(l.point),
		coalesce(l.place_id, 0), coalesce(l.country_code, '')
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	WHERE l.point IS NOT NULL AND %s`

// loadPassLocations reads the rows of a passLocationsSQL query: the
// locations of acts (sorted by id), linking each to its activity.
func (s *Store) loadPassLocations(ctx context.Context, tx pgx.Tx, sql string, args []any, acts []overlaps.Activity) ([]overlaps.Location, error) {
	byID := make(map[int64]int32, len(acts))
	for i, a := range acts {
		byID[a.ID] = int32(i)
	}
	var locs []overlaps.Location
	err := s.eachRow(ctx, tx, sql, args, func(rows pgx.Rows) error {
		var l overlaps.Location
		var act int64
		var lon, lat float64
		if err := rows.Scan(&act, &l.ID, &l.Wide, &lon, &lat, &l.Place, &l.Country); err != nil {
			return err
		}
		i, ok := byID[act]
		if !ok {
			return nil // no lead
		}
		l.Act = i
		l.X, l.Y, l.Z = overlaps.UnitVector(lon, lat)
		acts[i].Locs = append(acts[i].Locs, int32(len(locs)))
		locs = append(locs, l)
		return nil
	})
	return locs, err
}

// currentOverlapIndex returns the overlap index if it is of the current
// data version, else nil.
func (s *Store) currentOverlapIndex(ctx context.Context) (*overlapIndex, error) {
	idx := s.overlapIdx.get()
	if idx == nil {
		return nil, nil
	}
	version, err := s.DataVersion(ctx)
	if err != nil || version != idx.version {
		return nil, err
	}
	return idx, nil
}

// serves reports whether the index (of the current data version) answers
// an overlap request as the pass over its activities would: the public,
// unfiltered, with the default distance, tiers and statuses, on its day,
// and not of one organisation or activity (it keeps only the best pairs).
func (idx *overlapIndex) serves(v geo.Viewer, oq geo.OverlapQuery) bool {
	return idx != nil && v.Kind == geo.Anonymous && oq.Filter.Empty() && oq.Organisation == 0 && oq.Activity == 0 &&
		oq.Distance() == geo.DefaultOverlapDistanceKm && oq.Tier() == geo.TierSameCountry && !oq.IncludeCompleted &&
		asOfDay(oq) == idx.day
}

// asOfDay is the day a query's "both active" refers to.
func asOfDay(oq geo.OverlapQuery) int32 {
	if oq.AsOf.IsZero() {
		return overlaps.DayNumber(time.Now().UTC().Truncate(24 * time.Hour))
	}
	return overlaps.DayNumber(oq.AsOf)
}
