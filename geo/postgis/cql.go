package postgis

import (
	"fmt"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/cql2"
)

// activityQueryables maps each of geo.ActivityQueryables to the SQL it
// stands for over activities aliased a. Names come only from this map.
var activityQueryables = map[string]cql2.Queryable{
	"id":                   {SQL: "a.id", Type: cql2.Integer},
	"title":                {SQL: "a.title", Type: cql2.String},
	"description":          {SQL: "a.description", Type: cql2.String},
	"iati_identifier":      {SQL: "a.iati_identifier", Type: cql2.String},
	"status":               {SQL: "a.status", Type: cql2.String},
	"start_date":           {SQL: "a.start_date", Type: cql2.Date},
	"end_date":             {SQL: "a.end_date", Type: cql2.Date},
	"datetime":             {SQL: "a.period", Type: cql2.Interval},
	"budget":               {SQL: "a.budget", Type: cql2.Number},
	"currency":             {SQL: "a.currency::text", Type: cql2.String},
	"programme_id":         {SQL: "a.programme_id", Type: cql2.Integer},
	"programme_type":       {SQL: "(SELECT p.type FROM programmes p WHERE p.id = a.programme_id)", Type: cql2.String},
	"lead_organisation_id": {SQL: "(SELECT ao.organisation_id FROM activity_organisations ao WHERE ao.activity_id = a.id AND ao.role = 'lead')", Type: cql2.Integer},
	"organisations": {SQL: `ARRAY(SELECT o.slug FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
		WHERE ao.activity_id = a.id)`, Type: cql2.StringArray},
	"constituencies": {SQL: `ARRAY(SELECT o.constituency FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
		WHERE ao.activity_id = a.id)`, Type: cql2.StringArray},
	"themes":    {SQL: "ARRAY(SELECT t.theme_code FROM activity_themes t WHERE t.activity_id = a.id)", Type: cql2.StringArray},
	"countries": {SQL: "ARRAY(SELECT l.country_code::text FROM activity_locations l WHERE l.activity_id = a.id AND l.country_code IS NOT NULL)", Type: cql2.StringArray},
	"geometry":  {SQL: "(SELECT ST_Collect(l.point) FROM activity_locations l WHERE l.activity_id = a.id)", Type: cql2.Geometry},
}

// cqlLimits bound what a filter may cost to parse and run.
var cqlLimits = cql2.Limits{MaxLength: 4000, MaxDepth: 20, MaxNodes: 200}

// cql adds a CQL2 text filter, compiled to SQL with placeholders.
func (q *query) cql(text string) error {
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

// checkQueryables reports a queryable the domain lists but the store cannot
// compile, or the other way round (a test calls it).
func checkQueryables() error {
	names := map[string]bool{}
	for _, qb := range geo.ActivityQueryables() {
		names[qb.Name] = true
		if _, ok := activityQueryables[qb.Name]; !ok {
			return fmt.Errorf("queryable %q has no SQL", qb.Name)
		}
	}
	for name := range activityQueryables {
		if !names[name] {
			return fmt.Errorf("SQL for %q, which geo.ActivityQueryables does not list", name)
		}
	}
	return nil
}
