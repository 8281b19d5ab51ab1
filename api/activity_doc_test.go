package api

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo"
)

const goodDocument = `{"type":"Feature","properties":{"title":"T","organisations":[{"id":1,"role":"lead"}],"themes":["resilience"],
	"budget":"100","currency":"USD","start_date":"2025-01-01","locations":[{"kind":"point","geometry":{"type":"Point","coordinates":[36.8,-1.3]}},
	{"kind":"country","country_code":"KE"},{"kind":"shape","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}}`

// A decoded document written back as a document decodes to the same
// input: what GET /activities/{id}/document shows, PUT takes back.
func TestActivityDocumentRoundTrip(t *testing.T) {
	in, err := decodeActivityDocument([]byte(goodDocument))
	if err != nil {
		t.Fatal(err)
	}
	again, err := decodeActivityDocument(activityDocument(in))
	if err != nil {
		t.Fatalf("%v\n%s", err, activityDocument(in))
	}
	if a, b := activityDocument(in), activityDocument(again); string(a) != string(b) {
		t.Errorf("round trip differs:\n%s\n%s", a, b)
	}
	if in.Budget != "100.00" || len(in.Locations) != 3 || in.Locations[1].Precision != geo.PrecisionCountry {
		t.Errorf("decoded: %+v", in)
	}
	// A plain GeoJSON Feature's geometry becomes its locations.
	plain, err := decodeActivityDocument([]byte(`{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[1,2],[3,4]]},
		"properties":{"title":"P","organisations":[{"id":1,"role":"lead"}]}}`))
	if err != nil || len(plain.Locations) != 2 || plain.Locations[1].Kind != geo.KindPoint {
		t.Errorf("plain feature: %+v %v", plain.Locations, err)
	}
}

// The merge patch of RFC 7396's own examples (section 3, appendix A).
func TestMergePatch(t *testing.T) {
	for _, c := range []struct{ target, patch, want string }{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`{"e":null}`, `{"a":1}`, `{"a":1,"e":null}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	} {
		got, err := patchDocument(json.RawMessage(c.target), []byte(c.patch))
		if err != nil || string(got) != c.want {
			t.Errorf("%s + %s = %s (%v), want %s", c.target, c.patch, got, err, c.want)
		}
	}
	if _, err := patchDocument(json.RawMessage(`{}`), []byte(`[1]`)); geo.ErrorCode(err) != geo.EInvalid {
		t.Errorf("an array patch of a document: %v", err)
	}
}

// FuzzActivityDocument: the document reader never panics, refuses with
// EInvalid and at least one fault, and what it accepts round-trips.
func FuzzActivityDocument(f *testing.F) {
	f.Add([]byte(goodDocument))
	f.Add([]byte(`{"type":"Feature","properties":{"title":"","locations":[{"kind":"shape","geometry":{"type":"Polygon","coordinates":[[[0,0]]]}}]}}`))
	f.Add([]byte(`{"type":"Feature","id":3,"properties":{"version":2,"title":7,"organisations":"x"}}`))
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[]},"properties":null}`))
	// Real GeoJSON written elsewhere.
	samples, _ := filepath.Glob("../../shared/samples/ogc/*json")
	for _, p := range samples {
		if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeActivityDocument(body)
		if err != nil {
			var ge *geo.Error
			if geo.ErrorCode(err) != geo.EInvalid || !errors.As(err, &ge) || len(ge.Fields) == 0 {
				t.Fatalf("refusal without a fault: %v", err)
			}
			for _, fe := range ge.Fields {
				if fe.Pointer != "" && !strings.HasPrefix(fe.Pointer, "/") {
					t.Fatalf("pointer %q", fe.Pointer)
				}
			}
			return
		}
		again, err := decodeActivityDocument(activityDocument(in))
		if err != nil || string(activityDocument(again)) != string(activityDocument(in)) {
			t.Fatalf("accepted but does not round-trip: %v\n%s", err, activityDocument(in))
		}
	})
}
