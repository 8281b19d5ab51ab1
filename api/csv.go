package api

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
)

// csvColumns fixes the column order per collection; collections without an
// entry take the first feature's properties in sorted order.
var csvColumns = map[string][]string{
	"activities": {"iati_identifier", "title", "status", "start_date", "end_date", "budget", "currency",
		"programme_name", "programme_type", "lead_organisation", "lead_constituency", "organisations", "themes",
		"countries", "precision", "location_count", "description", "updated_at"},
}

// writeCSV writes features as CSV, one row each: id, the properties, and
// the geometry as WKT plus the first point's longitude and latitude. Cells
// are neutralised against spreadsheet formula injection.
func writeCSV(c *gin.Context, name string, each func(row func(json.RawMessage) error) error) error {
	c.Header("Content-Type", mediaCSV)
	w := csv.NewWriter(c.Writer)
	cols := csvColumns[name]
	wroteHeader := false
	err := each(func(raw json.RawMessage) error {
		f, err := geojson.UnmarshalFeature(raw)
		if err != nil {
			return fmt.Errorf("csv: %w", err)
		}
		if cols == nil {
			for k := range f.Properties {
				cols = append(cols, k)
			}
			sort.Strings(cols)
		}
		if !wroteHeader {
			wroteHeader = true
			if err := w.Write(append(append([]string{"id"}, cols...), "longitude", "latitude", "geometry_wkt")); err != nil {
				return err
			}
		}
		return w.Write(csvRow(f, cols))
	})
	if err != nil {
		return err
	}
	if !wroteHeader {
		if cols == nil {
			cols = []string{}
		}
		if err := w.Write(append(append([]string{"id"}, cols...), "longitude", "latitude", "geometry_wkt")); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

func csvRow(f *geojson.Feature, cols []string) []string {
	row := make([]string, 0, len(cols)+4)
	row = append(row, cell(f.ID))
	for _, k := range cols {
		row = append(row, cell(f.Properties[k]))
	}
	lon, lat, geom := "", "", ""
	if f.Geometry != nil {
		geom = wkt.MarshalString(f.Geometry)
		pt := f.Geometry.Bound().Center()
		switch g := f.Geometry.(type) {
		case orb.Point:
			pt = g
		case orb.MultiPoint:
			if len(g) > 0 {
				pt = g[0]
			}
		}
		lon, lat = strconv.FormatFloat(pt[0], 'f', -1, 64), strconv.FormatFloat(pt[1], 'f', -1, 64)
	}
	return append(row, lon, lat, geom)
}

// cell renders a JSON value as a CSV cell: arrays of strings or of named
// objects joined by "; ", numbers as they are, text neutralised.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return neutralise(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				if n, ok := m["name"].(string); ok {
					parts = append(parts, n)
					continue
				}
			}
			parts = append(parts, fmt.Sprint(e))
		}
		return neutralise(strings.Join(parts, "; "))
	default:
		b, _ := json.Marshal(x)
		return neutralise(string(b))
	}
}

// neutralise keeps a spreadsheet from reading a text cell as a formula: a
// cell that begins with = + - @ (or a tab or carriage return) gets a leading
// apostrophe.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
