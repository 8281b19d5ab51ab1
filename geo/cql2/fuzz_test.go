package cql2

import (
	"errors"
	"os"
	"testing"

	"github.com/commonground/commonground/geo"
)

// fuzzQueryables joins the example and test queryables so that fuzzed
// filters reach the compiler.
func fuzzQueryables() map[string]Queryable {
	q := queryablesFor(exampleTypes, nil)
	for name, qb := range testQueryables {
		q[name] = qb
	}
	return q
}

// FuzzParseCompile checks that no input panics, that every error is an
// EInvalid *geo.Error for the filter parameter, and that compiled SQL
// holds no quoted literal and exactly one placeholder per argument.
func FuzzParseCompile(f *testing.F) {
	for _, path := range exampleFiles(f) {
		text, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(text))
	}
	for _, tt := range badFilters {
		if len(tt.filter) < 1000 {
			f.Add(tt.filter)
		}
	}
	f.Add("status = 'closed' AND budget > 1000")
	f.Add("S_INTERSECTS(geometry, BBOX(170, -20, -170, -10)) OR T_INTERSECTS(datetime, INTERVAL('..', '2020-01-01'))")
	f.Add("themes IN ('a', 'b') AND A_OVERLAPS(themes, ('c')) AND CASEI(title) LIKE CASEI('%x%')")
	queryables := fuzzQueryables()
	f.Fuzz(func(t *testing.T, text string) {
		e, err := Parse(text, Limits{})
		if err == nil {
			var sql string
			var args []any
			sql, args, err = Compile(e, queryables, 3)
			if err == nil {
				if err := checkPlaceholders(sql, args, 3); err != nil {
					t.Fatalf("%q: %v", text, err)
				}
				return
			}
		}
		var ge *geo.Error
		if !errors.As(err, &ge) || ge.Code != geo.EInvalid || len(ge.Fields) != 1 || ge.Fields[0].Parameter != "filter" {
			t.Fatalf("%q: error %#v is not an EInvalid filter error", text, err)
		}
	})
}
