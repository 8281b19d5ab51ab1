package cql2

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testQueryables look like the activity queryables of the store.
var testQueryables = map[string]Queryable{
	"status":         {SQL: "a.status", Type: String},
	"title":          {SQL: "a.title", Type: String},
	"iati:id":        {SQL: "a.iati_identifier", Type: String},
	"programme type": {SQL: "p.type", Type: String},
	"budget":         {SQL: "a.budget", Type: Number},
	"programme_id":   {SQL: "a.programme_id", Type: Integer},
	"public":         {SQL: "a.public", Type: Boolean},
	"start_date":     {SQL: "a.start_date", Type: Date},
	"updated":        {SQL: "a.updated_at", Type: Timestamp},
	"datetime":       {SQL: "a.period", Type: Interval},
	"geometry":       {SQL: "a.geom", Type: Geometry},
	"themes":         {SQL: "a.themes", Type: StringArray},
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestCompileGolden(t *testing.T) {
	tests := []struct {
		name, filter, sql string
		args              []any
	}{
		{"and", "status = 'closed' AND budget > 1000",
			"(a.status = $1 AND a.budget > $2)", []any{"closed", int64(1000)}},
		{"decimal exponent", "budget >= 1.5e3", "a.budget >= $1", []any{1500.0}},
		{"negative", "budget < -10", "a.budget < $1", []any{int64(-10)}},
		{"decimal against integer is cast", "programme_id = 2.5", "a.programme_id = $1::float8", []any{2.5}},
		{"literal first", "'closed' <> status", "$1 <> a.status", []any{"closed"}},
		{"two literals are cast", "1 = 1", "$1::bigint = $2::bigint", []any{int64(1), int64(1)}},
		{"boolean literal filter", "TRUE", "$1::boolean", []any{true}},
		{"boolean property", "public = false", "a.public = $1", []any{false}},
		{"date against timestamp", "updated >= DATE('2020-01-01')", "a.updated_at >= $1::date", []any{day(2020, 1, 1)}},
		{"precedence NOT AND OR", "NOT status = 'closed' OR budget > 5 AND public = TRUE",
			"(NOT (a.status = $1) OR (a.budget > $2 AND a.public = $3))", []any{"closed", int64(5), true}},
		{"parentheses", "(status = 'a' OR status = 'b') AND NOT (budget < 10)",
			"((a.status = $1 OR a.status = $2) AND NOT (a.budget < $3))", []any{"a", "b", int64(10)}},
		{"flat chain", "status = 'a' and budget = 1 AND public = true",
			"(a.status = $1 AND a.budget = $2 AND a.public = $3)", []any{"a", int64(1), true}},
		{"like", "title LIKE 'Urban%'", "a.title LIKE $1", []any{"Urban%"}},
		{"not like", "title NOT LIKE '_x%'", "a.title NOT LIKE $1", []any{"_x%"}},
		{"casei like", "CASEI(title) LIKE casei('%Resilience%')", "lower(a.title) LIKE lower($1::text)", []any{"%Resilience%"}},
		{"casei in", "CASEI(status) IN (CASEI('Closed'), 'open')",
			"lower(a.status) IN (lower($1::text), $2)", []any{"Closed", "open"}},
		{"between", "budget BETWEEN 100 AND 200.5", "a.budget BETWEEN $1 AND $2", []any{int64(100), 200.5}},
		{"not between dates", "start_date NOT BETWEEN DATE('2020-01-01') AND DATE('2020-12-31')",
			"a.start_date NOT BETWEEN $1 AND $2", []any{day(2020, 1, 1), day(2020, 12, 31)}},
		{"in", "status IN ('closed', 'cancelled')", "a.status IN ($1, $2)", []any{"closed", "cancelled"}},
		{"not in numbers", "programme_id NOT IN (1, 2)", "a.programme_id NOT IN ($1, $2)", []any{int64(1), int64(2)}},
		{"is null", "geometry IS NULL", "a.geom IS NULL", nil},
		{"not is not null", "NOT geometry IS NOT NULL", "NOT (a.geom IS NOT NULL)", nil},
		{"quoted names", `"iati:id" = 'XM-1' AND "programme type" = 'Innovation Lab'`,
			"(a.iati_identifier = $1 AND p.type = $2)", []any{"XM-1", "Innovation Lab"}},
		{"bare name with colon", "iati:id = 'XM-1'", "a.iati_identifier = $1", []any{"XM-1"}},
		{"escaped quote", "title = 'O''Brien'", "a.title = $1", []any{"O'Brien"}},
		{"sql in a value", "status = 'x''; DROP TABLE activities; --'", "a.status = $1", []any{"x'; DROP TABLE activities; --"}},
		{"array equals", "themes = 'resilience'", "$1 = ANY(a.themes)", []any{"resilience"}},
		{"array in", "themes IN ('gender', 'youth')", "a.themes && $1::text[]", []any{[]string{"gender", "youth"}}},
		{"array not in", "themes NOT IN ('gender')", "NOT (a.themes && $1::text[])", []any{[]string{"gender"}}},
		{"a_contains", "A_CONTAINS(themes, ('a', 'b'))", "a.themes @> $1::text[]", []any{[]string{"a", "b"}}},
		{"a_contains reversed, one element", "a_contains(('a'), themes)", "$1::text[] @> a.themes", []any{[]string{"a"}}},
		{"a_overlaps empty", "A_OVERLAPS(themes, ())", "a.themes && $1::text[]", []any{[]string{}}},
		{"s_intersects point", "S_INTERSECTS(geometry, POINT(36.319836 32.288087))",
			"ST_Intersects(a.geom, ST_GeomFromText($1, 4326))", []any{"POINT (36.319836 32.288087)"}},
		{"s_intersects polygon z", "s_intersects(geometry, polygon z ((0 0 1, 1 0 1, 1 1 1, 0 0 1)))",
			"ST_Intersects(a.geom, ST_GeomFromText($1, 4326))", []any{"POLYGON Z ((0 0 1, 1 0 1, 1 1 1, 0 0 1))"}},
		{"s_intersects collection", "S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), MULTIPOINT(3 4, (5 6))))",
			"ST_Intersects(a.geom, ST_GeomFromText($1, 4326))", []any{"GEOMETRYCOLLECTION (POINT (1 2), MULTIPOINT (3 4, (5 6)))"}},
		{"bbox reversed", "S_INTERSECTS(BBOX(-10, -5.5, 10, 5.5), geometry)",
			"ST_Intersects(a.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))", []any{-10.0, -5.5, 10.0, 5.5}},
		{"bbox 3d", "S_INTERSECTS(geometry, BBOX(1, 2, -100, 3, 4, 100))",
			"ST_Intersects(a.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))", []any{1.0, 2.0, 3.0, 4.0}},
		{"bbox antimeridian", "S_INTERSECTS(geometry, BBOX(170, -20, -170, -10))",
			"(ST_Intersects(a.geom, ST_MakeEnvelope($1, $2, 180, $4, 4326)) OR ST_Intersects(a.geom, ST_MakeEnvelope(-180, $2, $3, $4, 4326)))",
			[]any{170.0, -20.0, -170.0, -10.0}},
		{"t_intersects open end", "T_INTERSECTS(datetime, INTERVAL('2020-01-01', '..'))",
			"a.period && daterange($1::date, NULL::date)", []any{day(2020, 1, 1)}},
		{"t_intersects open start, timestamp end", "T_INTERSECTS(datetime, INTERVAL('..', '2020-06-30T23:30:00-02:00'))",
			"a.period && daterange(NULL::date, $1::date)", []any{day(2020, 7, 2)}},
		{"t_intersects date instant", "T_INTERSECTS(DATE('2021-03-04'), datetime)",
			"a.period && daterange($1::date, $2::date)", []any{day(2021, 3, 4), day(2021, 3, 5)}},
		{"t_intersects date property", "T_INTERSECTS(start_date, INTERVAL('2020-01-01', '2020-12-31'))",
			"(a.start_date >= $1::date AND a.start_date <= $2::date)", []any{day(2020, 1, 1), day(2020, 12, 31)}},
		{"t_intersects timestamp property, date", "T_INTERSECTS(updated, DATE('2020-01-01'))",
			"(a.updated_at >= $1::timestamptz AND a.updated_at < $2::timestamptz)", []any{day(2020, 1, 1), day(2020, 1, 2)}},
		{"t_intersects timestamp property, timestamp", "T_INTERSECTS(updated, INTERVAL('..', TIMESTAMP('2020-01-01T10:00:00Z')))",
			"a.updated_at <= $1::timestamptz", []any{time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC)}},
		{"t_intersects all open", "T_INTERSECTS(updated, INTERVAL('..', '..'))", "a.updated_at IS NOT NULL", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.filter, Limits{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			sql, args, err := Compile(e, testQueryables, 1)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if sql != tt.sql {
				t.Errorf("sql:\n got %s\nwant %s", sql, tt.sql)
			}
			if !equalArgs(args, tt.args) {
				t.Errorf("args:\n got %#v\nwant %#v", args, tt.args)
			}
			if err := checkPlaceholders(sql, args, 1); err != nil {
				t.Error(err)
			}
		})
	}
}

// equalArgs compares argument lists, times with Equal.
func equalArgs(got, want []any) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		gt, ok1 := got[i].(time.Time)
		wt, ok2 := want[i].(time.Time)
		if ok1 && ok2 {
			if !gt.Equal(wt) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			return false
		}
	}
	return true
}

func TestCompileArgStart(t *testing.T) {
	e, err := Parse("status IN ('a', 'b') AND budget > 3", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	sql, args, err := Compile(e, testQueryables, 7)
	if err != nil {
		t.Fatal(err)
	}
	if want := "(a.status IN ($7, $8) AND a.budget > $9)"; sql != want {
		t.Errorf("sql = %s, want %s", sql, want)
	}
	if err := checkPlaceholders(sql, args, 7); err != nil {
		t.Error(err)
	}
}

var placeholder = regexp.MustCompile(`\$([0-9]+)`)

// checkPlaceholders checks that sql holds no quoted literal and uses
// exactly the placeholders start .. start+len(args)-1.
func checkPlaceholders(sql string, args []any, start int) error {
	if strings.ContainsRune(sql, '\'') {
		return fmt.Errorf("SQL contains a single quote: %s", sql)
	}
	seen := map[int]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(sql, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < start || n >= start+len(args) {
			return fmt.Errorf("placeholder $%s outside $%d..$%d in %s", m[1], start, start+len(args)-1, sql)
		}
		seen[n] = true
	}
	if len(seen) != len(args) {
		return fmt.Errorf("%d distinct placeholders for %d args in %s", len(seen), len(args), sql)
	}
	return nil
}
