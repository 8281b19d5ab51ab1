package reference

import (
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/commonground/commonground/geo"
)

// Countries returns the countries and territories of the Natural Earth 1:10m admin-0
// boundaries (254 of them, Tuvalu and Gibraltar among the smallest), sorted by ISO 3166-1
// alpha-2 code, one per code.
//
// ISOA2 and ISOA3 are always set; ISONumeric is three digits, or empty for the codes from the
// ISO user-assigned ranges that tools/refdata gives features without an ISO code, and only for
// them: XK Kosovo, XS Somaliland, XC Northern Cyprus, XI Australian Indian Ocean Territories
// (Christmas Island and the Cocos Islands), XG Siachen Glacier, XA Akrotiri, XD Dhekelia, XZ
// Cyprus UN Buffer Zone, XB Baikonur, XN Guantanamo Bay Naval Base, XO Coral Sea Islands, XL
// Clipperton Island, XJ Bajo Nuevo Bank, XV Serranilla Bank, XR Scarborough Shoal and XP Spratly
// Islands (build.mjs lists their alpha-3 codes and the regions they take). RegionCode and
// SubRegionCode are M49 codes returned by Regions, empty only where the UN assigns no region
// (Antarctica); IntermediateRegionCode is empty where the sub-region has none.
//
// Geometry is a MultiPolygon in [lon, lat] (a Polygon in the file becomes a one-polygon
// MultiPolygon) with closed rings, outer rings counter-clockwise, coordinates rounded to 5
// decimals within [-180, 180] x [-90, 90]. Polygons on the antimeridian are split there (Fiji,
// Russia) and Antarctica is also cut at lon 0 (its eastern half starts at lon 0.00001, so the
// halves share no edge), so no single polygon spans more than 180 degrees of longitude. The
// source is quantized to a grid of about 0.0036 x 0.0017 degrees, which leaves some rings
// touching or crossing themselves: repair with ST_MakeValid or similar before relying on
// validity. Natural Earth counts overseas departments as part of their country (Réunion, French
// Guiana and the rest are in FR's geometry); Svalbard (SJ), Bouvet Island (BV), Tokelau (TK)
// and Bonaire, Sint Eustatius and Saba (BQ) are likewise drawn inside NO, NZ and NL.
//
// The error names the feature and field of malformed data.
func Countries() ([]geo.Country, error) {
	f, err := openGzip(countriesFile)
	if err != nil {
		return nil, fmt.Errorf("reference: countries: %w", err)
	}
	defer f.Close()

	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("reference: countries: %w", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("reference: countries: %w", err)
	}
	out := make([]geo.Country, 0, len(fc.Features))
	for i, feat := range fc.Features {
		c, err := country(feat)
		if err != nil {
			return nil, fmt.Errorf("reference: countries: feature %d: %w", i, err)
		}
		if len(out) > 0 && out[len(out)-1].ISOA2 >= c.ISOA2 {
			return nil, fmt.Errorf("reference: countries: feature %d: %s out of order after %s",
				i, c.ISOA2, out[len(out)-1].ISOA2)
		}
		out = append(out, c)
	}
	return out, nil
}

// country decodes one feature of the countries file.
func country(f *geojson.Feature) (geo.Country, error) {
	var c geo.Country
	fields := []struct {
		key string
		dst *string
	}{
		{"iso_a2", &c.ISOA2},
		{"iso_a3", &c.ISOA3},
		{"iso_numeric", &c.ISONumeric},
		{"name", &c.Name},
		{"region_code", &c.RegionCode},
		{"sub_region_code", &c.SubRegionCode},
		{"intermediate_region_code", &c.IntermediateRegionCode},
	}
	for _, fld := range fields {
		v, ok := f.Properties[fld.key].(string)
		if !ok {
			return c, fmt.Errorf("property %q missing or not a string", fld.key)
		}
		*fld.dst = v
	}
	switch {
	case !isUpper(c.ISOA2, 2):
		return c, fmt.Errorf("iso_a2 %q is not two capital letters", c.ISOA2)
	case !isUpper(c.ISOA3, 3):
		return c, fmt.Errorf("%s: iso_a3 %q is not three capital letters", c.ISOA2, c.ISOA3)
	case c.ISONumeric != "" && !isDigits(c.ISONumeric, 3):
		return c, fmt.Errorf("%s: iso_numeric %q is not three digits", c.ISOA2, c.ISONumeric)
	case c.Name == "":
		return c, fmt.Errorf("%s: empty name", c.ISOA2)
	}
	for _, code := range []string{c.RegionCode, c.SubRegionCode, c.IntermediateRegionCode} {
		if code != "" && !isDigits(code, 3) {
			return c, fmt.Errorf("%s: region code %q is not three digits", c.ISOA2, code)
		}
	}

	switch g := f.Geometry.(type) {
	case orb.Polygon:
		c.Geometry = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		c.Geometry = g
	default:
		return c, fmt.Errorf("%s: geometry is %T, want Polygon or MultiPolygon", c.ISOA2, f.Geometry)
	}
	if len(c.Geometry) == 0 {
		return c, fmt.Errorf("%s: empty geometry", c.ISOA2)
	}
	return c, nil
}
