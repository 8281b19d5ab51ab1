package cql2

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo"
)

// exampleTypes gives every property the OGC examples mention a plausible
// type, grouped by the examples that use it.
var exampleTypes = map[string]Type{
	// clause 6 and 7 (the standard's own walk-through)
	"windSpeed": Number, "city": String, "balance": Number, "updated": Timestamp,
	"geometry": Geometry, "name": String, "depth": Number, "cityName": String,
	"category": Integer, "road_class": String, "etat_vol": String, "road": Geometry,
	"event_time": Timestamp, "touchdown": Timestamp, "liftOff": Timestamp,
	"layer:ids": StringArray, "vehicle_height": Number, "bridge_clearance": Number,

	// examples 1-8: satellite scenes (STAC-like names)
	"landsat:scene_id": String, "eo:instrument": String, "landsat:wrs_path": Integer,
	"landsat:wrs_row": Integer, "eo:cloud_cover": Number, "footprint": Geometry,
	"beamMode": String, "swathDirection": String, "polarization": String,

	// examples 9-28: buildings
	"floors": Integer, "taxes": Number, "owner": String, "swimming_pool": Boolean,
	"material": String, "built": Date, "starts_at": Timestamp, "ends_at": Timestamp,
	"location": Geometry, "geophys:SURVEY_NAME": String,

	// examples 29-86: generated conformance cases
	"id": String, "value": Number, "updated_at": Timestamp, "foo": Number,
	"bar": Number, "x": Number, "values": StringArray,
}

// exampleOverrides retypes a property for the files that use it with
// another type than the rest.
var exampleOverrides = map[string]map[string]Type{
	"example03.txt":       {"landsat:wrs_path": String}, // IN ('153','154','15X')
	"example40.txt":       {"value": String},            // IN ('a', 'b', 'c')
	"example40-alt01.txt": {"value": String},
}

// unsupportedExamples lists the example files Compile rejects as "not
// supported", with the reason. Every other file must compile.
var unsupportedExamples = map[string]string{
	"clause6_01.txt":      "generic function avg()",
	"clause6_02b.txt":     "generic function avg()",
	"clause6_02c.txt":     "arithmetic",
	"clause7_05.txt":      "ACCENTI (needs the unaccent extension)",
	"clause7_10.txt":      "S_CROSSES",
	"clause7_13.txt":      "T_DURING",
	"clause7_16.txt":      "S_CROSSES",
	"clause7_17.txt":      "T_DURING",
	"clause7_18.txt":      "S_WITHIN",
	"clause7_19.txt":      "arithmetic",
	"example20.txt":       "T_BEFORE",
	"example21.txt":       "T_AFTER",
	"example22.txt":       "T_DURING",
	"example23.txt":       "S_WITHIN",
	"example25.txt":       "S_WITHIN",
	"example27.txt":       "ACCENTI",
	"example46.txt":       "S_EQUALS",
	"example46-alt01.txt": "S_EQUALS",
	"example47.txt":       "S_DISJOINT",
	"example48.txt":       "S_TOUCHES",
	"example49.txt":       "S_WITHIN",
	"example49-alt01.txt": "S_WITHIN",
	"example50.txt":       "S_OVERLAPS",
	"example51.txt":       "S_CROSSES",
	"example52.txt":       "S_CONTAINS",
	"example53.txt":       "T_AFTER",
	"example54.txt":       "T_BEFORE",
	"example54-alt01.txt": "T_BEFORE",
	"example55.txt":       "T_CONTAINS",
	"example55-alt01.txt": "T_CONTAINS",
	"example56.txt":       "T_DISJOINT",
	"example57.txt":       "T_DURING",
	"example58.txt":       "T_EQUALS",
	"example59.txt":       "T_FINISHEDBY",
	"example60.txt":       "T_FINISHES",
	"example61.txt":       "T_INTERSECTS of INTERVAL(starts_at, ends_at): an interval built from two properties",
	"example62.txt":       "T_MEETS",
	"example63.txt":       "T_METBY",
	"example64.txt":       "T_OVERLAPPEDBY",
	"example65.txt":       "T_OVERLAPS",
	"example66.txt":       "T_STARTEDBY",
	"example67.txt":       "T_STARTS",
	"example68.txt":       "generic function Foo()",
	"example69.txt":       "generic function Bar()",
	"example70.txt":       "ACCENTI",
	"example72.txt":       "arithmetic",
	"example73.txt":       "arithmetic",
	"example74.txt":       "arithmetic",
	"example75.txt":       "arithmetic",
	"example76.txt":       "arithmetic (^)",
	"example77.txt":       "arithmetic (%)",
	"example78.txt":       "arithmetic (div)",
	"example79.txt":       "A_CONTAINEDBY",
	"example81.txt":       "A_EQUALS",
	"example82.txt":       "A_OVERLAPS with timestamps, dates and booleans: only string arrays are",
	"example83.txt":       "S_EQUALS",
	"example84.txt":       "S_EQUALS",
	"example85.txt":       "arithmetic",
	"example85-alt01.txt": "arithmetic",
}

// queryablesFor builds queryables from types, with the file's overrides.
// Each SQL is "t." plus the name with ':' as '_'.
func queryablesFor(types map[string]Type, overrides map[string]Type) map[string]Queryable {
	q := make(map[string]Queryable, len(types))
	for name, typ := range types {
		if o, ok := overrides[name]; ok {
			typ = o
		}
		q[name] = Queryable{SQL: "t." + strings.ReplaceAll(name, ":", "_"), Type: typ}
	}
	return q
}

func exampleFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "examples", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example files: %v", err)
	}
	return files
}

func TestExamples(t *testing.T) {
	files := exampleFiles(t)
	if len(files) != 120 {
		t.Errorf("found %d example files, want the 120 of the OGC repository", len(files))
	}
	seen := map[string]bool{}
	for _, path := range files {
		name := filepath.Base(path)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			e, err := Parse(string(text), Limits{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			sql, args, err := Compile(e, queryablesFor(exampleTypes, exampleOverrides[name]), 1)
			if reason, ok := unsupportedExamples[name]; ok {
				if geo.ErrorCode(err) != geo.EInvalid || !errors.Is(err, ErrUnsupported) {
					t.Fatalf("Compile = %q, %v; want not supported (%s)", sql, err, reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if err := checkPlaceholders(sql, args, 1); err != nil {
				t.Error(err)
			}
		})
	}
	for name := range unsupportedExamples {
		if !seen[name] {
			t.Errorf("unsupportedExamples names %s, which is not in testdata/examples", name)
		}
	}
	for name := range exampleOverrides {
		if !seen[name] {
			t.Errorf("overrides name %s, which is not in testdata/examples", name)
		}
	}
}
