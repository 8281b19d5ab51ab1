//go:build pprof

package main

// Built with -tags pprof, the binary serves net/http/pprof on
// COMMONGROUND_PPROF_ADDR (default 127.0.0.1:6060), for profiling under
// load. Release builds leave it out.

import (
	"net/http"
	_ "net/http/pprof" // registers on http.DefaultServeMux
	"os"
)

func init() {
	addr := os.Getenv("COMMONGROUND_PPROF_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	go func() { _ = http.ListenAndServe(addr, nil) }()
}
