package postgis

import (
	"testing"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/cql2"
)

// Every activity queryable has its SQL and a type the compiler knows, and
// the store has SQL for nothing else.
func TestActivityQueryablesBind(t *testing.T) {
	if errQueryables != nil {
		t.Fatal(errQueryables)
	}
	qs := geo.ActivityQueryables()
	if len(activityQueryables) != len(qs) {
		t.Fatalf("%d bound queryables, geo lists %d", len(activityQueryables), len(qs))
	}
	for _, q := range qs {
		want, _ := cql2.TypeOf(q.Type)
		if got := activityQueryables[q.Name]; got.Type != want || got.SQL != activitySQL[q.Name] {
			t.Errorf("%s: bound as %+v, want type %v and its SQL", q.Name, got, want)
		}
	}
}

// The store refuses a bad filter on its own, with the code the HTTP layer
// gives it too.
func TestCQLRefusedByTheStore(t *testing.T) {
	for _, text := range []string{"nosuch = 1", "status = 1", "status =", "S_INTERSECTS(title, POINT(1 2))"} {
		var q query
		if err := q.cql(text); geo.ErrorCode(err) != geo.EInvalid {
			t.Errorf("%q: %v, want invalid", text, err)
		}
	}
}
