package postgis_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
)

// editing is a demo database with an editor of org1 and the secretariat.
type editing struct {
	*accounts
	editor geo.Viewer
	sec    geo.Viewer
}

func newEditing(t *testing.T) *editing {
	a := newAccounts(t)
	u := a.member(t, "editor@example.org", a.org1, geo.UserEditor, "editor password long enough")
	return &editing{accounts: a, editor: u.Viewer(""), sec: a.adminViewer()}
}

// input is a valid activity led by org with one point in Nairobi, one
// country location and the resilience theme.
func (e *editing) input(org int64, title string) geo.ActivityInput {
	in := geo.ActivityInput{
		Title: title, Status: geo.StatusImplementation, Visibility: geo.Public,
		Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Budget: "1000", Currency: "USD",
		Organisations: []geo.OrganisationRef{{ID: org, Role: geo.RoleLead}},
		Themes:        []string{"resilience"},
		Locations: []geo.LocationInput{
			{Kind: geo.KindPoint, Name: "Kibera", CountryCode: "KE", Geometry: orb.Point{36.78, -1.31}},
			{Kind: geo.KindCountry, CountryCode: "UG"},
		},
	}
	in.Normalise()
	return in
}

func rawAnswer(w postgis.Written) (geo.Answer, error) {
	return geo.Answer{Status: 201, Location: "/collections/activities/items/" + strconv.FormatInt(w.View.ID, 10),
		ETag: strconv.Itoa(w.Version), Body: json.RawMessage(`{"id":` + strconv.FormatInt(w.View.ID, 10) + `}`)}, nil
}

func (e *editing) create(t *testing.T, v geo.Viewer, in geo.ActivityInput) int64 {
	t.Helper()
	a, _, err := e.s.CreateActivity(context.Background(), v, in, nil, rawAnswer)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	var body struct{ ID int64 }
	if err := json.Unmarshal(a.Body, &body); err != nil {
		t.Fatal(err)
	}
	return body.ID
}

func TestActivityWriteCycle(t *testing.T) {
	e := newEditing(t)
	ctx := context.Background()
	in := e.input(e.org1, "Flood warning")
	id := e.create(t, e.editor, in)

	got, version, err := e.s.ActivityInput(ctx, e.editor, id)
	if err != nil || version != 1 {
		t.Fatalf("read back: v%d %v", version, err)
	}
	if got.Locations[0].CountryCode != "KE" || got.Locations[1].Geometry != nil || got.Budget != "1000.00" {
		t.Errorf("read back: %+v", got)
	}
	in.Title = "Flood early warning"
	in.Locations = in.Locations[:1]
	w, err := e.s.ReplaceActivity(ctx, e.editor, id, 1, in)
	if err != nil || w.Version != 2 || w.View.Title != "Flood early warning" || len(w.View.Locations) != 1 {
		t.Fatalf("replace: %+v %v", w, err)
	}
	// The same again changes nothing.
	if w, err := e.s.ReplaceActivity(ctx, e.editor, id, 2, in); err != nil || w.Version != 2 {
		t.Fatalf("no-op replace: v%d %v", w.Version, err)
	}
	if _, err := e.s.ReplaceActivity(ctx, e.editor, id, 1, in); geo.ErrorCode(err) != geo.EPrecondition {
		t.Fatalf("stale: %v", err)
	}
	hist, err := e.s.ActivityHistory(ctx, e.editor, id, geo.HistoryPage{})
	if err != nil || len(hist) != 2 || hist[0].Action != geo.ChangeUpdate || hist[1].Action != geo.ChangeCreate {
		t.Fatalf("history: %+v %v", hist, err)
	}
	if c, ok := hist[0].Changes["title"]; !ok || string(c.Before) != `"Flood warning"` || string(c.After) != `"Flood early warning"` {
		t.Errorf("title change: %+v", hist[0].Changes)
	}
	if _, ok := hist[0].Changes["locations"]; !ok || len(hist[0].Changes) != 2 {
		t.Errorf("changes: %v", hist[0].Changes)
	}
	if hist[0].Actor == nil || hist[0].Actor.ID != e.editor.UserID {
		t.Errorf("actor: %+v", hist[0].Actor)
	}
	var reported *time.Time
	if err := connect(t, e.dbURL).QueryRow(ctx, `SELECT last_reported FROM organisations WHERE id = $1`, e.org1).Scan(&reported); err != nil ||
		reported == nil || reported.Format(time.DateOnly) != time.Now().UTC().Format(time.DateOnly) {
		t.Errorf("last_reported: %v %v", reported, err)
	}

	if err := e.s.DeleteActivity(ctx, e.editor, id, 2); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := e.s.Activity(ctx, e.sec, id); geo.ErrorCode(err) != geo.ENotFound {
		t.Fatalf("deleted activity still read: %v", err)
	}
	if _, err := e.s.RestoreActivity(ctx, e.editor, id); geo.ErrorCode(err) != geo.EForbidden {
		t.Fatalf("editor restores: %v", err)
	}
	del, err := e.s.DeletedActivities(ctx, e.sec)
	if err != nil || len(del) != 1 || del[0].ID != id || del[0].DeletedBy == nil {
		t.Fatalf("deleted: %+v %v", del, err)
	}
	r, err := e.s.RestoreActivity(ctx, e.sec, id)
	if err != nil || r.Version != 3 || r.View.Title != "Flood early warning" || len(r.View.Locations) != 1 || r.View.Locations[0].CountryCode != "KE" {
		t.Fatalf("restore: %+v %v", r, err)
	}
	back, _, err := e.s.ActivityInput(ctx, e.sec, id)
	if err != nil || string(mustJSON(t, back.Fields())) != string(mustJSON(t, in.Fields())) {
		t.Errorf("restored differs:\n%s\n%s", mustJSON(t, back.Fields()), mustJSON(t, in.Fields()))
	}
	hist, _ = e.s.ActivityHistory(ctx, e.sec, id, geo.HistoryPage{})
	if len(hist) != 4 || hist[0].Action != geo.ChangeRestore || hist[1].Action != geo.ChangeDelete {
		t.Errorf("history after restore: %+v", hist)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestActivityWriteRefused(t *testing.T) {
	e := newEditing(t)
	ctx := context.Background()
	cases := map[string]struct {
		edit    func(in *geo.ActivityInput)
		code    geo.Code
		pointer string
	}{
		"unknown programme": {func(in *geo.ActivityInput) { in.ProgrammeID = 999999 }, geo.EInvalid, "/properties/programme_id"},
		"unknown organisation": {func(in *geo.ActivityInput) {
			in.Organisations = append(in.Organisations, geo.OrganisationRef{ID: 999999, Role: geo.RolePartner})
		}, geo.EInvalid, "/properties/organisations/1/id"},
		"unknown theme":    {func(in *geo.ActivityInput) { in.Themes = []string{"no_such_theme"} }, geo.EInvalid, "/properties/themes/0"},
		"unknown currency": {func(in *geo.ActivityInput) { in.Currency = "XXY" }, geo.EInvalid, "/properties/currency"},
		"unknown country": {func(in *geo.ActivityInput) {
			in.Locations[1].CountryCode = "QQ"
		}, geo.EInvalid, "/properties/locations/1/country_code"},
		"unknown place": {func(in *geo.ActivityInput) {
			in.Locations = []geo.LocationInput{{Kind: geo.KindPlace, PlaceID: 1, Precision: geo.PrecisionCity}}
		}, geo.EInvalid, "/properties/locations/0/place_id"},
		"swapped point": {func(in *geo.ActivityInput) {
			// Nairobi written [lat, lon]: (-1.29, 36.82) read as lon -1.29,
			// lat 36.82 lies in the Mediterranean... and swapped in Kenya.
			in.Locations[0].Geometry = orb.Point{-1.29, 36.82}
		}, geo.EInvalid, "/properties/locations/0/geometry"},
		"point not in its country": {func(in *geo.ActivityInput) {
			in.Locations[0].Geometry = orb.Point{2.35, 48.85} // Paris, stated KE
		}, geo.EInvalid, "/properties/locations/0/geometry"},
		"self-intersecting shape": {func(in *geo.ActivityInput) {
			in.Locations[0] = geo.LocationInput{Kind: geo.KindShape, Precision: geo.PrecisionApproximate,
				Geometry: orb.Polygon{{{36.7, -1.3}, {36.8, -1.2}, {36.8, -1.3}, {36.7, -1.2}, {36.7, -1.3}}}}
		}, geo.EInvalid, "/properties/locations/0/geometry"},
		"another's lead": {func(in *geo.ActivityInput) {
			in.Organisations[0].ID = e.org2
		}, geo.EForbidden, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in := e.input(e.org1, "Refused "+name)
			c.edit(&in)
			in.Normalise()
			if err := in.Validate(); err != nil {
				t.Fatalf("geo refused it already: %v", err)
			}
			_, _, err := e.s.CreateActivity(ctx, e.editor, in, nil, rawAnswer)
			if geo.ErrorCode(err) != c.code {
				t.Fatalf("code %s, want %s: %v", geo.ErrorCode(err), c.code, err)
			}
			if c.pointer != "" && !hasPointer(err, c.pointer) {
				t.Errorf("no pointer %s in %+v", c.pointer, err)
			}
			var n int
			if err := connect(t, e.dbURL).QueryRow(ctx, `SELECT count(*) FROM activities WHERE title = $1`, in.Title).Scan(&n); err != nil || n != 0 {
				t.Errorf("written anyway: %d %v", n, err)
			}
		})
	}
}

func hasPointer(err error, pointer string) bool {
	var ge *geo.Error
	if !errors.As(err, &ge) {
		return false
	}
	for _, f := range ge.Fields {
		if f.Pointer == pointer {
			return true
		}
	}
	return false
}

func TestActivityIdempotentCreate(t *testing.T) {
	e := newEditing(t)
	ctx := context.Background()
	idem := &geo.Idempotency{Key: "k1", Route: "POST /collections/activities/items", Hash: []byte("h1")}
	first, replayed, err := e.s.CreateActivity(ctx, e.editor, e.input(e.org1, "Once"), idem, rawAnswer)
	if err != nil || replayed {
		t.Fatalf("first: %v %v", replayed, err)
	}
	again, replayed, err := e.s.CreateActivity(ctx, e.editor, e.input(e.org1, "Once"), idem, rawAnswer)
	if err != nil || !replayed || string(again.Body) != string(first.Body) || again.Location != first.Location {
		t.Fatalf("retry: %+v %v %v", again, replayed, err)
	}
	other := *idem
	other.Hash = []byte("h2")
	if _, _, err := e.s.CreateActivity(ctx, e.editor, e.input(e.org1, "Other"), &other, rawAnswer); geo.ErrorCode(err) != geo.EUnprocessable {
		t.Fatalf("reused key: %v", err)
	}
	var n int
	if err := connect(t, e.dbURL).QueryRow(ctx, `SELECT count(*) FROM activities WHERE title IN ('Once', 'Other')`).Scan(&n); err != nil || n != 1 {
		t.Errorf("activities: %d %v", n, err)
	}
}
