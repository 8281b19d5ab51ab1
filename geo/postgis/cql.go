package postgis

import (
	"fmt"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/cql2"
)

// activitySQL is the SQL each of geo.ActivityQueryables stands for over
// activities aliased a; the names and types come from geo. Identifiers
// come only from this map.
var activitySQL = map[string]string{
	"id":                   "a.id",
	"title":                "a.title",
	"description":          "a.description",
	"iati_identifier":      "a.iati_identifier",
	"status":               "a.status",
	"start_date":           "a.start_date",
	"end_date":             "a.end_date",
	"datetime":             "a.period",
	"budget":               "a.budget",
	"currency":             "a.currency::text",
	"programme_id":         "a.programme_id",
	"programme_type":       "(SELECT p.type FROM programmes p WHERE p.id = a.programme_id)",
	"lead_organisation_id": "(SELECT ao.organisation_id FROM activity_organisations ao WHERE ao.activity_id = a.id AND ao.role = 'lead')",
	"organisations": `ARRAY(SELECT o.slug FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
		WHERE ao.activity_id = a.id)`,
	"constituencies": `ARRAY(SELECT o.constituency FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
		WHERE ao.activity_id = a.id)`,
	"themes":    "ARRAY(SELECT t.theme_code FROM activity_themes t WHERE t.activity_id = a.id)",
	"countries": "ARRAY(SELECT l.country_code::text FROM activity_locations l WHERE l.activity_id = a.id AND l.country_code IS NOT NULL)",
	"geometry":  "(SELECT ST_Collect(l.point) FROM activity_locations l WHERE l.activity_id = a.id)",
}

// activityQueryables is geo.ActivityQueryables bound to activitySQL;
// errQueryables says why not when the two lists disagree (a defect a test
// catches).
var activityQueryables, errQueryables = cql2.Bind(geo.ActivityQueryables(), activitySQL)

// cqlLimits bound what a filter may cost to parse and run.
var cqlLimits = cql2.Limits{MaxLength: geo.MaxCQLLength, MaxDepth: geo.MaxCQLDepth, MaxNodes: geo.MaxCQLNodes}

// cql adds a CQL2 text filter, compiled to SQL with placeholders. The HTTP
// layer has checked it already; the store parses it again (microseconds)
// so that it stays safe for every other caller.
func (q *query) cql(text string) error {
	if errQueryables != nil {
		return fmt.Errorf("postgis: %w", errQueryables)
	}
	e, err := cql2.Parse(text, cqlLimits)
	if err != nil {
		return err
	}
	sql, args, err := cql2.Compile(e, activityQueryables, len(q.args)+1)
	if err != nil {
		return err
	}
	q.args = append(q.args, args...)
	q.and("(" + sql + ")")
	return nil
}
