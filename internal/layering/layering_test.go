package layering

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestModuleLayering checks every package of the module (its non-test
// files) against Rules.
func TestModuleLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps,Standard", "all").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	std := map[string]bool{}
	var ours []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
			Deps       []string
			Standard   bool
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Standard {
			std[p.ImportPath] = true
		}
		if p.ImportPath == Module || strings.HasPrefix(p.ImportPath, Module+"/") {
			ours = append(ours, Package{Path: p.ImportPath, Imports: p.Imports, Deps: p.Deps})
		}
	}
	if len(ours) < len(Rules) {
		t.Fatalf("go list found %d of our packages, rules name %d", len(ours), len(Rules))
	}
	for _, v := range Check(ours, func(p string) bool { return std[p] }) {
		t.Error(v)
	}
}

// The checker itself catches each kind of violation.
func TestCheckFindsViolations(t *testing.T) {
	std := func(p string) bool { return !strings.Contains(p, ".") }
	tests := []struct {
		name string
		pkg  Package
		want string
	}{
		{"api imports the store", Package{Path: Module + "/api", Imports: []string{Module + "/geo/postgis"}}, "not in its allowed imports"},
		{"api depends on pgx", Package{Path: Module + "/api", Deps: []string{"github.com/jackc/pgx/v5"}}, "must never import"},
		{"geo imports gin", Package{Path: Module + "/geo", Deps: []string{"github.com/gin-gonic/gin"}}, "must never import"},
		{"geo imports api", Package{Path: Module + "/geo", Imports: []string{Module + "/api"}}, "not in its allowed imports"},
		{"codec imports the store", Package{Path: Module + "/geo/demo", Imports: []string{Module + "/geo/postgis"}}, "not in its allowed imports"},
		{"glyphs depends on gin", Package{Path: Module + "/internal/glyphs", Deps: []string{"github.com/gin-gonic/gin"}}, "must never import"},
		{"glyphs imports the store", Package{Path: Module + "/internal/glyphs", Imports: []string{Module + "/geo/postgis"}}, "not in its allowed imports"},
		{"migrations imports a module", Package{Path: Module + "/migrations", Imports: []string{"github.com/x/y"}}, "only the standard library"},
		{"package without a rule", Package{Path: Module + "/utils"}, "no layering rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check([]Package{tt.pkg}, std)
			if len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), tt.want) {
				t.Errorf("Check = %q, want a violation saying %q", got, tt.want)
			}
		})
	}
	ok := Package{Path: Module + "/api", Imports: []string{Module + "/geo", "net/http", "github.com/gin-gonic/gin"}}
	if got := Check([]Package{ok}, std); len(got) != 0 {
		t.Errorf("a good package flagged: %q", got)
	}
}
