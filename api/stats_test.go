package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

// /stats answers are kept per data version: the same question is answered
// from the cache, and a change to the data gives the new answer at once.
func TestStatsCacheFollowsChanges(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	e := newEnv(t, dbURL, postgis.Config{QueryVersion: true}, nil)
	conn := connect(t, dbURL)
	count := func(path string) int {
		t.Helper()
		rec := e.do(t, http.MethodGet, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		var st struct {
			Total struct {
				ActivityCount int `json:"activity_count"`
			} `json:"total"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
		return st.Total.ActivityCount
	}
	const path = "/stats?group_by=theme"
	before := count(path)
	if again := count(path); again != before {
		t.Fatalf("the same question answered %d, then %d", before, again)
	}
	tag, err := conn.Exec(ctx, `UPDATE activities SET visibility = 'members' WHERE id = (
		SELECT min(id) FROM activities WHERE visibility = 'public')`)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("hiding an activity: %v %v", tag, err)
	}
	if after := count(path); after != before-1 {
		t.Errorf("after hiding one activity the count is %d, want %d", after, before-1)
	}
	// A filtered question is its own entry.
	if n := count(path + "&status=implementation"); n >= before {
		t.Errorf("filtered count %d is not below the total %d", n, before)
	}
}
