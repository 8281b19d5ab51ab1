package postgis

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/commonground/commonground/geo"
)

// query accumulates an append-only WHERE clause and its arguments: request
// values only ever become $n parameters.
type query struct {
	where []string
	args  []any
}

// arg adds a parameter and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *query) and(cond string) { q.where = append(q.where, cond) }

// sql returns the conjunction, "true" when empty.
func (q *query) sql() string {
	if len(q.where) == 0 {
		return "true"
	}
	return strings.Join(q.where, "\n\tAND ")
}

// The parts of the visibility rule, on activities aliased a: what the
// public sees, and what every member sees (the precomputed tile aggregates
// hold both audiences).
const (
	publicSQL  = `a.visibility = 'public'`
	membersSQL = `a.visibility IN ('public', 'members')`
)

// takesPart is the condition that organisation org takes part in a (in
// any role): its people see a's drafts.
func (q *query) takesPart(org int64) string {
	return `EXISTS (SELECT FROM activity_organisations vo WHERE vo.activity_id = a.id AND vo.organisation_id = ` + q.arg(org) + `)`
}

// visible is the one visibility rule, for activities aliased a: public for
// everyone, members-only for members and the secretariat, drafts for the
// organisations taking part and the secretariat.
func (q *query) visible(v geo.Viewer) {
	switch v.Kind {
	case geo.Secretariat:
	case geo.Member:
		q.and(`(` + membersSQL + ` OR ` + q.takesPart(v.OrganisationID) + `)`)
	default:
		q.and(publicSQL)
	}
}

// activities adds the viewer's visibility and every constraint of f on
// activities aliased a.
func (q *query) activities(v geo.Viewer, f geo.ActivityFilter) error {
	q.visible(v)
	return q.filtered(f)
}

// filtered adds every constraint of f on activities aliased a.
func (q *query) filtered(f geo.ActivityFilter) error {
	if len(f.IDs) > 0 {
		q.and(`a.id = ANY(` + q.arg(f.IDs) + `)`)
	}
	if f.BBox != nil {
		var boxes []string
		for _, b := range f.BBox.Bounds() {
			boxes = append(boxes, fmt.Sprintf("l.point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
				q.arg(b.Min[0]), q.arg(b.Min[1]), q.arg(b.Max[0]), q.arg(b.Max[1])))
		}
		q.and(`EXISTS (SELECT FROM activity_locations l WHERE l.activity_id = a.id AND (` + strings.Join(boxes, " OR ") + `))`)
	}
	if f.Datetime != nil {
		q.and(`(a.start_date IS NOT NULL OR a.end_date IS NOT NULL) AND a.period && daterange(` +
			q.arg(dateOrNil(f.Datetime.Start)) + `::date, ` + q.arg(dateOrNil(f.Datetime.End)) + `::date, '[]')`)
	}
	if len(f.Organisations) > 0 {
		q.and(`EXISTS (SELECT FROM activity_organisations fo WHERE fo.activity_id = a.id AND fo.organisation_id = ANY(` + q.arg(f.Organisations) + `))`)
	}
	if len(f.Constituencies) > 0 {
		q.and(`EXISTS (SELECT FROM activity_organisations fo JOIN organisations o ON o.id = fo.organisation_id
			WHERE fo.activity_id = a.id AND o.constituency = ANY(` + q.arg(strs(f.Constituencies)) + `))`)
	}
	if len(f.Programmes) > 0 {
		q.and(`a.programme_id = ANY(` + q.arg(f.Programmes) + `)`)
	}
	if len(f.ProgrammeTypes) > 0 {
		q.and(`EXISTS (SELECT FROM programmes p WHERE p.id = a.programme_id AND p.type = ANY(` + q.arg(strs(f.ProgrammeTypes)) + `))`)
	}
	if len(f.Themes) > 0 {
		q.and(`EXISTS (SELECT FROM activity_themes t WHERE t.activity_id = a.id AND t.theme_code = ANY(` + q.arg(f.Themes) + `))`)
	}
	if len(f.Statuses) > 0 {
		q.and(`a.status = ANY(` + q.arg(strs(f.Statuses)) + `)`)
	}
	if len(f.Countries) > 0 {
		q.and(`EXISTS (SELECT FROM activity_locations l WHERE l.activity_id = a.id AND l.country_code = ANY(` + q.arg(f.Countries) + `))`)
	}
	if len(f.Regions) > 0 {
		r := q.arg(f.Regions)
		q.and(`EXISTS (SELECT FROM activity_locations l JOIN countries c ON c.iso_a2 = l.country_code
			WHERE l.activity_id = a.id AND (c.region_code = ANY(` + r + `) OR c.sub_region_code = ANY(` + r + `)
			OR c.intermediate_region_code = ANY(` + r + `)))`)
	}
	q.budget(f)
	if f.Q != "" {
		p := q.arg(f.Q)
		q.and(`(a.search @@ websearch_to_tsquery('simple', ` + p + `) OR lower(a.title) LIKE '%' || lower(` + p + `) || '%')`)
	}
	if f.CQL != "" {
		return q.cql(f.CQL)
	}
	return nil
}

// takingPart keeps the activities that take part in overlaps and hotspots
// (aliased a): planned and active ones, and finalising and closed ones
// when asked.
func (q *query) takingPart(includeCompleted bool) {
	statuses := []string{string(geo.StatusPipeline), string(geo.StatusImplementation)}
	if includeCompleted {
		statuses = append(statuses, string(geo.StatusFinalisation), string(geo.StatusClosed))
	}
	q.and(`a.status = ANY(` + q.arg(statuses) + `)`)
}

// budget compares budgets in the stated currency; other currencies are
// converted at the indicative exchange_rates (same currency: exact).
func (q *query) budget(f geo.ActivityFilter) {
	if f.BudgetMin == nil && f.BudgetMax == nil {
		return
	}
	cur := f.BudgetCurrency
	if cur == "" {
		cur = "USD"
	}
	c := q.arg(cur)
	amount := `(CASE WHEN a.currency = ` + c + ` THEN a.budget ELSE a.budget
		/ (SELECT units_per_usd FROM exchange_rates WHERE currency = a.currency)
		* (SELECT units_per_usd FROM exchange_rates WHERE currency = ` + c + `) END)`
	if f.BudgetMin != nil {
		q.and(amount + ` >= ` + q.arg(*f.BudgetMin) + `::numeric`)
	}
	if f.BudgetMax != nil {
		q.and(amount + ` <= ` + q.arg(*f.BudgetMax) + `::numeric`)
	}
}

func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format("2006-01-02")
}

func strs[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}
