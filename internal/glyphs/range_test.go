package glyphs_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/internal/glyphs"
)

var rangeTests = []struct {
	in    string
	start int
	ok    bool
}{
	{"0-255", 0, true},
	{"256-511", 256, true},
	{"65280-65535", 65280, true},
	{"0-300", 0, false},
	{"1-256", 0, false},
	{"256-255", 0, false},
	{"65536-65791", 0, false},
	{"abc", 0, false},
	{"", 0, false},
	{"-", 0, false},
	{"0-", 0, false},
	{"-255", 0, false},
	{"00-255", 0, false},
	{"+0-255", 0, false},
	{"0-+255", 0, false},
	{" 0-255", 0, false},
	{"0-255.pbf", 0, false},
	{"0-255-511", 0, false},
	{"0x0-0xff", 0, false},
	{"99999999999999999999-0", 0, false},
}

func TestParseRange(t *testing.T) {
	for _, tt := range rangeTests {
		t.Run(tt.in, func(t *testing.T) {
			start, err := glyphs.ParseRange(tt.in)
			if tt.ok {
				if err != nil || start != tt.start {
					t.Errorf("ParseRange(%q) = %d, %v; want %d", tt.in, start, err, tt.start)
				}
				return
			}
			checkRangeError(t, tt.in, err)
		})
	}
}

// checkRangeError asserts err is the EInvalid error naming the range.
func checkRangeError(t *testing.T, in string, err error) {
	t.Helper()
	var ge *geo.Error
	if !errors.As(err, &ge) || ge.Code != geo.EInvalid || len(ge.Fields) != 1 || ge.Fields[0].Parameter != "range" {
		t.Errorf("ParseRange(%q) error %#v, want EInvalid naming range", in, err)
	}
}

// FuzzParseRange: no input panics; an accepted range is the one spelling
// of a valid range, and a refused one is an EInvalid error for the range.
func FuzzParseRange(f *testing.F) {
	for _, tt := range rangeTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		start, err := glyphs.ParseRange(in)
		if err != nil {
			checkRangeError(t, in, err)
			return
		}
		if start < 0 || start%256 != 0 || start+255 > 65535 {
			t.Fatalf("ParseRange(%q) accepted start %d", in, start)
		}
		if want := strconv.Itoa(start) + "-" + strconv.Itoa(start+255); in != want {
			t.Fatalf("ParseRange(%q) = %d, but that range is spelled %q", in, start, want)
		}
	})
}
