package cql2

import (
	"reflect"
	"testing"

	"github.com/commonground/commonground/geo"
)

func TestTypeOf(t *testing.T) {
	want := map[geo.QueryableType]Type{
		geo.QString: String, geo.QInteger: Integer, geo.QNumber: Number, geo.QDate: Date,
		geo.QInterval: Interval, geo.QGeometry: Geometry, geo.QStringArray: StringArray,
	}
	for gt, ct := range want {
		if got, ok := TypeOf(gt); !ok || got != ct {
			t.Errorf("TypeOf(%q) = %v, %v; want %v", gt, got, ok, ct)
		}
	}
	if _, ok := TypeOf("colour"); ok {
		t.Error("TypeOf knows a type geo does not define")
	}
	for _, q := range geo.ActivityQueryables() {
		if _, ok := TypeOf(q.Type); !ok {
			t.Errorf("activity queryable %q has type %q, which TypeOf does not know", q.Name, q.Type)
		}
	}
}

func TestBind(t *testing.T) {
	qs := []geo.Queryable{{Name: "status", Type: geo.QString}, {Name: "themes", Type: geo.QStringArray}}
	got, err := Bind(qs, map[string]string{"status": "a.status", "themes": "a.themes"})
	want := map[string]Queryable{"status": {SQL: "a.status", Type: String}, "themes": {SQL: "a.themes", Type: StringArray}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Bind = %v, %v; want %v", got, err, want)
	}
	bad := []struct {
		name string
		qs   []geo.Queryable
		sql  map[string]string
	}{
		{"a queryable without SQL", qs, map[string]string{"status": "a.status"}},
		{"SQL for a name that is not a queryable", qs, map[string]string{"status": "a.status", "themes": "a.themes", "secret": "a.secret"}},
		{"an unknown type", []geo.Queryable{{Name: "colour", Type: "colour"}}, map[string]string{"colour": "a.colour"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := Bind(tt.qs, tt.sql); err == nil {
				t.Errorf("Bind = %v, want an error", got)
			}
		})
	}
}

// Check reports exactly what Compile reports over the same queryables with
// their real SQL: nothing for a filter Compile takes, the same error
// otherwise.
func TestCheckAgreesWithCompile(t *testing.T) {
	qs := geo.ActivityQueryables()
	sql := map[string]string{}
	for _, q := range qs {
		sql[q.Name] = "a." + q.Name
	}
	bound, err := Bind(qs, sql)
	if err != nil {
		t.Fatal(err)
	}
	filters := []string{
		"status = 'closed' AND budget > 1000000",
		"themes = 'gender' OR countries IN ('KE')",
		"S_INTERSECTS(geometry, BBOX(170, -20, -170, -10))",
		"T_INTERSECTS(datetime, INTERVAL('2020-01-01', '..'))",
		"nosuch = 1",                               // unknown queryable
		"status = 1",                               // a string compared with a number
		"budget = 'x'",                             // a number compared with a string
		"S_INTERSECTS(title, POINT(1 2))",          // not a geometry
		"A_CONTAINS(status, ('a'))",                // not an array
		"start_date LIKE 'x%'",                     // LIKE on a date
		"S_CROSSES(geometry, POINT(1 2))",          // valid CQL2, not supported
		"T_INTERSECTS(budget, DATE('2020-01-01'))", // not temporal
	}
	for _, tt := range badFilters {
		filters = append(filters, tt.filter)
	}
	checked := 0
	for _, text := range filters {
		e, err := Parse(text, Limits{})
		if err != nil {
			continue // Check and Compile see parsed filters only
		}
		checked++
		_, _, want := Compile(e, bound, 1)
		if got := Check(e, qs); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: Check = %v, Compile = %v", text, got, want)
		}
	}
	if checked < 12 {
		t.Errorf("only %d filters parsed", checked)
	}
}

func TestCheckUnknownType(t *testing.T) {
	e, err := Parse("colour = 'red'", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(e, []geo.Queryable{{Name: "colour", Type: "colour"}}); geo.ErrorCode(err) != geo.EInternal {
		t.Errorf("Check = %v, want an internal error", err)
	}
}
