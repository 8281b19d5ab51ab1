package postgis

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/overlaps"
)

// One activity's overlaps ("other members here") need not look at every
// activity: only those with a location that can pair with one of the
// anchor's. The pass loads the anchor (visible to the viewer and taking
// part; the filter does not apply to it) and then the others the filter
// selects that are of another lead, share a theme and time with it, and
// have such a location, found through the locations' indexes; the pass
// then pairs the anchor with them. Each branch below is a superset of what
// its tier accepts (the near distance gets a metre of slack, since the
// pass measures it on its own), so the pass alone decides the rule.

// anchorNearSQL and the other branches select the ids of the activities
// with a location that may pair with one of the anchor's (al, of the
// activity %[1]s): within %[2]s metres or at the same GeoNames place
// (near), or in the country of a country-wide one, or country-wide in its
// country (in_country, same_country).
const (
	anchorNearSQL = `SELECT l.activity_id FROM activity_locations al JOIN activity_locations l
		ON ST_DWithin(l.point::geography, al.point::geography, %[2]s, false) AND l.kind <> 'country'
	WHERE al.activity_id = %[1]s AND al.kind <> 'country'`
	anchorPlaceSQL = `SELECT l.activity_id FROM activity_locations al JOIN activity_locations l
		ON l.place_id = al.place_id AND l.kind <> 'country'
	WHERE al.activity_id = %[1]s AND al.kind <> 'country' AND al.place_id IS NOT NULL`
	anchorInWideSQL = `SELECT l.activity_id FROM activity_locations al JOIN activity_locations l
		ON l.country_code = al.country_code AND l.kind = 'country'
	WHERE al.activity_id = %[1]s`
	anchorWideSQL = `SELECT l.activity_id FROM activity_locations al JOIN activity_locations l
		ON l.country_code = al.country_code
	WHERE al.activity_id = %[1]s AND al.kind = 'country'`
)

// loadActivityPass loads what the pass needs for oq.Activity's overlaps:
// the anchor and the candidates, sorted by id, and their locations. With
// no anchor (unknown, not visible to v, or not taking part) both are
// empty.
func (s *Store) loadActivityPass(ctx context.Context, tx pgx.Tx, v geo.Viewer, oq geo.OverlapQuery, codes []string) ([]overlaps.Activity, []overlaps.Location, error) {
	var q query
	q.visible(v)
	q.takingPart(oq.IncludeCompleted)
	q.and(`a.id = ` + q.arg(oq.Activity))
	acts, err := s.loadPassActivities(ctx, tx, fmt.Sprintf(passActivitiesSQL, q.sql()), q.args, codes, nil)
	if err != nil || len(acts) == 0 {
		return nil, nil, err
	}
	anchor := acts[0]

	q = query{}
	if err := q.activities(v, oq.Filter); err != nil {
		return nil, nil, err
	}
	q.takingPart(oq.IncludeCompleted)
	id := q.arg(anchor.ID)
	q.and(`a.id <> ` + id)
	q.and(`lo.organisation_id <> ` + q.arg(anchor.Lead))
	q.and(`a.period && (SELECT period FROM activities WHERE id = ` + id + `)`)
	q.and(`EXISTS (SELECT FROM activity_themes t JOIN activity_themes ta ON ta.theme_code = t.theme_code AND ta.activity_id = ` + id + `
		WHERE t.activity_id = a.id)`)
	branches := []string{fmt.Sprintf(anchorNearSQL, id, q.arg(oq.Distance()*1000+1)+"::float8"), fmt.Sprintf(anchorPlaceSQL, id)}
	if oq.Tier() >= geo.TierInCountry {
		branches = append(branches, fmt.Sprintf(anchorInWideSQL, id), fmt.Sprintf(anchorWideSQL, id))
	}
	q.and(`a.id IN (` + strings.Join(branches, "\n\tUNION ALL\n\t") + `)`)
	if acts, err = s.loadPassActivities(ctx, tx, fmt.Sprintf(passActivitiesSQL, q.sql()), q.args, codes, acts); err != nil {
		return nil, nil, err
	}
	// The anchor was loaded first: move it to its place by id.
	i := sort.Search(len(acts)-1, func(k int) bool { return acts[k+1].ID > anchor.ID })
	copy(acts[:i], acts[1:i+1])
	acts[i] = anchor
	ids := make([]int64, len(acts))
	for i, a := range acts {
		ids[i] = a.ID
	}
	var lq query
	lq.and(`l.activity_id = ANY(` + lq.arg(ids) + `)`)
	locs, err := s.loadPassLocations(ctx, tx, fmt.Sprintf(passLocationsSQL, lq.sql()), lq.args, acts)
	return acts, locs, err
}
