package geo

import "github.com/paulmach/orb"

// Region is a UN M49 geographic region, sub-region or intermediate region.
// Code is the three-digit M49 code ("002" Africa, "014" Eastern Africa);
// ParentCode is empty for the top-level regions.
type Region struct {
	Code       string
	Name       string
	ParentCode string
}

// Country is a country or territory from the Natural Earth boundaries with
// its ISO 3166-1 codes and UN M49 regions. Geometry is in EPSG:4326
// ([lon, lat]) and no polygon of it crosses the antimeridian.
type Country struct {
	ID            int    // numeric feature id assigned by the store; 0 before loading
	ISOA2         string // ISO 3166-1 alpha-2, the key ("KE")
	ISOA3         string // alpha-3 ("KEN")
	ISONumeric    string // numeric, three digits ("404"); empty for user-assigned codes
	Name          string
	RegionCode    string // M49 region ("002"); empty where the UN assigns none
	SubRegionCode string // M49 sub-region ("202")
	// IntermediateRegionCode is the M49 intermediate region ("014"), empty
	// where the sub-region has none.
	IntermediateRegionCode string
	Geometry               orb.MultiPolygon
}

// Place is a GeoNames populated place from the gazetteer.
type Place struct {
	ID          int64 // GeoNames geonameid
	Name        string
	ASCIIName   string
	CountryCode string // ISO 3166-1 alpha-2
	Admin1Code  string
	FeatureCode string // GeoNames feature code ("PPLC", "PPLA", "PPL")
	Population  int64
	Point       orb.Point
}
