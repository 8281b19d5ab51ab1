package frontend

import (
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
