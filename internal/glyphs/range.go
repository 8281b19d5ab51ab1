package glyphs

import (
	"strconv"
	"strings"

	"github.com/commonground/commonground/geo"
)

// RangeSize is the number of code points of a range; MaxCodePoint is the
// last code point a range may reach (MapLibre asks for the Basic
// Multilingual Plane only).
const (
	RangeSize    = 256
	MaxCodePoint = 65535
)

// ParseRange reads a range as MapLibre asks for it, "{start}-{end}" in
// plain decimal with start a multiple of 256 and end = start+255, at most
// 65535. Anything else is an EInvalid *geo.Error naming the range parameter.
func ParseRange(s string) (start int, err error) {
	bad := func(detail string) error {
		return &geo.Error{Code: geo.EInvalid, Message: "bad glyph range " + strconv.Quote(s),
			Fields: []geo.FieldError{{Parameter: "range", Detail: detail}}}
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, bad("want {start}-{end}, e.g. 0-255")
	}
	start, ok1 := decimal(a)
	end, ok2 := decimal(b)
	switch {
	case !ok1 || !ok2:
		return 0, bad("start and end are plain decimal numbers")
	case start%RangeSize != 0 || end != start+RangeSize-1:
		return 0, bad("a range is 256 code points, from a multiple of 256: 0-255, 256-511, ...")
	case end > MaxCodePoint:
		return 0, bad("ranges end at 65535")
	}
	return start, nil
}

// decimal reads a non-negative number of at most 5 digits with no sign,
// spaces or leading zeros, so each range has one spelling.
func decimal(s string) (int, bool) {
	if s == "" || len(s) > 5 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
