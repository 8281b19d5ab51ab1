package reference

import (
	"fmt"
	"io"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
)

var placesHeader = []string{
	"geonameid", "name", "ascii_name", "country_code", "admin1_code", "feature_code",
	"population", "lon", "lat",
}

// Places streams the GeoNames populated places (cities1000: population at least 1000) to
// yield, one at a time in strictly increasing geonameid order, without holding the file in
// memory. There are more than 100000 of them.
//
// Every place has an ID, a Name, a two-letter CountryCode, a FeatureCode, Population >= 1000
// and a Point with lon in [-180, 180] and lat in [-90, 90]. ASCIIName is the name with
// diacritics removed and a few scripts transliterated; it is empty for the rare names that
// have no ASCII form. Admin1Code may be empty.
//
// If yield returns an error, Places stops reading and returns that error unchanged. Other
// errors mean malformed data and name the line of the file.
func Places(yield func(geo.Place) error) error {
	f, err := openGzip(placesFile)
	if err != nil {
		return fmt.Errorf("reference: places: %w", err)
	}
	defer f.Close()

	r, err := newTSVReader(f, placesHeader)
	if err != nil {
		return fmt.Errorf("reference: places: %w", err)
	}
	var prev int64
	for {
		fields, err := r.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reference: places: %w", err)
		}
		p, err := parsePlace(fields)
		if err == nil && p.ID <= prev {
			err = fmt.Errorf("geonameid %d not greater than %d", p.ID, prev)
		}
		if err != nil {
			return fmt.Errorf("reference: places: %w", r.errorf("%v", err))
		}
		prev = p.ID
		if err := yield(p); err != nil {
			return err
		}
	}
}

// parsePlace decodes and checks the fields of one row in placesHeader order.
func parsePlace(f []string) (geo.Place, error) {
	p := geo.Place{
		Name:        f[1],
		ASCIIName:   f[2],
		CountryCode: f[3],
		Admin1Code:  f[4],
		FeatureCode: f[5],
	}
	var err error
	if p.ID, err = strconv.ParseInt(f[0], 10, 64); err != nil || p.ID <= 0 {
		return p, fmt.Errorf("geonameid %q is not a positive integer", f[0])
	}
	if p.Population, err = strconv.ParseInt(f[6], 10, 64); err != nil || p.Population < 1000 {
		return p, fmt.Errorf("geonameid %d: population %q is not an integer >= 1000", p.ID, f[6])
	}
	lon, err := strconv.ParseFloat(f[7], 64)
	if err != nil || lon < -180 || lon > 180 {
		return p, fmt.Errorf("geonameid %d: lon %q is not in [-180, 180]", p.ID, f[7])
	}
	lat, err := strconv.ParseFloat(f[8], 64)
	if err != nil || lat < -90 || lat > 90 {
		return p, fmt.Errorf("geonameid %d: lat %q is not in [-90, 90]", p.ID, f[8])
	}
	p.Point = orb.Point{lon, lat}
	switch {
	case p.Name == "":
		return p, fmt.Errorf("geonameid %d: empty name", p.ID)
	case !isUpper(p.CountryCode, 2):
		return p, fmt.Errorf("geonameid %d: country code %q is not two capital letters", p.ID, p.CountryCode)
	case p.FeatureCode == "":
		return p, fmt.Errorf("geonameid %d: empty feature code", p.ID)
	}
	return p, nil
}
