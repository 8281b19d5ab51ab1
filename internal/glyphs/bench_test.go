package glyphs_test

import (
	"testing"

	"github.com/commonground/commonground/internal/glyphs"
)

// BenchmarkGlyphRange measures the cold cost of one range (0-255 of Go
// Regular: 193 glyphs rasterised, distance-transformed and encoded), as
// the first request for it pays; it reports the encoded size too.
func BenchmarkGlyphRange(b *testing.B) {
	s, err := glyphs.New()
	if err != nil {
		b.Fatal(err)
	}
	var size int
	for b.Loop() {
		gs, err := s.Glyphs(glyphs.Regular, 0)
		if err != nil {
			b.Fatal(err)
		}
		size = len(glyphs.Encode(glyphs.Regular, 0, gs))
	}
	b.ReportMetric(float64(size), "bytes/range")
}
