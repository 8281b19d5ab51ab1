package glyphs

import (
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of the Mapbox glyphs protobuf:
//
//	message glyphs    { repeated fontstack stacks = 1; }
//	message fontstack { required string name = 1; required string range = 2; repeated glyph glyphs = 3; }
//	message glyph     { required uint32 id = 1; optional bytes bitmap = 2; required uint32 width = 3;
//	                    required uint32 height = 4; required sint32 left = 5; required sint32 top = 6;
//	                    required uint32 advance = 7; }
const (
	fieldStacks = 1

	fieldStackName   = 1
	fieldStackRange  = 2
	fieldStackGlyphs = 3

	fieldGlyphID      = 1
	fieldGlyphBitmap  = 2
	fieldGlyphWidth   = 3
	fieldGlyphHeight  = 4
	fieldGlyphLeft    = 5
	fieldGlyphTop     = 6
	fieldGlyphAdvance = 7
)

// Encode writes one fontstack named name with the glyphs of the range that
// begins at start. No glyphs is a valid, empty fontstack.
func Encode(name string, start int, gs []Glyph) []byte {
	var stack []byte
	stack = protowire.AppendTag(stack, fieldStackName, protowire.BytesType)
	stack = protowire.AppendString(stack, name)
	stack = protowire.AppendTag(stack, fieldStackRange, protowire.BytesType)
	stack = protowire.AppendString(stack, strconv.Itoa(start)+"-"+strconv.Itoa(start+RangeSize-1))
	var g []byte
	for _, gl := range gs {
		g = appendGlyph(g[:0], gl)
		stack = protowire.AppendTag(stack, fieldStackGlyphs, protowire.BytesType)
		stack = protowire.AppendBytes(stack, g)
	}
	out := protowire.AppendTag(nil, fieldStacks, protowire.BytesType)
	return protowire.AppendBytes(out, stack)
}

func appendGlyph(b []byte, g Glyph) []byte {
	b = protowire.AppendTag(b, fieldGlyphID, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(g.ID))
	if len(g.Bitmap) > 0 {
		b = protowire.AppendTag(b, fieldGlyphBitmap, protowire.BytesType)
		b = protowire.AppendBytes(b, g.Bitmap)
	}
	b = protowire.AppendTag(b, fieldGlyphWidth, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(g.Width))
	b = protowire.AppendTag(b, fieldGlyphHeight, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(g.Height))
	b = protowire.AppendTag(b, fieldGlyphLeft, protowire.VarintType)
	b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(g.Left)))
	b = protowire.AppendTag(b, fieldGlyphTop, protowire.VarintType)
	b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(g.Top)))
	b = protowire.AppendTag(b, fieldGlyphAdvance, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(g.Advance))
}
