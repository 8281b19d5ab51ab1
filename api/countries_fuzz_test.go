package api

import (
	"net/url"
	"testing"
)

// FuzzParsePage: any query string either parses into a page within the
// limits or is refused with a coded error naming a parameter; never a panic.
func FuzzParsePage(f *testing.F) {
	for _, seed := range []string{
		"", "limit=10", "limit=0", "limit=-1", "limit=99999999999999999999", "offset=5&limit=5",
		"f=json", "f=xml", "colour=red", "limit=1;DROP TABLE countries", "limit=%zz", "offset=1e3",
		"limit=10&limit=20", "&&&", "=x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			firstKey(raw) // names the pair at fault; must not panic
			return
		}
		limit, offset, err := parsePage(q, countriesDefaultLimit, countriesMaxLimit)
		if err != nil {
			return
		}
		if limit < 1 || limit > countriesMaxLimit || offset < 0 || offset > 1_000_000 {
			t.Fatalf("parsePage(%q) = %d, %d: out of range", raw, limit, offset)
		}
	})
}
