package glyphs_test

import (
	"bytes"
	"fmt"
	"math"
	"sync"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/commonground/commonground/internal/glyphs"
)

func newSet(t testing.TB) *glyphs.Set {
	t.Helper()
	s, err := glyphs.New()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fontMetrics is what the font itself says of r at FontSize, read with
// sfnt independently of the package: ink bounds (y down) and advance.
type fontMetrics struct {
	bounds   fixed.Rectangle26_6
	advance  fixed.Int26_6
	ascender fixed.Int26_6
}

func metricsOf(t *testing.T, ttf []byte, r rune) fontMetrics {
	t.Helper()
	f, err := sfnt.Parse(ttf)
	if err != nil {
		t.Fatal(err)
	}
	var b sfnt.Buffer
	x, err := f.GlyphIndex(&b, r)
	if err != nil || x == 0 {
		t.Fatalf("%q not in the font: %v", r, err)
	}
	bounds, adv, err := f.GlyphBounds(&b, x, fixed.I(glyphs.FontSize), font.HintingNone)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.Metrics(&b, fixed.I(glyphs.FontSize), font.HintingNone)
	if err != nil {
		t.Fatal(err)
	}
	return fontMetrics{bounds, adv, m.Ascent}
}

func glyphOf(t *testing.T, s *glyphs.Set, fontName string, r rune) glyphs.Glyph {
	t.Helper()
	gs, err := s.Glyphs(fontName, int(r)/256*256)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.ID == r {
			return g
		}
	}
	t.Fatalf("%s has no glyph %q", fontName, r)
	return glyphs.Glyph{}
}

func px(v fixed.Int26_6) float64 { return float64(v) / 64 }

// The metrics are the font's own, in whole pixels that hold the ink, with
// top relative to the ascender line (fontnik's convention, which MapLibre
// lays server glyphs out by), and the bitmap is the distance field.
func TestGlyphMetrics(t *testing.T) {
	s := newSet(t)
	tests := []struct {
		font string
		ttf  []byte
		r    rune
		// plausible ranges at 24 px
		minW, maxW, minH, maxH uint32
	}{
		{glyphs.Regular, goregular.TTF, 'A', 14, 18, 16, 19},
		{glyphs.Regular, goregular.TTF, 'g', 9, 13, 17, 21},
		{glyphs.Regular, goregular.TTF, 'x', 9, 13, 11, 14},
		{glyphs.Regular, goregular.TTF, 'é', 8, 13, 17, 21}, // a composite glyph
		{glyphs.Bold, gobold.TTF, 'A', 15, 19, 16, 19},
		{glyphs.Bold, gobold.TTF, 'g', 10, 14, 17, 21},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %c", tt.font, tt.r), func(t *testing.T) {
			g := glyphOf(t, s, tt.font, tt.r)
			m := metricsOf(t, tt.ttf, tt.r)
			if g.Width < tt.minW || g.Width > tt.maxW || g.Height < tt.minH || g.Height > tt.maxH {
				t.Errorf("size %dx%d, want %d-%d x %d-%d", g.Width, g.Height, tt.minW, tt.maxW, tt.minH, tt.maxH)
			}
			// The box is the font's ink bounds, widened to whole pixels.
			inkTop, inkBottom := -px(m.bounds.Min.Y), -px(m.bounds.Max.Y)
			if want := int32(math.Floor(px(m.bounds.Min.X))); g.Left != want {
				t.Errorf("left %d, want %d", g.Left, want)
			}
			if want := uint32(math.Ceil(px(m.bounds.Max.X)) - math.Floor(px(m.bounds.Min.X))); g.Width != want {
				t.Errorf("width %d, want %d", g.Width, want)
			}
			if want := uint32(math.Ceil(inkTop) - math.Floor(inkBottom)); g.Height != want {
				t.Errorf("height %d, want %d", g.Height, want)
			}
			ascender := math.Ceil(px(m.ascender))
			if want := int32(math.Ceil(inkTop) - ascender); g.Top != want {
				t.Errorf("top %d, want %d (ink top %.2f above the baseline, ascender %.0f)", g.Top, want, inkTop, ascender)
			}
			if want := uint32(math.Round(px(m.advance))); g.Advance != want || g.Advance == 0 {
				t.Errorf("advance %d, want %d", g.Advance, want)
			}
			if want := int(g.Width+2*glyphs.Buffer) * int(g.Height+2*glyphs.Buffer); len(g.Bitmap) != want {
				t.Errorf("bitmap %d bytes, want %d", len(g.Bitmap), want)
			}
		})
	}
	// Go Regular's ascender is 1935/2048 em: 22.7 px, 23 whole pixels. A
	// capital's ink top is at its cap height (1480/2048 em, 17.3 px: 18
	// whole pixels), so 5 px below the ascender line.
	if g := glyphOf(t, s, glyphs.Regular, 'H'); g.Top != 18-23 {
		t.Errorf("H top %d, want %d", g.Top, 18-23)
	}
}

// sdfAt returns the distance field value of the pixel that holds the
// point (x, y), in pixels from the pen position on the baseline, y up.
func sdfAt(g glyphs.Glyph, ascender int, x, y float64) byte {
	w := int(g.Width) + 2*glyphs.Buffer
	top := int(g.Top) + ascender + glyphs.Buffer // the bitmap's top edge, above the baseline
	row := int(math.Floor(float64(top) - y))
	col := int(math.Floor(x)) - int(g.Left) + glyphs.Buffer
	return g.Bitmap[row*w+col]
}

// The edge of the ink is at 191 (255 * (1 - Cutoff)); each pixel of
// distance is 255/Radius ~ 32 levels; 6 px or more outside is 0.
func TestDistanceField(t *testing.T) {
	s := newSet(t)
	const ascender = 23 // Go Regular at 24 px
	l := glyphOf(t, s, glyphs.Regular, 'l')
	// 'l' is one vertical stem: the middle row of its bitmap peaks inside,
	// near the middle of the stem, and falls off on both sides.
	w, h := int(l.Width)+2*glyphs.Buffer, int(l.Height)+2*glyphs.Buffer
	row := l.Bitmap[(h/2)*w : (h/2+1)*w]
	peak := 0
	for i, v := range row {
		if v > row[peak] {
			peak = i
		}
	}
	if row[peak] < 200 || row[peak] == 255 {
		t.Errorf("middle of the stem of l: %d, want inside (200-254): %v", row[peak], row)
	}
	for i := range row {
		if (i < peak && row[i] > row[i+1]) || (i > peak && row[i] > row[i-1]) {
			t.Errorf("row %v does not fall off from the stem at %d", row, i)
			break
		}
	}
	if row[0] >= 191 || row[len(row)-1] >= 191 {
		t.Errorf("border pixels %d, %d are inside the glyph", row[0], row[len(row)-1])
	}

	a := glyphOf(t, s, glyphs.Regular, 'A')
	points := []struct {
		name     string
		x, y     float64
		min, max byte
	}{
		{"left foot", 1.5, 0.5, 191, 254},
		{"right foot", 14.5, 0.5, 191, 254},
		{"between the legs, 4 px from each", 8, 0.5, 1, 100},
		{"apex", 8, 16.5, 191, 254},
		{"beside the apex", 1, 16.5, 0, 120},
	}
	for _, p := range points {
		if v := sdfAt(a, ascender, p.x, p.y); v < p.min || v > p.max {
			t.Errorf("A %s (%g, %g): %d, want %d-%d", p.name, p.x, p.y, v, p.min, p.max)
		}
	}
	// 'L': the top right corner of its box is far from the stem and the
	// foot, so 0; the corner of the bitmap's border too.
	L := glyphOf(t, s, glyphs.Regular, 'L')
	right := float64(L.Left) + float64(L.Width) - 0.5
	if v := sdfAt(L, ascender, right, float64(L.Top+ascender)-0.5); v != 0 {
		t.Errorf("L: top right of the ink box: %d, want 0", v)
	}
	if v := L.Bitmap[int(L.Width)+2*glyphs.Buffer-1]; v != 0 {
		t.Errorf("L: top right of the bitmap: %d, want 0", v)
	}
}

// A space has an advance and no ink; ranges without glyphs in the font are
// valid and empty.
func TestEmptyGlyphsAndRanges(t *testing.T) {
	s := newSet(t)
	sp := glyphOf(t, s, glyphs.Regular, ' ')
	if sp.Advance == 0 || len(sp.Bitmap) != 0 || sp.Width != 0 || sp.Height != 0 {
		t.Errorf("space: %+v", sp)
	}
	// CJK Unified Ideographs: the Go fonts have none.
	gs, err := s.Glyphs(glyphs.Regular, 0x4E00)
	if err != nil || len(gs) != 0 {
		t.Fatalf("0x4E00: %d glyphs, %v", len(gs), err)
	}
	r, err := s.Range(glyphs.Regular, 0x4E00)
	if err != nil {
		t.Fatal(err)
	}
	name, rng, decoded := decode(t, r.PBF)
	if name != glyphs.Regular || rng != "19968-20223" || len(decoded) != 0 {
		t.Errorf("empty range decodes to %q %q %d glyphs", name, rng, len(decoded))
	}
	// Latin-1 is covered, with the basic Latin letters.
	gs, err = s.Glyphs(glyphs.Regular, 0)
	if err != nil || len(gs) < 180 {
		t.Fatalf("0-255: %d glyphs, %v", len(gs), err)
	}
	if _, err := s.Glyphs("Comic Sans", 0); err == nil {
		t.Error("an unknown font name made glyphs")
	}
}

func TestResolve(t *testing.T) {
	s := newSet(t)
	tests := map[string]string{
		"Go Regular":                      glyphs.Regular,
		"Go Bold":                         glyphs.Bold,
		"Open Sans Bold,Go Bold":          glyphs.Bold,
		"Go Bold, Go Regular":             glyphs.Bold,
		"Open Sans Regular,Arial Unicode": glyphs.Regular,
		"":                                glyphs.Regular,
		"go bold":                         glyphs.Regular, // names are exact
	}
	for stack, want := range tests {
		if got := s.Resolve(stack); got != want {
			t.Errorf("Resolve(%q) = %q, want %q", stack, got, want)
		}
	}
	if fonts := s.Fonts(); len(fonts) < 2 || fonts[0] != glyphs.Regular {
		t.Errorf("Fonts() = %q", fonts)
	}
}

// The protobuf decodes back to the glyphs it was made from.
func TestEncodeRoundTrip(t *testing.T) {
	s := newSet(t)
	gs, err := s.Glyphs(glyphs.Bold, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Range("Go Bold,Go Regular", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.PBF, glyphs.Encode(glyphs.Bold, 0, gs)) {
		t.Fatal("Range and Encode(Glyphs) differ")
	}
	name, rng, got := decode(t, r.PBF)
	if name != glyphs.Bold || rng != "0-255" || len(got) != len(gs) {
		t.Fatalf("decoded %q %q %d glyphs, want %d", name, rng, len(got), len(gs))
	}
	for i := range gs {
		w, g := gs[i], got[i]
		if w.ID != g.ID || w.Width != g.Width || w.Height != g.Height || w.Left != g.Left || w.Top != g.Top ||
			w.Advance != g.Advance || !bytes.Equal(w.Bitmap, g.Bitmap) {
			t.Errorf("glyph %d: decoded %+v, want %+v", i, g, w)
		}
	}
}

// Concurrent first requests of one range make it once and agree.
func TestRangeConcurrent(t *testing.T) {
	s := newSet(t)
	var wg sync.WaitGroup
	res := make([]glyphs.Range, 8)
	for i := range res {
		wg.Go(func() {
			r, err := s.Range(glyphs.Regular, 256)
			if err != nil {
				t.Error(err)
			}
			res[i] = r
		})
	}
	wg.Wait()
	for _, r := range res[1:] {
		if &r.PBF[0] != &res[0].PBF[0] {
			t.Fatal("the range was made more than once")
		}
	}
	if _, err := s.Range(glyphs.Regular, 100); err == nil {
		t.Error("a start that is not a multiple of 256 was accepted")
	}
}

// decode reads a glyphs protobuf with protowire alone: the one fontstack's
// name and range, and its glyphs.
func decode(t *testing.T, b []byte) (name, rng string, gs []glyphs.Glyph) {
	t.Helper()
	stacks := 0
	fields(t, b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) {
		if num != 1 || typ != protowire.BytesType {
			t.Fatalf("glyphs: field %d type %d", num, typ)
		}
		stacks++
		fields(t, v, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) {
			switch num {
			case 1:
				name = string(v)
			case 2:
				rng = string(v)
			case 3:
				var g glyphs.Glyph
				fields(t, v, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) {
					switch num {
					case 1:
						g.ID = rune(n)
					case 2:
						g.Bitmap = append([]byte(nil), v...)
					case 3:
						g.Width = uint32(n)
					case 4:
						g.Height = uint32(n)
					case 5:
						g.Left = int32(protowire.DecodeZigZag(n))
					case 6:
						g.Top = int32(protowire.DecodeZigZag(n))
					case 7:
						g.Advance = uint32(n)
					default:
						t.Fatalf("glyph field %d", num)
					}
				})
				gs = append(gs, g)
			default:
				t.Fatalf("fontstack field %d", num)
			}
		})
	})
	if stacks != 1 {
		t.Fatalf("%d fontstacks, want 1", stacks)
	}
	return name, rng, gs
}

func fields(t *testing.T, b []byte, fn func(protowire.Number, protowire.Type, []byte, uint64)) {
	t.Helper()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		switch typ {
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				t.Fatal(protowire.ParseError(n))
			}
			fn(num, typ, nil, v)
			b = b[n:]
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				t.Fatal(protowire.ParseError(n))
			}
			fn(num, typ, v, 0)
			b = b[n:]
		default:
			t.Fatalf("field %d has wire type %d", num, typ)
		}
	}
}
