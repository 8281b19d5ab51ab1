package postgis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/commonground/commonground/geo"
)

// ActivityInput returns activity id as its write document says it (what
// PUT takes back) with its row version, or ENotFound when it does not
// exist or v may not see it.
func (s *Store) ActivityInput(ctx context.Context, v geo.Viewer, id int64) (geo.ActivityInput, int, error) {
	var in geo.ActivityInput
	var version int
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		in, version, _, err = loadInput(ctx, tx, v, id, false)
		return err
	})
	if err != nil {
		return in, 0, fmt.Errorf("postgis: activity %d: %w", id, translate(err))
	}
	return in, version, nil
}

// loadInput reads activity id as v may see it, locking its row when
// forUpdate: the write document's fields, the row version and the lead.
func loadInput(ctx context.Context, tx pgx.Tx, v geo.Viewer, id int64, forUpdate bool) (geo.ActivityInput, int, int64, error) {
	var q query
	q.and(`a.id = ` + q.arg(id))
	q.visible(v)
	sql := `SELECT a.version, coalesce(a.programme_id, 0), a.title, a.description, a.status, a.start_date, a.end_date,
	coalesce(a.budget::text, ''), coalesce(a.currency::text, ''), a.visibility, coalesce(a.iati_identifier, '')
FROM activities a WHERE ` + q.sql()
	if forUpdate {
		sql += ` FOR UPDATE OF a`
	}
	var in geo.ActivityInput
	var version int
	var start, end *time.Time
	err := tx.QueryRow(ctx, sql, q.args...).Scan(&version, &in.ProgrammeID, &in.Title, &in.Description, &in.Status,
		&start, &end, &in.Budget, &in.Currency, &in.Visibility, &in.IATIIdentifier)
	if err == pgx.ErrNoRows {
		return in, 0, 0, geo.Errorf(geo.ENotFound, "no activity %d", id)
	}
	if err != nil {
		return in, 0, 0, err
	}
	if start != nil {
		in.Start = start.UTC()
	}
	if end != nil {
		in.End = end.UTC()
	}
	if err := loadInputChildren(ctx, tx, id, &in); err != nil {
		return in, 0, 0, err
	}
	in.Normalise()
	return in, version, in.Lead(), nil
}

// The children of one activity as its write document has them. Place and
// country locations carry no geometry of their own in the document.
const (
	selectInputOrganisations = `SELECT organisation_id, role FROM activity_organisations WHERE activity_id = $1`
	selectInputThemes        = `SELECT theme_code FROM activity_themes WHERE activity_id = $1`
	selectInputLocations     = `SELECT kind, precision, name, coalesce(country_code::text, ''), coalesce(place_id, 0), admin_area,
	CASE WHEN kind IN ('place', 'country') THEN NULL ELSE ST_AsBinary(geom) END
FROM activity_locations WHERE activity_id = $1 ORDER BY id`
)

// loadLocations reads one activity's locations as its write document has
// them.
func loadLocations(ctx context.Context, tx pgx.Tx, id int64) ([]geo.LocationInput, error) {
	var in geo.ActivityInput
	var b pgx.Batch
	queueLocations(&b, id, &in)
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	in.Normalise()
	return in.Locations, nil
}

func loadInputChildren(ctx context.Context, tx pgx.Tx, id int64, in *geo.ActivityInput) error {
	var b pgx.Batch
	b.Queue(selectInputOrganisations, id).Query(func(rows pgx.Rows) error {
		var o geo.OrganisationRef
		_, err := pgx.ForEachRow(rows, []any{&o.ID, &o.Role}, func() error {
			in.Organisations = append(in.Organisations, o)
			return nil
		})
		return err
	})
	b.Queue(selectInputThemes, id).Query(func(rows pgx.Rows) error {
		var err error
		in.Themes, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	queueLocations(&b, id, in)
	return tx.SendBatch(ctx, &b).Close()
}

func queueLocations(b *pgx.Batch, id int64, in *geo.ActivityInput) {
	b.Queue(selectInputLocations, id).Query(func(rows pgx.Rows) error {
		var l geo.LocationInput
		var g []byte
		_, err := pgx.ForEachRow(rows, []any{&l.Kind, &l.Precision, &l.Name, &l.CountryCode, &l.PlaceID, &l.AdminArea, &g}, func() error {
			l.Geometry = nil
			if g != nil {
				geom, err := wkb.Unmarshal(g)
				if err != nil {
					return err
				}
				l.Geometry = geom
			}
			in.Locations = append(in.Locations, l)
			return nil
		})
		return err
	})
}

// checkReferences reports, with their pointers, the references of in that
// do not resolve (programme, organisations, themes, currency, countries,
// places), an IATI identifier another activity (not self) already has,
// shapes PostGIS finds invalid (with its reason), and points that are not
// in their stated country (saying so when swapping the coordinates would
// put them there). With changed, only the fields in it are checked (the
// others were checked when they were written).
func checkReferences(ctx context.Context, tx pgx.Tx, in geo.ActivityInput, self int64, changed map[string]geo.FieldChange) error {
	var v refErrors
	var exists bool
	check := func(field string) bool {
		_, ok := changed[field]
		return changed == nil || ok
	}
	if in.ProgrammeID > 0 && check("programme_id") {
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM programmes WHERE id = $1)`, in.ProgrammeID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			v.add("/properties/programme_id", "no such programme")
		}
	}
	if in.Currency != "" && check("currency") {
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM currencies WHERE code = $1)`, in.Currency).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			v.add("/properties/currency", "not an ISO 4217 currency")
		}
	}
	if in.IATIIdentifier != "" && check("iati_identifier") {
		var other int64
		err := tx.QueryRow(ctx, `SELECT id FROM activities WHERE iati_identifier = $1 AND id <> $2`, in.IATIIdentifier, self).Scan(&other)
		if err == nil {
			v.conflict = true
			v.add("/properties/iati_identifier", "activity "+strconv.FormatInt(other, 10)+" already has this identifier")
		} else if err != pgx.ErrNoRows {
			return err
		}
	}
	if check("organisations") || check("themes") {
		if err := checkSets(ctx, tx, in, &v); err != nil {
			return err
		}
	}
	if check("locations") {
		for i, l := range in.Locations {
			if err := checkLocation(ctx, tx, "/properties/locations/"+strconv.Itoa(i), l, &v); err != nil {
				return err
			}
		}
	}
	return v.err()
}

// refErrors collects unresolved references; conflict marks a uniqueness
// fault (409) rather than an invalid value (400).
type refErrors struct {
	fields   []geo.FieldError
	conflict bool
}

func (v *refErrors) add(pointer, detail string) {
	v.fields = append(v.fields, geo.FieldError{Pointer: pointer, Detail: detail})
}

func (v *refErrors) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	code := geo.EInvalid
	if v.conflict {
		code = geo.EConflict
	}
	return &geo.Error{Code: code, Message: "invalid activity", Fields: v.fields}
}

// checkSets checks the organisation ids and theme codes in one round trip.
func checkSets(ctx context.Context, tx pgx.Tx, in geo.ActivityInput, v *refErrors) error {
	orgs := make([]int64, len(in.Organisations))
	for i, o := range in.Organisations {
		orgs[i] = o.ID
	}
	var knownOrgs []int64
	var knownThemes []string
	err := tx.QueryRow(ctx, `SELECT
	(SELECT coalesce(array_agg(id), '{}') FROM organisations WHERE id = ANY($1)),
	(SELECT coalesce(array_agg(code), '{}') FROM themes WHERE code = ANY($2))`, orgs, in.Themes).Scan(&knownOrgs, &knownThemes)
	if err != nil {
		return err
	}
	for i, o := range in.Organisations {
		if !contains(knownOrgs, o.ID) {
			v.add("/properties/organisations/"+strconv.Itoa(i)+"/id", "no such organisation")
		}
	}
	for i, t := range in.Themes {
		if !contains(knownThemes, t) {
			v.add("/properties/themes/"+strconv.Itoa(i), "no such theme")
		}
	}
	return nil
}

func contains[T comparable](s []T, x T) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}

// countryTolerance is how far (in degrees, about 25 km at the equator) a
// point may lie outside its stated country's boundary, which is drawn at
// 1:50m and cuts coasts and borders.
const countryTolerance = 0.25

// checkLocationSQL answers, for a location: whether its country exists,
// its place exists (and the place's country), PostGIS's verdict on its
// geometry, whether a point is within its stated country, and whether the
// point swapped ([lat, lon] read as [lon, lat]) would be.
const checkLocationSQL = `WITH g AS (SELECT ST_GeomFromWKB($3, 4326) AS geom)
SELECT
	$1::text = '' OR EXISTS (SELECT FROM countries WHERE iso_a2 = $1),
	$2::bigint = 0 OR EXISTS (SELECT FROM places WHERE geonameid = $2),
	coalesce((SELECT country_code::text FROM places WHERE geonameid = $2), ''),
	CASE WHEN g.geom IS NULL OR ST_IsValid(g.geom) THEN '' ELSE ST_IsValidReason(g.geom) END,
	g.geom IS NULL OR $1::text = '' OR GeometryType(g.geom) <> 'POINT'
		OR EXISTS (SELECT FROM countries WHERE iso_a2 = $1 AND ST_DWithin(geom, g.geom, $4)),
	g.geom IS NOT NULL AND $1::text <> '' AND GeometryType(g.geom) = 'POINT' AND abs(ST_X(g.geom)) <= 90
		AND EXISTS (SELECT FROM countries WHERE iso_a2 = $1 AND ST_Intersects(geom, ST_FlipCoordinates(g.geom)))
		AND NOT EXISTS (SELECT FROM countries WHERE ST_DWithin(geom, g.geom, $4))
FROM g`

// checkLocation checks one location's references and geometry at pointer p.
func checkLocation(ctx context.Context, tx pgx.Tx, p string, l geo.LocationInput, v *refErrors) error {
	g, err := geomWKB(l.Geometry)
	if err != nil {
		return geo.Errorf(geo.EInvalid, "%s: %v", p, err)
	}
	var countryOK, placeOK, inCountry, swapped bool
	var placeCountry, invalid string
	err = tx.QueryRow(ctx, checkLocationSQL, l.CountryCode, l.PlaceID, g, countryTolerance).
		Scan(&countryOK, &placeOK, &placeCountry, &invalid, &inCountry, &swapped)
	if err != nil {
		return err
	}
	switch {
	case !countryOK:
		v.add(p+"/country_code", "no such country")
	case !placeOK:
		v.add(p+"/place_id", "no such GeoNames place")
	case l.CountryCode != "" && placeCountry != "" && placeCountry != l.CountryCode:
		v.add(p+"/country_code", "the place is in "+placeCountry+", not in "+l.CountryCode)
	case invalid != "":
		v.add(p+"/geometry", "invalid geometry: "+invalid)
	case swapped:
		v.add(p+"/geometry", "the point lies in the sea, but with its coordinates swapped it lies in "+l.CountryCode+
			": coordinates are [longitude, latitude]")
	case !inCountry:
		v.add(p+"/geometry", "the point does not lie in "+l.CountryCode)
	}
	return nil
}
