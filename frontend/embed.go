// Package frontend embeds the built CommonGround web app (a MapLibre GL JS
// map, built by Vite from this directory) so that the server binary can serve
// it without any files beside it.
//
// The assets are whatever `npm run build` left in dist/ when the Go binary was
// compiled. A fresh clone holds only dist/.gitkeep, so the package always
// compiles; Assets reports whether a real build is present.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Assets returns the built web app as a file system rooted at dist/
// (index.html at its root, hashed files under assets/), and whether a build
// is present, meaning index.html exists. When built is false the file system
// holds no app (only dist/.gitkeep) and the caller should answer the page's
// routes with an explanation instead, e.g. "run npm run build in frontend/".
func Assets() (fsys fs.FS, built bool) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "dist" is valid.
		panic("frontend: " + err.Error())
	}
	_, err = fs.Stat(sub, "index.html")
	return sub, err == nil
}
