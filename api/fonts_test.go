package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/commonground/commonground/geo/postgis"
)

// fontstackOf reads the name, range and glyph count of the one fontstack
// of a glyphs protobuf.
func fontstackOf(t *testing.T, b []byte) (name, rng string, glyphs int) {
	t.Helper()
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 || num != 1 || typ != protowire.BytesType {
		t.Fatalf("not a glyphs message: %d %d %d", num, typ, n)
	}
	stack, m := protowire.ConsumeBytes(b[n:])
	if m < 0 || n+m != len(b) {
		t.Fatalf("glyphs message of %d bytes: one fontstack of %d", len(b), m)
	}
	for len(stack) > 0 {
		num, typ, n := protowire.ConsumeTag(stack)
		if n < 0 || typ != protowire.BytesType {
			t.Fatalf("fontstack field %d type %d", num, typ)
		}
		v, m := protowire.ConsumeBytes(stack[n:])
		if m < 0 {
			t.Fatal(protowire.ParseError(m))
		}
		switch num {
		case 1:
			name = string(v)
		case 2:
			rng = string(v)
		case 3:
			glyphs++
		}
		stack = stack[n+m:]
	}
	return name, rng, glyphs
}

func TestFonts(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)

	get := func(t *testing.T, path string, hdr ...string) (string, string, int, []byte) {
		t.Helper()
		rec := e.do(t, http.MethodGet, path, hdr...)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/x-protobuf" ||
			rec.Header().Get("Cache-Control") != "public, max-age=86400" || !strings.HasPrefix(rec.Header().Get("ETag"), `"`) {
			t.Fatalf("%s = %d %v", path, rec.Code, rec.Header())
		}
		name, rng, n := fontstackOf(t, rec.Body.Bytes())
		return name, rng, n, rec.Body.Bytes()
	}

	t.Run("a range of each font", func(t *testing.T) {
		name, rng, n, regular := get(t, "/fonts/Go%20Regular/0-255.pbf")
		if name != "Go Regular" || rng != "0-255" || n < 180 {
			t.Errorf("Go Regular 0-255: %q %q %d glyphs", name, rng, n)
		}
		name, _, _, bold := get(t, "/fonts/Go%20Bold/0-255.pbf")
		if name != "Go Bold" || bytes.Equal(regular, bold) {
			t.Errorf("Go Bold: %q, same bytes as Regular: %v", name, bytes.Equal(regular, bold))
		}
		// MapLibre joins text-font with commas: the first font known wins.
		if name, _, _, _ := get(t, "/fonts/Open%20Sans%20Bold,Go%20Bold/0-255.pbf"); name != "Go Bold" {
			t.Errorf("Open Sans Bold,Go Bold: %q", name)
		}
	})

	t.Run("unknown fonts fall back to Go Regular", func(t *testing.T) {
		name, _, _, b := get(t, "/fonts/Noto%20Sans%20Regular/256-511.pbf")
		_, _, _, want := get(t, "/fonts/Go%20Regular/256-511.pbf")
		if name != "Go Regular" || !bytes.Equal(b, want) {
			t.Errorf("fallback: %q", name)
		}
	})

	t.Run("a range the font lacks is empty, not an error", func(t *testing.T) {
		if name, rng, n, _ := get(t, "/fonts/Go%20Regular/19968-20223.pbf"); name != "Go Regular" || rng != "19968-20223" || n != 0 {
			t.Errorf("CJK range: %q %q %d glyphs", name, rng, n)
		}
		// The last range holds U+FFFD, the replacement character.
		if _, rng, n, _ := get(t, "/fonts/Go%20Regular/65280-65535.pbf"); rng != "65280-65535" || n != 1 {
			t.Errorf("last range: %q %d glyphs", rng, n)
		}
	})

	t.Run("ETag revalidation and HEAD", func(t *testing.T) {
		first := e.do(t, http.MethodGet, "/fonts/Go%20Regular/0-255.pbf")
		etag := first.Header().Get("ETag")
		rec := e.do(t, http.MethodGet, "/fonts/Go%20Regular/0-255.pbf", "If-None-Match", etag)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
			t.Errorf("If-None-Match: %d %v", rec.Code, rec.Header())
		}
		other := e.do(t, http.MethodGet, "/fonts/Go%20Bold/0-255.pbf").Header().Get("ETag")
		if other == etag || e.do(t, http.MethodGet, "/fonts/Go%20Bold/0-255.pbf", "If-None-Match", etag).Code != http.StatusOK {
			t.Errorf("Go Bold shares Go Regular's ETag %s", etag)
		}
		head := e.do(t, http.MethodHead, "/fonts/Go%20Regular/0-255.pbf")
		if head.Code != http.StatusOK || head.Header().Get("ETag") != etag ||
			head.Header().Get("Content-Length") != first.Header().Get("Content-Length") || head.Header().Get("Content-Type") != "application/x-protobuf" {
			t.Errorf("HEAD: %d %v", head.Code, head.Header())
		}
	})

	t.Run("bad ranges are a 400 naming the range", func(t *testing.T) {
		for _, path := range []string{
			"/fonts/Go%20Regular/0-300.pbf",
			"/fonts/Go%20Regular/abc.pbf",
			"/fonts/Go%20Regular/256-511",
			"/fonts/Go%20Regular/65536-65791.pbf",
			"/fonts/Go%20Regular/100-355.pbf",
		} {
			p := problem(t, e.do(t, http.MethodGet, path), http.StatusBadRequest)
			if len(p.Errors) != 1 || p.Errors[0].Parameter != "range" {
				t.Errorf("%s: %+v", path, p)
			}
		}
		p := problem(t, e.do(t, http.MethodGet, "/fonts/"+strings.Repeat("x", 600)+"/0-255.pbf"), http.StatusBadRequest)
		if len(p.Errors) != 1 || p.Errors[0].Parameter != "fontstack" {
			t.Errorf("long fontstack: %+v", p)
		}
		p = problem(t, e.do(t, http.MethodGet, "/fonts/Go%20Regular/0-255.pbf?size=48"), http.StatusBadRequest)
		if len(p.Errors) != 1 || p.Errors[0].Parameter != "size" {
			t.Errorf("unknown parameter: %+v", p)
		}
	})
}
