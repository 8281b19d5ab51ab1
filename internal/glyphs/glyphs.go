// Package glyphs makes the glyph ranges MapLibre GL draws text labels with:
// signed distance fields of the Go fonts (golang.org/x/image/font/gofont,
// BSD-3-Clause, by Bigelow & Holmes), 256 code points at a time, encoded as
// the Mapbox glyphs protobuf. It needs no database and no HTTP: the api
// package serves its ranges at /fonts/{fontstack}/{start}-{end}.pbf.
//
// Metrics follow the convention of node-fontnik, whose glyphs MapLibre
// lays out: pixels at FontSize, Left the ink's left edge from the pen
// position, Top the ink's top edge measured up from the font's ascender
// line (so Top = ink top above the baseline - ascender, negative for most
// glyphs), Advance the horizontal advance; Width and Height are the ink box,
// and the bitmap has a Buffer-pixel border around it.
package glyphs

import (
	"crypto/sha256"
	"fmt"
	"math"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The fonts on offer, by the name a style's text-font uses.
const (
	Regular = "Go Regular"
	Bold    = "Go Bold"
	Italic  = "Go Italic"
)

// Glyph is one glyph of a range, as the protobuf carries it.
type Glyph struct {
	ID            rune
	Bitmap        []byte // (Width+2*Buffer) x (Height+2*Buffer), rows from the top; empty without ink
	Width, Height uint32
	Left, Top     int32
	Advance       uint32
}

// Range is one encoded glyph range: the protobuf and its SHA-256, a
// validator for HTTP caches (the bytes depend only on the font and range).
type Range struct {
	PBF []byte
	Sum [sha256.Size]byte
}

// Set is the fonts on offer and the ranges made so far. It is safe for
// concurrent use; each (font, range) is made once, on first request, and
// kept (at most len(fonts) x 256 small entries).
type Set struct {
	fonts  map[string]*face
	names  []string
	ranges sync.Map // rangeKey -> *rangeEntry
}

type face struct {
	name     string
	font     *sfnt.Font
	ascender int // whole pixels at FontSize, as FreeType rounds it
}

type rangeKey struct {
	font  string
	start int
}

type rangeEntry struct {
	once sync.Once
	r    Range
	err  error
}

// New parses the embedded Go fonts.
func New() (*Set, error) {
	s := &Set{fonts: map[string]*face{}}
	for _, f := range []struct {
		name string
		ttf  []byte
	}{{Regular, goregular.TTF}, {Bold, gobold.TTF}, {Italic, goitalic.TTF}} {
		fc, err := newFace(f.name, f.ttf)
		if err != nil {
			return nil, err
		}
		s.fonts[f.name] = fc
		s.names = append(s.names, f.name)
	}
	return s, nil
}

func newFace(name string, ttf []byte) (*face, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("glyphs: parse %s: %w", name, err)
	}
	m, err := f.Metrics(nil, fixed.I(FontSize), font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("glyphs: metrics of %s: %w", name, err)
	}
	// FreeType's size metrics (which fontnik takes the ascender from) round
	// the ascender up to a whole pixel.
	return &face{name: name, font: f, ascender: int(math.Ceil(float64(m.Ascent) / 64))}, nil
}

// Fonts lists the font names on offer.
func (s *Set) Fonts() []string { return append([]string(nil), s.names...) }

// Resolve picks the font for a fontstack, the comma-separated text-font
// list MapLibre puts in the URL: the first name on offer, else Regular.
func (s *Set) Resolve(fontstack string) string {
	for _, name := range strings.Split(fontstack, ",") {
		if _, ok := s.fonts[strings.TrimSpace(name)]; ok {
			return strings.TrimSpace(name)
		}
	}
	return Regular
}

// Range returns the encoded range of code points start..start+255 for the
// fontstack (see Resolve), making it on first use. start must be a multiple
// of 256 below MaxCodePoint (ParseRange checks it).
func (s *Set) Range(fontstack string, start int) (Range, error) {
	if start < 0 || start > MaxCodePoint || start%RangeSize != 0 {
		return Range{}, fmt.Errorf("glyphs: range start %d", start)
	}
	name := s.Resolve(fontstack)
	v, _ := s.ranges.LoadOrStore(rangeKey{name, start}, new(rangeEntry))
	e := v.(*rangeEntry)
	e.once.Do(func() {
		var gs []Glyph
		if gs, e.err = s.Glyphs(name, start); e.err == nil {
			pbf := Encode(name, start, gs)
			e.r = Range{PBF: pbf, Sum: sha256.Sum256(pbf)}
		}
	})
	return e.r, e.err
}

// Glyphs makes the glyphs of code points start..start+255 the font has
// (without caching), in code point order. An unknown font name is an error.
func (s *Set) Glyphs(fontName string, start int) ([]Glyph, error) {
	fc, ok := s.fonts[fontName]
	if !ok {
		return nil, fmt.Errorf("glyphs: no font %q", fontName)
	}
	var r rasterizer
	var out []Glyph
	for cp := rune(start); cp < rune(start+RangeSize); cp++ {
		x, err := fc.font.GlyphIndex(&r.buf, cp)
		if err != nil {
			return nil, fmt.Errorf("glyphs: %s U+%04X: %w", fontName, cp, err)
		}
		if x == 0 {
			continue // not in the font
		}
		g, err := r.draw(fc.font, cp, x, fc.ascender)
		if err != nil {
			return nil, fmt.Errorf("glyphs: %s U+%04X: %w", fontName, cp, err)
		}
		out = append(out, g)
	}
	return out, nil
}
