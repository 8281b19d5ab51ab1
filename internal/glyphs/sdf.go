package glyphs

import (
	"image"
	"image/draw"
	"math"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The SDF parameters MapLibre expects of server glyphs (node-fontnik and
// TinySDF use the same): glyphs drawn at 24 px, a 3 px border of distance
// field around each, distances encoded up to 8 px from the edge, and a
// quarter of the byte range for the inside (the edge is at 191.25).
const (
	FontSize = 24
	Buffer   = 3
	Radius   = 8
	Cutoff   = 0.25
)

// inf stands for "no seed": TinySDF's 1e20, large enough that its square
// root clamps to 0 and small enough that sums of it stay finite.
const inf = 1e20

// alphaTable maps an anti-aliased coverage byte to TinySDF's approximate
// signed squared distance of the pixel centre from the edge
// ((0.5 - a^(1/2.2)) * |...|): positive outside, negative inside, and -inf
// for a fully covered pixel.
var alphaTable = func() (t [256]float64) {
	for i := range t {
		d := 0.5 - math.Pow(float64(i)/255, 1/2.2)
		t[i] = d * math.Abs(d)
	}
	t[255] = -inf
	return t
}()

// rasterizer holds the buffers of one generation run, reused from glyph to
// glyph (it is not safe for concurrent use).
type rasterizer struct {
	buf          sfnt.Buffer
	vec          *vector.Rasterizer
	mask         *image.Alpha
	outer, inner []float64
	f            []float64
	z            []float64
	v            []int
}

// draw renders glyph x of font f as a Glyph with the given code point:
// metrics in pixels at FontSize, and for a glyph with ink, its signed
// distance field. ascender is the font's ascender in whole pixels, the
// origin server glyphs give their top relative to.
func (r *rasterizer) draw(f *sfnt.Font, id rune, x sfnt.GlyphIndex, ascender int) (Glyph, error) {
	ppem := fixed.I(FontSize)
	adv, err := f.GlyphAdvance(&r.buf, x, ppem, 0)
	if err != nil {
		return Glyph{}, err
	}
	g := Glyph{ID: id, Advance: uint32(max(0, adv.Round())), Top: int32(-ascender)}
	segs, err := f.LoadGlyph(&r.buf, x, ppem, nil)
	if err != nil {
		return Glyph{}, err
	}
	if len(segs) == 0 {
		return g, nil
	}
	// The ink's box in whole pixels, y up from the baseline; the fraction
	// of the outline's position stays in the rasterisation, as TinySDF does.
	b := segs.Bounds()
	left := floorPx(b.Min.X)
	right := ceilPx(b.Max.X)
	top := ceilPx(-b.Min.Y)
	bottom := floorPx(-b.Max.Y)
	w, h := right-left, top-bottom
	if w <= 0 || h <= 0 || w > maxGlyphPx || h > maxGlyphPx {
		return g, nil
	}
	g.Width, g.Height = uint32(w), uint32(h)
	g.Left, g.Top = int32(left), int32(top-ascender)

	gw, gh := w+2*Buffer, h+2*Buffer
	r.rasterise(segs, gw, gh, float32(Buffer-left), float32(Buffer+top))
	g.Bitmap = r.sdf(gw, gh)
	return g, nil
}

// maxGlyphPx caps a glyph's ink box (four ems), so a broken or hostile
// outline cannot make a huge bitmap.
const maxGlyphPx = 4 * FontSize

func floorPx(v fixed.Int26_6) int { return int(math.Floor(float64(v) / 64)) }
func ceilPx(v fixed.Int26_6) int  { return int(math.Ceil(float64(v) / 64)) }

// rasterise draws the outline's coverage into r.mask, a gw x gh image, with
// the glyph origin (pen position on the baseline) at (ox, oy).
func (r *rasterizer) rasterise(segs sfnt.Segments, gw, gh int, ox, oy float32) {
	if r.vec == nil {
		r.vec = vector.NewRasterizer(gw, gh)
	} else {
		r.vec.Reset(gw, gh)
	}
	r.vec.DrawOp = draw.Src
	pt := func(p fixed.Point26_6) (float32, float32) {
		return ox + float32(p.X)/64, oy + float32(p.Y)/64
	}
	for i, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if i > 0 {
				r.vec.ClosePath() // MoveTo leaves the previous contour open
			}
			r.vec.MoveTo(pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			r.vec.LineTo(pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			bx, by := pt(s.Args[0])
			cx, cy := pt(s.Args[1])
			r.vec.QuadTo(bx, by, cx, cy)
		case sfnt.SegmentOpCubeTo:
			bx, by := pt(s.Args[0])
			cx, cy := pt(s.Args[1])
			dx, dy := pt(s.Args[2])
			r.vec.CubeTo(bx, by, cx, cy, dx, dy)
		}
	}
	r.vec.ClosePath()
	rect := image.Rect(0, 0, gw, gh)
	if r.mask == nil || r.mask.Rect != rect {
		r.mask = image.NewAlpha(rect)
	}
	r.vec.Draw(r.mask, rect, image.Opaque, image.Point{})
}

// sdf turns r.mask (gw x gh coverage) into the distance field bytes, row by
// row from the top, as TinySDF does: an exact Euclidean distance transform
// of the outside and of the inside, with anti-aliased pixels seeding
// sub-pixel distances, encoded as 255*(1-Cutoff) - 255/Radius * distance.
func (r *rasterizer) sdf(gw, gh int) []byte {
	n := gw * gh
	r.outer = grow(r.outer, n)
	r.inner = grow(r.inner, n)
	side := max(gw, gh)
	r.f = grow(r.f, side)
	r.z = grow(r.z, side+1)
	if cap(r.v) < side {
		r.v = make([]int, side)
	}
	r.v = r.v[:side]
	for i, a := range r.mask.Pix[:n] {
		if a == 0 {
			r.outer[i], r.inner[i] = inf, 0
			continue
		}
		t := alphaTable[a]
		r.outer[i], r.inner[i] = max(0, t), max(0, -t)
	}
	edt(r.outer, gw, gh, r.f, r.z, r.v)
	edt(r.inner, gw, gh, r.f, r.z, r.v)

	out := make([]byte, n)
	scale := 255.0 / Radius
	base := 255 * (1 - Cutoff)
	for i := range out {
		d := math.Sqrt(r.outer[i]) - math.Sqrt(r.inner[i])
		out[i] = clampByte(base - scale*d)
	}
	return out
}

// clampByte rounds and clamps as a Uint8ClampedArray store does.
func clampByte(v float64) byte {
	switch {
	case !(v > 0): // also NaN
		return 0
	case v >= 255:
		return 255
	}
	return byte(math.RoundToEven(v))
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// edt replaces the squared distances in grid (width x height, row major)
// with the squared Euclidean distance to the nearest seed, where a seed's
// own value is its squared distance offset (Felzenszwalb and Huttenlocher,
// "Distance Transforms of Sampled Functions": one 1D pass down every column,
// then one along every row).
func edt(grid []float64, width, height int, f, z []float64, v []int) {
	for x := range width {
		edt1d(grid, x, width, height, f, z, v)
	}
	for y := range height {
		edt1d(grid, y*width, 1, width, f, z, v)
	}
}

// edt1d is the 1D squared distance transform of the length values of grid
// at offset, offset+stride, ...: the lower envelope of the parabolas rooted
// at each sample.
func edt1d(grid []float64, offset, stride, length int, f, z []float64, v []int) {
	v[0] = 0
	z[0] = -inf
	z[1] = inf
	f[0] = grid[offset]
	k := 0
	for q := 1; q < length; q++ {
		fq := grid[offset+q*stride]
		f[q] = fq
		q2 := float64(q * q)
		var s float64
		for {
			r := v[k]
			s = (fq - f[r] + q2 - float64(r*r)) / float64(q-r) / 2
			if s > z[k] {
				break
			}
			k--
			if k < 0 {
				break
			}
		}
		k++
		v[k] = q
		z[k] = s
		z[k+1] = inf
	}
	k = 0
	for q := range length {
		for z[k+1] < float64(q) {
			k++
		}
		r := v[k]
		qr := float64(q - r)
		grid[offset+q*stride] = f[r] + qr*qr
	}
}
