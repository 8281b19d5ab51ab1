package frontend

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"strings"
	"testing"
)

func TestAssets(t *testing.T) {
	fsys, built := Assets()
	if fsys == nil {
		t.Fatal("Assets returned a nil file system")
	}
	if _, err := fs.Stat(fsys, ".gitkeep"); err != nil {
		t.Errorf("dist/.gitkeep missing from the embedded file system: %v", err)
	}
	_, err := fs.Stat(fsys, "index.html")
	if built != (err == nil) {
		t.Fatalf("built = %v, but stat index.html: %v", built, err)
	}
	if !built {
		t.Skip("no build in dist/ (run npm run build in frontend/); checked the empty case only")
	}
	page, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "/assets/") {
		t.Errorf("index.html does not reference the hashed assets under /assets/")
	}
	entries, err := fs.ReadDir(fsys, "assets")
	if err != nil || len(entries) == 0 {
		t.Errorf("assets/ is empty or missing: %v", err)
	}
}

// maxGzipBytes is the ceiling on the whole built app, gzipped (issue 6:
// "stays under 1.5 MB gzipped").
const maxGzipBytes = 1_500_000

// TestBundle checks the production build embedded in the binary: no source
// maps (of ours or of third-party code) and no sourceMappingURL pointing at
// one, and everything together under maxGzipBytes gzipped.
func TestBundle(t *testing.T) {
	fsys, built := Assets()
	if !built {
		t.Skip("no build in dist/ (run npm run build in frontend/)")
	}
	var total int64
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, ".map") {
			t.Errorf("%s: a source map is shipped", path)
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, "js") && bytes.Contains(b, []byte("sourceMappingURL=")) {
			t.Errorf("%s names a source map", path)
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		total += int64(buf.Len())
		t.Logf("%-50s %8d bytes, %8d gzipped", path, len(b), buf.Len())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("total gzipped: %d bytes", total)
	if total > maxGzipBytes {
		t.Errorf("the app is %d bytes gzipped, more than %d", total, maxGzipBytes)
	}
}
